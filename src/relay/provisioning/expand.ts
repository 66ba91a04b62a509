import fs from 'node:fs';
import type { Language } from '../../core/config';

/** A value that cannot be expanded, said in both languages. */
export class ExpandError extends Error {
  constructor(readonly text: Record<Language, string>) {
    super(text.en);
  }
}

/**
 * Grafana's provisioning expansion: `$__env{NAME}`, `$__file{path}`, `$NAME` and
 * `${NAME}` expand; `$$` is a literal `$`. Unlike Grafana, an unset variable is an error rather
 * than an empty string: an empty robot key or secret would only fail later, at send time.
 */
export function expandValue(value: string, env: NodeJS.ProcessEnv): string {
  return value
    .split('$$')
    .map((piece) =>
      piece.replace(
        /\$__env\{([^}]*)\}|\$__file\{([^}]*)\}|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
        (_match, envName, file, braced, bare) => {
          if (file !== undefined) {
            try {
              return fs.readFileSync(file, 'utf8').trim();
            } catch {
              throw new ExpandError({
                en: `$__file{${file}}: cannot read the file`,
                'zh-CN': `$__file{${file}}：无法读取该文件`,
              });
            }
          }
          const name: string = envName ?? braced ?? bare;
          const found = env[name];
          if (found === undefined) {
            const written = envName !== undefined ? `$__env{${name}}` : `$${name}`;
            throw new ExpandError({
              en: `${written}: environment variable ${name} is not set`,
              'zh-CN': `${written}：环境变量 ${name} 未设置`,
            });
          }
          return found;
        }
      )
    )
    .join('$');
}

/** Expands every string in a parsed YAML document; problems are reported with their path. */
export function expandTree(
  node: unknown,
  env: NodeJS.ProcessEnv,
  path: string,
  problems: Array<{ path: string; text: Record<Language, string> }>
): unknown {
  if (typeof node === 'string') {
    try {
      return expandValue(node, env);
    } catch (error) {
      if (!(error instanceof ExpandError)) {
        throw error;
      }
      problems.push({ path, text: error.text });
      return node;
    }
  }
  if (Array.isArray(node)) {
    return node.map((item, index) => expandTree(item, env, `${path}[${index}]`, problems));
  }
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, expandTree(value, env, path ? `${path}.${key}` : key, problems)])
    );
  }
  return node;
}
