/** UTF-8 byte arithmetic for WeCom's byte limits, safe for CJK, emoji and combining marks. */
import { utf8Bytes } from '../limits';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Same count as utf8Bytes (a lone surrogate encodes as U+FFFD, 3 bytes), without allocating. */
function codePointBytes(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/**
 * The longest prefix of `text` within `maxBytes` UTF-8 bytes that ends on a grapheme boundary,
 * so neither a multi-byte character nor an emoji sequence (flags, ZWJ families) is split.
 */
export function cutToBytes(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) {
    return text;
  }
  let bytes = 0;
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    bytes += codePointBytes(segment);
    if (bytes > maxBytes) {
      break;
    }
    end = index + segment.length;
  }
  return text.slice(0, end);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces lone UTF-16 surrogates, which have no UTF-8 encoding, with U+FFFD. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}
