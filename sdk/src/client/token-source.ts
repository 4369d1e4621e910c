import { DEFAULT_REFRESH_THRESHOLD_MS, shouldRefreshToken } from '../auth/token.js';
import { RealtimeError } from '../errors.js';
import type { TokenProvider } from './options.js';

/**
 * The client's current token, shared by the socket handshake and REST requests, with optional
 * refresh through a `TokenProvider`. Concurrent refreshes share one provider call.
 */
export class TokenSource {
  #token: string;
  #stale = false;
  #inflight: Promise<string> | null = null;
  readonly #provider: TokenProvider | undefined;
  readonly #thresholdMs: number;

  constructor(token: string, provider?: TokenProvider, thresholdMs = DEFAULT_REFRESH_THRESHOLD_MS) {
    this.#token = typeof token === 'string' ? token : '';
    this.#provider = provider;
    this.#thresholdMs = thresholdMs;
  }

  /** The token as it is now (no refresh). */
  get current(): string {
    return this.#token;
  }

  get canRefresh(): boolean {
    return this.#provider !== undefined;
  }

  /** How long before expiry the provider is asked for a new token, in ms. */
  get thresholdMs(): number {
    return this.#thresholdMs;
  }

  /** Replace the token (used from the next handshake or request on). */
  set(token: string): void {
    if (typeof token !== 'string' || token === '') throw new TypeError('setToken: token must be a non-empty string');
    this.#token = token;
    this.#stale = false;
  }

  /** The server refused the current token: the next `get()` asks the provider. */
  markStale(): void {
    if (this.#provider) this.#stale = true;
  }

  /** The token to use now; refreshed first through the provider when needed. */
  async get(): Promise<string> {
    if (!this.#provider) return this.#token;
    const needed = this.#stale || this.#token === '' || shouldRefreshToken(this.#token, this.#thresholdMs);
    if (!needed) return this.#token;
    if (!this.#inflight) {
      const provider = this.#provider;
      this.#inflight = (async () => {
        try {
          const fresh = await provider();
          if (typeof fresh !== 'string' || fresh === '') throw new TypeError('tokenProvider returned no token');
          this.set(fresh);
          return fresh;
        } catch (cause) {
          throw new RealtimeError('TOKEN_REFRESH_FAILED', `tokenProvider failed: ${describe(cause)}`, { cause });
        } finally {
          this.#inflight = null;
        }
      })();
    }
    return this.#inflight;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
