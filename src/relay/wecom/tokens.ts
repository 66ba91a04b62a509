/**
 * The access_token cache for app messages: one token per (corpId, agentId) and secret, kept until
 * `expires_in` minus a margin, fetched single-flight, and a credential WeCom refused is remembered
 * for a while so a burst of sends cannot hammer gettoken (wrong secrets get the IP banned for 1 h),
 * as WeCom warns. How a token is fetched is the caller's business.
 */
import { createHash } from 'node:crypto';

export interface AppCredentials {
  corpId: string;
  agentId: number;
  secret: string;
}

/** What one gettoken call produced; `remember` a failure that will not go away by itself. */
export type TokenFetchResult<F> = { token: string; expiresInSec: number } | { failure: F; remember: boolean };

export type TokenLookup<F> = { token: string } | { failure: F };

/**
 * Where relays sharing a database keep their tokens, so that they fetch one per app between them.
 * `until`: when the token is to be fetched again (ms).
 */
export interface SharedTokens {
  read(key: string): Promise<{ token: string; until: number } | undefined>;
  write(key: string, token: { token: string; until: number }): Promise<void>;
  /** Runs `work` while no other relay runs it for the same key. */
  withLock<T>(key: string, work: () => Promise<T>): Promise<T>;
}

interface CacheEntry<F> {
  value: TokenLookup<F>;
  until: number;
}

const MAX_EXPIRY_MARGIN_MS = 5 * 60_000;

/** Refetch a little early: 10% of the lifetime, at most 5 minutes (7200 s tokens → 300 s early). */
function tokenLifetimeMs(expiresInSec: number): number {
  const lifetimeMs = expiresInSec * 1000;
  return lifetimeMs - Math.min(MAX_EXPIRY_MARGIN_MS, lifetimeMs / 10);
}

export class TokenStore<F> {
  /**
   * Keyed by app and secret fingerprint: a corrected secret is tried at once, and a service still
   * holding a wrong secret cannot evict the good token of another service on the same app.
   */
  private readonly cache = new Map<string, CacheEntry<F>>();
  private readonly inFlight = new Map<string, Promise<TokenLookup<F>>>();
  /** The last token WeCom rejected, per key: a shared copy of it is not taken again. */
  private readonly rejected = new Map<string, string>();

  constructor(
    private readonly fetchToken: (app: AppCredentials) => Promise<TokenFetchResult<F>>,
    private readonly failureHoldMs: number,
    private readonly shared?: SharedTokens
  ) {}

  get(app: AppCredentials): Promise<TokenLookup<F>> {
    const key = `${appPrefix(app.corpId, app.agentId)}${fingerprint(app.secret)}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) {
      return Promise.resolve(cached.value);
    }
    let flight = this.inFlight.get(key);
    if (!flight) {
      flight = this.refresh(app, key).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, flight);
    }
    return flight;
  }

  /**
   * Forget the cached token (or remembered failure). With `staleToken`, only when that is still
   * the cached one: concurrent senders that all saw it rejected then cause a single refresh.
   */
  invalidate(corpId: string, agentId: number, staleToken?: string): void {
    const prefix = appPrefix(corpId, agentId);
    for (const [key, cached] of this.cache) {
      const matches = staleToken === undefined || ('token' in cached.value && cached.value.token === staleToken);
      if (key.startsWith(prefix) && matches) {
        this.cache.delete(key);
        if (staleToken !== undefined) {
          this.rejected.set(key, staleToken);
        }
      }
    }
  }

  private async refresh(app: AppCredentials, key: string): Promise<TokenLookup<F>> {
    const result = this.shared
      ? await this.shared.withLock(key, () => this.sharedOrFetched(app, key))
      : await this.fetched(app);
    if ('token' in result) {
      const value = { token: result.token };
      if (result.until > Date.now()) {
        this.cache.set(key, { value, until: result.until });
      } else {
        this.cache.delete(key);
      }
      return value;
    }
    const value = { failure: result.failure };
    if (result.remember) {
      this.cache.set(key, { value, until: Date.now() + this.failureHoldMs });
    } else {
      this.cache.delete(key);
    }
    return value;
  }

  /** The token another relay fetched, unless it expired or WeCom rejected it here; else a new one, shared. */
  private async sharedOrFetched(app: AppCredentials, key: string): Promise<FetchedToken<F>> {
    const stored = await this.shared!.read(key);
    if (stored && stored.until > Date.now() && stored.token !== this.rejected.get(key)) {
      return stored;
    }
    const result = await this.fetched(app);
    if ('token' in result && result.until > Date.now()) {
      await this.shared!.write(key, result);
    }
    return result;
  }

  private async fetched(app: AppCredentials): Promise<FetchedToken<F>> {
    const result = await this.fetchToken(app);
    return 'token' in result ? { token: result.token, until: Date.now() + tokenLifetimeMs(result.expiresInSec) } : result;
  }
}

type FetchedToken<F> = { token: string; until: number } | { failure: F; remember: boolean };

/** corpIds are letters and digits: the colons cannot be ambiguous. */
function appPrefix(corpId: string, agentId: number): string {
  return `${corpId}:${agentId}:`;
}

function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
