import fs from 'fs';
import path from 'path';
import pluginJson from '../plugin.json';

/**
 * What the Grafana plugin validator (grafana/plugin-validator, run before a plugin is published)
 * checks in plugin.json and the files it names, for the rules that need neither its binary nor the
 * network. Paths in plugin.json are relative to it, and the build copies them from src/ as they are.
 */
const SRC = path.resolve(__dirname, '..');
const ROOT = path.resolve(SRC, '..');

interface Include {
  type: string;
  role?: string;
  path?: string;
}

/** plugin.json as its schema types it where the file leaves a list empty or a field out. */
const plugin = pluginJson as Omit<typeof pluginJson, 'info' | 'includes'> & {
  info: Omit<typeof pluginJson.info, 'screenshots'> & { screenshots: Array<{ name: string; path: string }> };
  includes: Include[];
};

function imagePaths(): Array<[kind: string, file: string]> {
  return [
    ['small logo', plugin.info.logos.small],
    ['large logo', plugin.info.logos.large],
    ...plugin.info.screenshots.map((shot): [string, string] => [`screenshot "${shot.name}"`, shot.path]),
  ];
}

describe('plugin.json against the plugin validator', () => {
  test('the id is org-name-type (or org-type) and ends with the type; the name is not the id', () => {
    expect(plugin.id).toMatch(/^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$/);
    expect(plugin.id.endsWith(`-${plugin.type}`)).toBe(true);
    expect(plugin.name).not.toBe(plugin.id);
  });

  test('the catalog can find it: a description and keywords', () => {
    expect(plugin.info.description.trim()).not.toBe('');
    expect(plugin.info.keywords.length).toBeGreaterThan(0);
  });

  test('logos and screenshots are relative paths, without "./" or "/", to images that exist', () => {
    for (const [kind, file] of imagePaths()) {
      const problem = /^[./]/.test(file)
        ? 'starts with "." or "/"'
        : !fs.existsSync(path.join(SRC, file))
          ? 'does not exist'
          : !/\.(svg|png|jpe?g|gif)$/.test(file)
            ? 'is not an SVG, PNG, JPEG or GIF image'
            : undefined;
      expect({ kind, file, problem }).toEqual({ kind, file, problem: undefined });
    }
  });

  test('every SVG is one the validator calls safe: no script-like element, no on* attribute', () => {
    const svgs = fs.readdirSync(path.join(SRC, 'img')).filter((file) => file.endsWith('.svg'));
    expect(svgs.length).toBeGreaterThan(0);
    for (const file of svgs) {
      const svg = fs.readFileSync(path.join(SRC, 'img', file), 'utf8');
      expect(svg).toContain('<svg');
      expect(svg).not.toMatch(/<(script|iframe|audio|template|noscript|math|foreignObject)\b/i);
      expect(svg).not.toMatch(/\son[a-z]+\s*=/i);
    }
  });

  test('the version and date are filled in by the build, from package.json', () => {
    expect(plugin.info.version).toBe('%VERSION%');
    expect(plugin.info.updated).toBe('%TODAY%');
    const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(packageJson.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test('grafanaDependency is a range, neither one release nor one minor version', () => {
    const range = plugin.dependencies.grafanaDependency;
    expect(range).toMatch(/^(<=|>=|<|>|=|~|\^)?\d+(\.[0-9x*]+)(\.[0-9x*]+)?$/);
    expect(range).not.toMatch(/^\d+\.\d+\.(\d+|x)$/);
  });

  test('each include has a type and, if any, a basic role; each proxy route a path and a role', () => {
    for (const include of plugin.includes) {
      expect(['dashboard', 'page', 'panel', 'datasource']).toContain(include.type);
      if (include.role !== undefined) {
        expect(['Admin', 'Editor', 'Viewer']).toContain(include.role);
      }
    }
    for (const route of plugin.routes) {
      expect(route.path).not.toBe('');
      expect(['Admin', 'Editor', 'Viewer']).toContain(route.reqRole);
    }
  });

  test("the catalog's README exists, is not the template, has no relative links, no jargon, no comments", () => {
    const readme = fs.readFileSync(path.join(SRC, 'README.md'), 'utf8');
    expect(readme.trim()).not.toBe('');
    expect(readme).not.toMatch(/Grafana (Panel|Data Source|Datasource|App|Data Source Backend) Plugin Template/i);
    const links = [...readme.matchAll(/\[.+?\]\((.+?)\)/g)].map((match) => match[1].split(/\s/)[0]);
    expect(links.filter((link) => !/^(https?:\/\/|#|mailto:)/.test(link))).toEqual([]);
    expect(readme).not.toMatch(/yarn|nodejs/);
    expect(readme).not.toContain('<!--');
  });

  test('the archive gets a LICENSE the catalog accepts and a CHANGELOG', () => {
    expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
    expect(fs.existsSync(path.join(ROOT, 'CHANGELOG.md'))).toBe(true);
  });
});
