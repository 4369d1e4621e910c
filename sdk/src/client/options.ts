import type { ManagerOptions, SocketOptions } from 'socket.io-client';

/** Connection state of a `RealtimeClient`. */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

/** Payload of the `'connection'` event. */
export interface ConnectionChange {
  state: ConnectionState;
  /** Why the state changed, e.g. `"transport close"`, `"io client disconnect"`, `"AUTH_FAILED"`. */
  reason?: string;
}

/**
 * Returns a fresh token. Called before a (re)connection or a REST request when the current
 * token is missing, expires within `tokenRefreshThresholdMs`, or was just refused by the server.
 */
export type TokenProvider = () => string | Promise<string>;

/** Options of `new RealtimeClient(options)`. */
export interface RealtimeClientOptions {
  /** Backend base URL, e.g. `"http://localhost:3000"` (a path prefix such as `https://host/realtime` is kept). */
  url: string;
  /** JWT used for the WebSocket handshake and the REST requests. */
  token: string;
  /** Connect on construction (default `true`); with `false`, call `connect()`. */
  autoConnect?: boolean;
  /** Reconnect automatically after the connection drops (default `true`). */
  reconnection?: boolean;
  /** Reconnection attempts before giving up (default `10`). */
  reconnectionAttempts?: number;
  /** Base delay between reconnection attempts in ms (default `1000`); backs off up to `reconnectionDelayMax`. */
  reconnectionDelay?: number;

  // ---- beyond the spec's table; all optional ----

  /** Upper bound of the reconnection back-off in ms (default `5000`, Socket.IO's default). */
  reconnectionDelayMax?: number;
  /** Called for a fresh token when the current one is about to expire or was refused (see `TokenProvider`). */
  tokenProvider?: TokenProvider;
  /** How long before expiry `tokenProvider` is asked for a new token, in ms (default 5 minutes). */
  tokenRefreshThresholdMs?: number;
  /** How long to wait for the server's acknowledgement of an emit, in ms (default `10000`). */
  ackTimeout?: number;
  /** Timeout of REST requests (sync), in ms (default `30000`). */
  requestTimeout?: number;
  /** Socket.IO transports, in order of preference (default `['polling', 'websocket']`, Socket.IO's default). */
  transports?: Array<'polling' | 'websocket' | 'webtransport'>;
  /** `fetch` implementation for REST requests (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** Extra Socket.IO client options (escape hatch; the options above win). */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

export const DEFAULTS = {
  autoConnect: true,
  reconnection: true,
  reconnectionAttempts: 10,
  reconnectionDelay: 1000,
  reconnectionDelayMax: 5000,
  ackTimeout: 10_000,
  requestTimeout: 30_000,
  maxQueuedEmits: 1000,
} as const;
