/**
 * The Socket.IO connection under a RealtimeClient: connection state machine, token handshake,
 * acknowledged emits with timeouts, and a bounded queue for emits made while (re)connecting.
 * Subscriptions and channel membership live one level up; `onConnected` re-establishes them.
 *
 * Token lifetime: the server closes a connection whose token expires or is revoked (an `error`
 * event `{code: 'UNAUTHORIZED', message}`, then a server-side disconnect). `reauthenticate()`
 * sends a new token on the open connection (the `auth` event), and with a `tokenProvider` a
 * timer does so ahead of expiry; after a revocation the client reconnects once with a fresh
 * token from the provider.
 */
import { io, type Socket } from 'socket.io-client';
import { getTokenExpiresIn } from '../auth/token.js';
import { RealtimeError } from '../errors.js';
import { DEFAULTS, type ConnectionState, type RealtimeClientOptions } from './options.js';
import type { TokenSource } from './token-source.js';

export interface ConnectionHooks {
  /** A connection was established; runs before the state becomes `connected` and queued emits flush. */
  onConnected(): void;
  /** A server-sent event (`event`, `presence`, ...). */
  onServerEvent(name: string, data: unknown): void;
  onState(state: ConnectionState, reason: string | undefined): void;
  onError(error: RealtimeError): void;
}

interface QueuedEmit {
  event: string;
  data: unknown;
  resolve(ack: Record<string, any>): void;
  reject(error: RealtimeError): void;
}

const TRANSPORT_CODES = new Set(['TIMEOUT', 'DISCONNECTED', 'NOT_CONNECTED', 'CLIENT_DESTROYED', 'QUEUE_FULL', 'RECONNECT_FAILED']);

/** True if `error` is about the transport (timeout, disconnect), not a refusal by the server. */
export function isTransportError(error: unknown): boolean {
  return error instanceof RealtimeError && TRANSPORT_CODES.has(error.code);
}

/** Split `url` into the origin Socket.IO connects to and the engine path under its base path. */
export function socketEndpoint(url: string): { origin: string; path: string; restBase: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`RealtimeClient: url must be an absolute URL such as "http://localhost:3000", got ${JSON.stringify(url)}`);
  }
  const base = parsed.pathname.replace(/\/+$/, '');
  return { origin: parsed.origin, path: `${base}/socket.io`, restBase: `${parsed.origin}${base}` };
}

export class Connection {
  readonly #socket: Socket;
  readonly #hooks: ConnectionHooks;
  readonly #tokens: TokenSource;
  readonly #reconnection: boolean;
  readonly #reconnectionDelay: number;
  readonly #ackTimeout: number;
  #state: ConnectionState = 'disconnected';
  #epoch = 0;
  #queue: QueuedEmit[] = [];
  #authRetried = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #destroyed = false;
  #lastReason: string | undefined;
  /** The server said the token no longer holds (expired, key or application deleted). */
  #revoked = false;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: RealtimeClientOptions, tokens: TokenSource, hooks: ConnectionHooks) {
    const { origin, path } = socketEndpoint(options.url);
    this.#hooks = hooks;
    this.#tokens = tokens;
    this.#reconnection = options.reconnection ?? DEFAULTS.reconnection;
    this.#reconnectionDelay = options.reconnectionDelay ?? DEFAULTS.reconnectionDelay;
    this.#ackTimeout = options.ackTimeout ?? DEFAULTS.ackTimeout;
    this.#socket = io(origin, {
      ...options.socketOptions,
      path,
      forceNew: true,
      autoConnect: false,
      reconnection: this.#reconnection,
      reconnectionAttempts: options.reconnectionAttempts ?? DEFAULTS.reconnectionAttempts,
      reconnectionDelay: this.#reconnectionDelay,
      reconnectionDelayMax: Math.max(options.reconnectionDelayMax ?? DEFAULTS.reconnectionDelayMax, this.#reconnectionDelay),
      ...(options.transports ? { transports: options.transports } : {}),
      // Called by Socket.IO for every handshake, so a refreshed token is used on reconnect.
      auth: (cb: (data: object) => void) => {
        this.#tokens.get().then(
          (token) => cb({ token }),
          (error: RealtimeError) => {
            this.#hooks.onError(error);
            cb({ token: this.#tokens.current });
          },
        );
      },
    });
    this.#wire();
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Increases with every established connection; server-side ids are only valid within one. */
  get epoch(): number {
    return this.#epoch;
  }

  get socketId(): string | undefined {
    return this.#state === 'connected' ? this.#socket.id : undefined;
  }

  /** The underlying Socket.IO socket (for diagnostics; do not emit on it directly). */
  get socket(): Socket {
    return this.#socket;
  }

