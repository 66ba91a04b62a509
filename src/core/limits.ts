/** WeCom's documented content limits, in UTF-8 bytes (robot message and app message APIs). */
export const LIMITS = {
  robotMarkdown: 4096,
  robotText: 2048,
  appMarkdown: 2048,
  appText: 2048,
  /** textcard fields are counted in characters by WeCom's doc; we count bytes to be safe. */
  textcardTitle: 128,
  textcardDescription: 512,
  textcardUrl: 2048,
  /** touser is capped at 1000 ids per call, toparty and totag at 100. */
  touserBatch: 1000,
  topartyBatch: 100,
  totagBatch: 100,
} as const;

/** Per-destination send budgets. */
export const RATE_LIMITS = {
  robotPerMinute: 20,
  appRecipientPerMinute: 30,
  appRecipientPerHour: 1000,
} as const;

const encoder = new TextEncoder();
/**
 * Packing counts bytes of every candidate message, many times per pass: encoding into one reused
 * buffer allocates nothing. A UTF-16 unit takes at most 3 bytes, so texts up to a third of it fit.
 */
const scratch = new Uint8Array(64 * 1024);

export function utf8Bytes(text: string): number {
  if (text.length * 3 > scratch.length) {
    return encoder.encode(text).length;
  }
  return encoder.encodeInto(text, scratch).written;
}
