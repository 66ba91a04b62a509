/**
 * Making rendered content fit a byte budget: cut the longest lines (a 10 KB description, not the
 * links after it), then drop trailing lines; every cut is marked and leaves no half character,
 * half tag or half link, and no colour, bold, code or tag left open.
 */
import { utf8Bytes } from '../limits';
import { cutToBytes } from './utf8';

/** Lines are not cut shorter than this; trailing lines are dropped instead. */
const MIN_KEPT_BYTES = 64;

const ATOMIC = /<[^>\n]*>|\[[^\]\n]*\]\([^)\n]*\)/g;
const MARKUP = /`|\*\*|<(font|a|div)\b[^>]*>|<\/(font|a|div)>/gi;

/** What closes the markup left open at the end of `text`, innermost first. */
function closers(text: string): string {
  const open: string[] = [];
  let inCode = false;
  for (const [token, opened, closed] of text.matchAll(MARKUP)) {
    if (token === '`') {
      inCode = !inCode;
    } else if (inCode) {
      continue;
    } else if (token === '**') {
      if (open[open.length - 1] === '**') {
        open.pop();
      } else {
        open.push('**');
      }
    } else if (opened) {
      open.push(`</${opened.toLowerCase()}>`);
    } else {
      const at = open.lastIndexOf(`</${closed.toLowerCase()}>`);
      if (at !== -1) {
        open.splice(at);
      }
    }
  }
  return (inCode ? '`' : '') + open.reverse().join('');
}

/** `line` cut to at most `maxBytes`, outside tags and links, with its open markup closed. */
export function cutLine(line: string, maxBytes: number): string {
  let room = maxBytes;
  for (;;) {
    let cut = cutToBytes(line, room);
    for (const match of line.matchAll(ATOMIC)) {
      const start = match.index ?? 0;
      if (start < cut.length && start + match[0].length > cut.length) {
        cut = cut.slice(0, start);
        break;
      }
    }
    const closed = cut + closers(cut);
    const over = utf8Bytes(closed) - maxBytes;
    if (over <= 0 || cut === '') {
      return over <= 0 ? closed : '';
    }
    room = utf8Bytes(cut) - over;
  }
}

/** The lines with every line longer than `cap` bytes cut to `cap` and marked. */
function show(lines: string[], cap: number, marker: string, dropped: boolean): string {
  const shown = lines.map((line) => (utf8Bytes(line) > cap ? cutLine(line, cap) + marker : line));
  if (dropped && !shown[shown.length - 1].endsWith(marker)) {
    shown.push(marker);
  }
  return shown.join('\n');
}

/**
 * `text` (lines of template output) shrunk until `measure` of it is within `budget`; `measure`
 * gives the size of what is actually sent, which for text and textcard differs from the markdown.
 * Long lines are cut to one common length, as long as possible (two huge labels both keep some
 * text); when that is not enough, trailing lines go. Returns '' only when not even the marker fits.
 */
export function fitToBudget(text: string, budget: number, measure: (text: string) => number, marker: string): string {
  if (measure(text) <= budget) {
    return text;
  }
  const lines = text.split('\n');
  let dropped = false;
  for (;;) {
    const floor = lines.length > 1 ? MIN_KEPT_BYTES : 0;
    const fits = (cap: number) => measure(show(lines, cap, marker, dropped)) <= budget;
    let longest = Math.max(...lines.map(utf8Bytes));
    if (fits(longest)) {
      return show(lines, longest, marker, dropped);
    }
    if (fits(floor)) {
      let cap = floor;
      while (longest - cap > 1) {
        const middle = Math.floor((cap + longest) / 2);
        if (fits(middle)) {
          cap = middle;
        } else {
          longest = middle;
        }
      }
      return show(lines, cap, marker, dropped);
    }
    if (lines.length === 1) {
      return '';
    }
    lines.pop();
    dropped = true;
  }
}
