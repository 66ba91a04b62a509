import { defineConfig } from 'eslint/config';
import grafanaI18nPlugin from '@grafana/i18n/eslint-plugin';
import reactPlugin from 'eslint-plugin-react';
import reactHooksPlugin from 'eslint-plugin-react-hooks';
import globals from 'globals';
import baseConfig from './.config/eslint.config.mjs';

// The repository holds three parts (see /src): the Grafana app plugin (browser, React), the relay
// (Node service) and the isomorphic core (Node and browser). Grafana's config below applies to all
// of them; React rules are switched off where there is no React, and the Node code gets rules that
// matter for a service that must not lose work (no un-awaited promises).
const PLUGIN_FILES = ['src/module.tsx', 'src/plugin/**/*.{ts,tsx}'];
const NODE_FILES = [
  'src/relay/**/*.ts',
  'src/core/**/*.ts',
  'tests/relay/**/*.ts',
  'tests/browser/**/*.ts',
  'bench/**/*.ts',
];

const reactRulesOff = Object.fromEntries(
  [
    ...Object.keys(reactPlugin.rules).map((name) => `react/${name}`),
    ...Object.keys(reactHooksPlugin.rules).map((name) => `react-hooks/${name}`),
  ].map((name) => [name, 'off'])
);

export default defineConfig([
  {
    ignores: [
      '**/logs',
      '**/*.log',
      '**/npm-debug.log*',
      '**/yarn-debug.log*',
      '**/yarn-error.log*',
      '**/.pnpm-debug.log*',
      '**/node_modules/',
      '.yarn/cache',
      '.yarn/unplugged',
      '.yarn/build-state.yml',
      '.yarn/install-state.gz',
      '**/.pnp.*',
      '**/pids',
      '**/*.pid',
      '**/*.seed',
      '**/*.pid.lock',
      '**/lib-cov',
      '**/coverage',
      '**/dist/',
      'dist-relay/',
      'data/',
      '**/artifacts/',
      '**/work/',
      'test-results/',
      'playwright-report/',
      'blob-report/',
      'playwright/.cache/',
      'playwright/.auth/',
      '**/.idea',
      '**/.eslintcache',
    ],
  },
  ...baseConfig,
  {
    // `import type { X }` next to `import { Y }` from one module is deliberate in TypeScript.
    rules: {
      'no-duplicate-imports': ['error', { allowSeparateTypeImports: true }],
    },
  },
  {
    // Type-aware rules need the project for every TypeScript file, not only src/ (Grafana's default);
    // this also makes ESLint lint the TypeScript outside src/ at all.
    files: ['tests/**/*.{ts,tsx}', 'bench/**/*.ts'],
    languageOptions: {
      parserOptions: {
        project: './tsconfig.json',
      },
    },
  },
  {
    // Root config files (playwright.config.ts): linted, without type information.
    files: ['*.ts'],
  },
  {
    name: 'wecom-relay/plugin-i18n',
    files: PLUGIN_FILES,
    ignores: ['**/*.test.{ts,tsx}', 'src/plugin/test/**'],
    plugins: { '@grafana/i18n': grafanaI18nPlugin },
    rules: {
      '@grafana/i18n/no-untranslated-strings': ['error', { calleesToIgnore: ['^css$', 'use[A-Z].*'] }],
      '@grafana/i18n/no-translation-top-level': 'error',
      '@grafana/i18n/t-plural-defaults': 'error',
      '@grafana/i18n/trans-plural-defaults': 'error',
    },
  },
  {
    name: 'wecom-relay/node',
    files: NODE_FILES,
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        project: './tsconfig.json',
      },
    },
    rules: {
      ...reactRulesOff,
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe()/test() return promises the runner awaits itself.
          allowForKnownSafeCalls: [
            { from: 'package', name: ['describe', 'suite', 'it', 'test'], package: 'node:test' },
          ],
        },
      ],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
  },
  {
    // The core runs in the browser too (the plugin's preview): no Node-only modules.
    name: 'wecom-relay/core-isomorphic',
    files: ['src/core/**/*.ts'],
    // Tests and their helpers run under node:test only.
    ignores: ['src/core/**/*.test.ts', 'src/core/**/test-*.ts', 'src/core/**/*.fixtures.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['moment'],
          patterns: [
            { group: ['node:*'], message: 'src/core runs in the browser too: no Node-only imports.' },
            {
              group: ['fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'worker_threads'],
              message: 'src/core runs in the browser too: no Node-only imports.',
            },
            { regex: '^(\\.\\./)+(relay|plugin)(/|$)', message: 'src/core must not import the relay or the plugin.' },
          ],
        },
      ],
    },
  },
  {
    // The app and the relay talk over HTTP only.
    name: 'wecom-relay/boundaries',
    files: ['src/plugin/**/*.{ts,tsx}', 'src/module.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['moment'],
          patterns: [{ regex: '^(\\.\\./)+relay(/|$)', message: 'The plugin talks to the relay over HTTP only.' }],
        },
      ],
    },
  },
  {
    name: 'wecom-relay/relay-boundaries',
    files: ['src/relay/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['moment'],
          patterns: [{ regex: '^(\\.\\./)+plugin(/|$)', message: 'The relay talks to the plugin over HTTP only.' }],
        },
      ],
    },
  },
]);
