import { defineConfig } from 'i18next-cli';
import pluginJson from './src/plugin.json';

// `npm run i18n:extract`: every t()/<Trans> key of the plugin into src/locales/<language>/<plugin id>.json,
// the path Grafana loads translations from. en-US takes the in-source defaults; other languages
// keep their translations and get new keys to translate.
export default defineConfig({
  locales: pluginJson.languages,
  extract: {
    input: ['src/plugin/**/*.{ts,tsx}', 'src/module.tsx'],
    ignore: ['src/plugin/**/*.test.{ts,tsx}', 'src/plugin/test/**'],
    output: 'src/locales/{{language}}/{{namespace}}.json',
    defaultNS: pluginJson.id,
    functions: ['t', '*.t'],
    transComponents: ['Trans'],
    primaryLanguage: 'en-US',
    sort: true,
    indentation: 2,
  },
});
