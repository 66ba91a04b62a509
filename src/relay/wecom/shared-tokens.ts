import type { SecretBox } from '../secrets';
import type { TokenShelf } from '../storage/types';
import type { SharedTokens } from './tokens';

/** Tokens on the storage's shelf, sealed like every other secret at rest. */
export function sealedTokens(shelf: TokenShelf, box: SecretBox): SharedTokens {
  return {
    async read(key) {
      const stored = await shelf.readToken(key);
      return stored && { token: box.open(stored.sealed), until: stored.until };
    },
    write: (key, token) => shelf.writeToken(key, { sealed: box.seal(token.token), until: token.until }),
    withLock: (key, work) => shelf.withTokenLock(key, work),
  };
}
