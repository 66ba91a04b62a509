import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const PREFIX = 'enc:v1:';

/** AES-256-GCM for secrets at rest (robot keys, app secrets, HMAC secrets). */
export class SecretBox {
  private readonly key: Buffer;

  /** Any string works as a key: it is stretched to 32 bytes with SHA-256. */
  constructor(secretKey: string) {
    this.key = crypto.createHash('sha256').update(secretKey, 'utf8').digest();
  }

  seal(plaintext: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
  }

  open(sealed: string): string {
    if (!sealed.startsWith(PREFIX)) {
      throw new Error('not a sealed secret');
    }
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(
        'cannot decrypt a stored secret: WECOM_RELAY_SECRET_KEY differs from the key it was written with'
      );
    }
  }
}

export interface GeneratedSecret {
  value: string;
  /** Set when the value was read from or written to a file in the data dir. */
  file?: string;
  created: boolean;
}

/**
 * The value of a secret given by env, or else the one kept in `dataDir/name` (mode 0600),
 * generated on first start.
 */
export function secretFromEnvOrFile(envValue: string | undefined, dataDir: string, name: string): GeneratedSecret {
  if (envValue) {
    return { value: envValue.trim(), created: false };
  }
  const file = path.join(dataDir, name);
  if (fs.existsSync(file)) {
    return { value: fs.readFileSync(file, 'utf8').trim(), file, created: false };
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const value = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(file, value + '\n', { mode: 0o600, flag: 'wx' });
  return { value, file, created: true };
}

/** The expected tokens' bytes: the same two tokens are checked on every request. */
const expectedBytes = new Map<string, Buffer>();

/**
 * Constant-time comparison of a presented token with the expected one. The presented bytes are
 * compared in a buffer of the expected length, and the lengths only after, so neither the time
 * taken nor an early answer tells how much matched or how long the expected token is.
 */
export function tokensEqual(presented: string, expected: string): boolean {
  let bytes = expectedBytes.get(expected);
  if (!bytes) {
    bytes = Buffer.from(expected, 'utf8');
    expectedBytes.set(expected, bytes);
  }
  const candidate = Buffer.alloc(bytes.length);
  candidate.write(presented, 'utf8');
  const same = crypto.timingSafeEqual(candidate, bytes);
  return same && Buffer.byteLength(presented, 'utf8') === bytes.length;
}
