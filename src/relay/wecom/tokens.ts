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

  constructor(
    private readonly fetchToken: (app: AppCredentials) => Promise<TokenFetchResult<F>>,
    private readonly failureHoldMs: number
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
      }
    }
  }

  private async refresh(app: AppCredentials, key: string): Promise<TokenLookup<F>> {
    const result = await this.fetchToken(app);
    if ('token' in result) {
      const lifetimeMs = tokenLifetimeMs(result.expiresInSec);
      const value = { token: result.token };
      if (lifetimeMs > 0) {
        this.cache.set(key, { value, until: Date.now() + lifetimeMs });
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
}

function appPrefix(corpId: string, agentId: number): string {
  return `${corpId}\u0000${agentId}\u0000`;
}

function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