  connect(): void {
    this.#assertAlive();
    if (this.#state !== 'disconnected') return;
    this.#authRetried = false;
    this.#setState('connecting');
    this.#socket.connect();
  }

  disconnect(): void {
    if (this.#destroyed) return;
    this.#clearRetry();
    this.#clearRefresh();
    this.#socket.disconnect();
    this.#setState('disconnected', 'io client disconnect');
    this.#failQueue('DISCONNECTED', 'The client disconnected before the message was sent');
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.disconnect();
    this.#destroyed = true;
    this.#failQueue('CLIENT_DESTROYED', 'The client was destroyed');
    this.#socket.removeAllListeners();
    this.#socket.io.removeAllListeners();
  }

  /**
   * Emit now, on the current connection, and resolve with the server's ack (rejecting with a
   * `RealtimeError` on `{error}`, timeout or disconnect). Rejects `NOT_CONNECTED` if not connected.
   */
  emitWithAck(event: string, data: unknown): Promise<Record<string, any>> {
    if (this.#destroyed) return Promise.reject(destroyedError());
    if (this.#state !== 'connected') {
      return Promise.reject(new RealtimeError('NOT_CONNECTED', `Cannot ${event}: not connected`, { operation: event }));
    }
    return new Promise((resolve, reject) => {
      this.#socket.timeout(this.#ackTimeout).emit(event, data, (err: Error | null, ack: unknown) => {
        if (err) {
          const code = /disconnect/i.test(err.message) ? 'DISCONNECTED' : 'TIMEOUT';
          const why = code === 'TIMEOUT' ? `no acknowledgement within ${this.#ackTimeout} ms` : 'disconnected before the acknowledgement';
          reject(new RealtimeError(code, `${event}: ${why}`, { operation: event, cause: err }));
          return;
        }
        const refusal = ackError(event, ack);
        if (refusal) reject(refusal);
        else resolve((ack ?? {}) as Record<string, any>);
      });
    });
  }

  /**
   * Send the current token on the open connection (`auth`), keeping its subscriptions. Resolves
   * at once when not connected (the token is used by the next handshake), or if the connection
   * drops meanwhile (likewise); rejects with the server's refusal (`UNAUTHORIZED`, `FORBIDDEN`),
   * in which case the connection keeps its previous token.
   */
  async reauthenticate(): Promise<void> {
    if (this.#destroyed) throw destroyedError();
    if (this.#state !== 'connected') return;
    const token = this.#tokens.current;
    try {
      await this.emitWithAck('auth', { token });
    } catch (error) {
      if (error instanceof RealtimeError && error.code === 'DISCONNECTED') return;
      const e = error as RealtimeError;
      throw new RealtimeError(e.code, `token refresh refused: ${e.message}`, { operation: 'auth', details: e.details, cause: e });
    }
    this.#scheduleRefresh();
  }

  /** Like `emitWithAck`, but while (re)connecting the emit waits (bounded) for the connection. */
  send(event: string, data: unknown): Promise<Record<string, any>> {
    if (this.#destroyed) return Promise.reject(destroyedError());
    if (this.#state === 'connected') return this.emitWithAck(event, data);
    if (this.#state === 'disconnected') {
      return Promise.reject(new RealtimeError('NOT_CONNECTED', `Cannot ${event}: not connected (call connect())`, { operation: event }));
    }
    if (this.#queue.length >= DEFAULTS.maxQueuedEmits) {
      return Promise.reject(new RealtimeError('QUEUE_FULL', `Cannot ${event}: ${DEFAULTS.maxQueuedEmits} emits already wait for the connection`, { operation: event }));
    }
    return new Promise((resolve, reject) => this.#queue.push({ event, data, resolve, reject }));
  }

  #wire(): void {
    const socket = this.#socket;
    socket.on('connect', () => {
      this.#epoch++;
      this.#authRetried = false;
      this.#revoked = false;
      this.#scheduleRefresh();
      // Connected for emitWithAck, so that re-subscriptions go out before listeners hear 'connected'.
      this.#state = 'connected';
      this.#hooks.onConnected();
      if (this.#state === 'connected') this.#hooks.onState('connected', undefined);
      this.#flushQueue();
    });
    socket.on('disconnect', (reason: string) => {
      this.#clearRefresh();
      if (reason === 'io client disconnect') return; // disconnect() sets the state itself
      if (this.#reconnection && socket.active && reason !== 'io server disconnect') {
        this.#setState('reconnecting', reason);
      } else if (reason === 'io server disconnect' && this.#revoked && this.#tokens.canRefresh && this.#reconnection && !this.#destroyed) {
        // The token ran out or was revoked: one new handshake, with a fresh token from the provider.
        this.#revoked = false;
        this.#setState('reconnecting', 'UNAUTHORIZED');
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = undefined;
          if (!this.#destroyed && this.#state === 'reconnecting') this.#socket.connect();
        }, this.#reconnectionDelay);
      } else {
        this.#setState('disconnected', reason);
        this.#failQueue('DISCONNECTED', `Disconnected (${reason}) before the message was sent`);
      }
    });
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => this.#onConnectError(err));
    socket.on('event', (data: unknown) => this.#hooks.onServerEvent('event', data));
    socket.on('presence', (data: unknown) => this.#hooks.onServerEvent('presence', data));
    // Notices of a token refresh: a subscription or channel the new token no longer allows.
    socket.on('unsubscribed', (data: unknown) => this.#hooks.onServerEvent('unsubscribed', data));
    socket.on('left', (data: unknown) => this.#hooks.onServerEvent('left', data));
    // The server is about to disconnect: {code, message} (e.g. UNAUTHORIZED "token expired").
    socket.on('error', (data: unknown) => this.#onServerError(data));
    socket.io.on('reconnect_attempt', () => {
      if (this.#state !== 'disconnected') this.#setState('reconnecting', this.#lastReason);
    });
    socket.io.on('reconnect_failed', () => {
      this.#setState('disconnected', 'reconnect_failed');
      this.#hooks.onError(new RealtimeError('RECONNECT_FAILED', 'Gave up reconnecting after the configured number of attempts'));
      this.#failQueue('RECONNECT_FAILED', 'Gave up reconnecting before the message was sent');
    });
  }

  #onServerError(data: unknown): void {
    const d = (data ?? {}) as { code?: unknown; message?: unknown };
    const code = typeof d.code === 'string' ? d.code : 'SERVER_ERROR';
    const message = typeof d.message === 'string' ? d.message : 'the server reported an error';
    if (code === 'UNAUTHORIZED') {
      this.#revoked = true;
      this.#tokens.markStale();
    }
    this.#hooks.onError(new RealtimeError(code, `Disconnected by the server: ${message}`, { operation: 'connection', details: data }));
  }

  /** With a tokenProvider: refresh the token on the open connection ahead of its expiry. */
  #scheduleRefresh(): void {
    this.#clearRefresh();
    if (!this.#tokens.canRefresh || this.#destroyed) return;
    const left = getTokenExpiresIn(this.#tokens.current);
    if (!Number.isFinite(left)) return;
    // At `threshold` before expiry, or halfway for tokens shorter than twice the threshold.
    const delay = Math.min(Math.max(1000, left - Math.min(this.#tokens.thresholdMs, left / 2)), 2 ** 31 - 1);
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = undefined;
      if (this.#state !== 'connected' || this.#destroyed) return;
      const before = this.#tokens.current;
      this.#tokens.get().then(
        (token) => (token === before ? this.#scheduleRefresh() : this.reauthenticate()),
        (error: RealtimeError) => {
          this.#hooks.onError(error);
          this.#scheduleRefresh();
        },
      ).catch((error: RealtimeError) => this.#hooks.onError(error));
    }, delay);
  }

  #clearRefresh(): void {
    if (this.#refreshTimer !== undefined) clearTimeout(this.#refreshTimer);
    this.#refreshTimer = undefined;
  }

  #onConnectError(err: Error & { data?: { code?: string; message?: string } }): void {
    const code = typeof err.data?.code === 'string' ? err.data.code : undefined;
    const error = code
      ? new RealtimeError(code, err.message || code, { operation: 'connect', details: err.data })
      : new RealtimeError('CONNECTION_ERROR', `Cannot connect: ${err.message}`, { operation: 'connect', cause: err });
    this.#hooks.onError(error);
    if (code === 'AUTH_FAILED') this.#tokens.markStale();
    if (this.#socket.active && this.#reconnection) return; // Socket.IO retries by itself
    // The server refused the handshake (or reconnection is off): Socket.IO will not retry.
    if (code === 'AUTH_FAILED' && this.#tokens.canRefresh && this.#reconnection && !this.#authRetried) {
      this.#authRetried = true; // one retry with a fresh token per refusal streak
      this.#setState('reconnecting', code);
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        if (!this.#destroyed && this.#state === 'reconnecting') this.#socket.connect();
      }, this.#reconnectionDelay);
      return;
    }
    if (!this.#reconnection) this.#socket.disconnect();
    this.#setState('disconnected', code ?? err.message);
    this.#failQueue(code ?? 'CONNECTION_ERROR', `Cannot connect: ${err.message}`);
  }

  #setState(state: ConnectionState, reason?: string): void {
    if (reason !== undefined) this.#lastReason = reason;
    if (state === this.#state) return;
    this.#state = state;
    this.#hooks.onState(state, reason);
  }

  #flushQueue(): void {
    const queued = this.#queue;
    this.#queue = [];
    for (const q of queued) this.emitWithAck(q.event, q.data).then(q.resolve, q.reject);
  }

  #failQueue(code: string, message: string): void {
    const queued = this.#queue;
    this.#queue = [];
    for (const q of queued) q.reject(new RealtimeError(code, `${q.event}: ${message}`, { operation: q.event }));
  }

  #clearRetry(): void {
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #assertAlive(): void {
    if (this.#destroyed) throw destroyedError();
  }
}

function destroyedError(): RealtimeError {
  return new RealtimeError('CLIENT_DESTROYED', 'The client was destroyed');
}

/** The `RealtimeError` for an ack of the form `{error: {code, message}}`, or null. */
function ackError(event: string, ack: unknown): RealtimeError | null {
  if (ack === null || typeof ack !== 'object' || !('error' in ack)) return null;
  const e = (ack as { error: unknown }).error;
  if (e === undefined || e === null || e === false) return null;
  const code = typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : 'SERVER_ERROR';
  const message =
    typeof e === 'string' ? e : typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : `${event} refused`;
  return new RealtimeError(code, message, { operation: event, details: ack });
}
