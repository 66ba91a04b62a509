/**
 * Alert data (labels, annotations, names) is arbitrary user text. Before it is placed into a
 * message it is neutralised so it can never become WeCom markup: no mention, colour, link, bold,
 * code, header or quote, and no line break that would escape the line the template put it on.
 * Look-alike characters keep it readable; the same text is used for every message kind, so the
 * preview, markdown, text and textcard all show the same words.
 */
import { wellFormed } from './utf8';

/** Anything the replacements below would change; most label values hold none of it. */
const MARKUP = /[\r\n\u2028\u2029<>*`]|\]\(|^#/;

export function neutralise(text: string): string {
  const whole = wellFormed(text);
  if (!MARKUP.test(whole)) {
    return whole;
  }
  return whole
    .replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ')
    .replace(/</g, '＜')
    .replace(/>/g, '＞')
    .replace(/\*{2,}/g, (stars) => '∗'.repeat(stars.length))
    .replace(/`/g, 'ˋ')
    .replace(/\]\(/g, '] (')
    .replace(/^#/, '＃');
}

/** Liquid's output escape: every `{{ … }}` is neutralised unless the template ends it with `| raw`. */
export function neutraliseOutput(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (Array.isArray(value)) {
    return value.map(neutraliseOutput).join(', ');
  }
  return neutralise(String(value));
}

/**
 * An absolute http(s) URL made safe inside `[text](url)` and `<a href="url">`, or '' when the value
 * is not such a URL. WeCom opens nothing else, and a `javascript:` link must not reach a reader.
 */
export function safeUrl(url: string): string {
  const trimmed = url.trim();
  if (!/^https?:\/\/[^\s/]/i.test(trimmed)) {
    return '';
  }
  return wellFormed(trimmed).replace(/[\s()<>"`*]/g, (char) =>
    char.charCodeAt(0) < 0x80
      ? '%' + char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')
      : encodeURIComponent(char)
  );
}
