import type { Language } from '../core/config';

/** The language of the command line's output, from the POSIX locale: LC_ALL, then LC_MESSAGES, then LANG. */
export function localeLanguage(env: NodeJS.ProcessEnv = process.env): Language {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
