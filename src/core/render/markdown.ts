/**
 * Templates write WeCom markdown (v1: headers, bold, links, inline code, quotes, three font
 * colours). This module tidies that output and derives the plain-text and textcard forms from it,
 * so one template serves every message kind. Alert data was neutralised before it got here, so
 * every construct these patterns see was written by the template.
 */

const FONT_TAG = /<font\b[^>]*>|<\/font>/gi;
const LINK = /\[([^\]\n]*)\]\(([^)\s]*)\)/g;
const ONLY_SEPARATORS = /^[\s·|,，、:：/-]*$/;

/**
 * Trailing blanks, empty lines and empty quotes/headers (an `{% if %}` that rendered nothing) are
 * removed: spacing between alerts is the renderer's job, so templates need no whitespace control.
 */
export function tidy(markdown: string): string {
  return markdown
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .filter((line) => line !== '' && !/^(>|#{1,6})$/.test(line))
    .join('\n');
}

function plain(line: string, link: (text: string, url: string) => string): string {
  return line
    .replace(/^#{1,6}\s*/, '')
    .replace(/^>\s?/, '')
    .replace(FONT_TAG, '')
    .replace(LINK, (_match, text: string, url: string) => link(text, url))
    .replace(/\*\*/g, '')
    .replace(/`/g, '')
    .trim();
}

/** The text of one line, links reduced to their names (a textcard title). */
export function plainLine(line: string): string {
  return plain(line, (text) => text);
}

/** Plain text for app text messages; links stay clickable as the `<a href>` WeCom text supports. */
export function toText(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) => plain(line, (text, url) => `<a href="${url}">${text}</a>`))
    .filter((line) => line !== '')
    .join('\n');
}

/** Quotes are secondary (grey) whatever colours they hold; other lines take their colour. */
function cardClass(line: string): 'highlight' | 'gray' | 'normal' {
  if (/^>|^<font color="?comment/i.test(line)) {
    return 'gray';
  }
  return /<font color="?warning/i.test(line) ? 'highlight' : 'normal';
}

/**
 * A textcard description: one `<div>` per line, coloured as the markdown line was. Links are left
 * out: the card itself opens the most useful one.
 */
export function toCardDescription(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) => ({ line, text: plain(line, () => '') }))
    .filter(({ text }) => !ONLY_SEPARATORS.test(text))
    .map(({ line, text }) => `<div class="${cardClass(line)}">${text}</div>`)
    .join('');
}
