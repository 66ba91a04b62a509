import fs from 'fs';
import path from 'path';
import pluginJson from '../plugin.json';

/**
 * The locale files Grafana loads (src/locales/<language>/<plugin id>.json) must hold every key the
 * code uses, with the in-source English default in en-US, and the same keys in every language.
 */
const SRC = path.resolve(__dirname, '..');
const languages: string[] = pluginJson.languages;

function load(language: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(SRC, 'locales', language, `${pluginJson.id}.json`), 'utf8'));
}

function flatten(value: unknown, prefix = ''): Record<string, string> {
  if (typeof value === 'string') {
    return { [prefix]: value };
  }
  return Object.entries(value as Record<string, unknown>).reduce<Record<string, string>>(
    (all, [key, child]) => ({ ...all, ...flatten(child, prefix ? `${prefix}.${key}` : key) }),
    {}
  );
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'test' ? [] : sourceFiles(file);
    }
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

/** `t('key', 'default')` with a single- or double-quoted default, and `<Trans i18nKey="key">`. */
function usedKeys(): { keys: Set<string>; defaults: Record<string, string> } {
  const keys = new Set<string>();
  const defaults: Record<string, string> = {};
  for (const file of [path.join(SRC, 'module.tsx'), ...sourceFiles(path.join(SRC, 'plugin'))]) {
    const code = fs.readFileSync(file, 'utf8');
    for (const match of code.matchAll(/\bt\(\s*'([^']+)',\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g)) {
      keys.add(match[1]);
      defaults[match[1]] = (match[2] ?? match[3]).replace(/\\(.)/g, '$1');
    }
    for (const match of code.matchAll(/i18nKey="([^"]+)"/g)) {
      keys.add(match[1]);
    }
  }
  return { keys, defaults };
}

describe('locales', () => {
  test('plugin.json lists en-US and zh-Hans', () => {
    expect(languages).toEqual(expect.arrayContaining(['en-US', 'zh-Hans']));
  });

  test('en-US has every key the code uses, with the in-source default', () => {
    const english = flatten(load('en-US'));
    const { keys, defaults } = usedKeys();
    expect(keys.size).toBeGreaterThan(10);
    expect([...keys].filter((key) => !(key in english))).toEqual([]);
    for (const [key, text] of Object.entries(defaults)) {
      expect([key, english[key]]).toEqual([key, text]);
    }
    // No leftovers: every key in the file is used.
    expect(Object.keys(english).filter((key) => !keys.has(key))).toEqual([]);
  });

  test.each(languages.filter((language) => language !== 'en-US'))('%s has the same keys as en-US', (language) => {
    const english = Object.keys(flatten(load('en-US'))).sort();
    const other = flatten(load(language));
    expect(Object.keys(other).sort()).toEqual(english);
    expect(Object.entries(other).filter(([, text]) => text.trim() === '')).toEqual([]);
  });
});
