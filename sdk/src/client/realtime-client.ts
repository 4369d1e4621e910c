/**
 * `RealtimeClient`: one Socket.IO connection to the platform for topic subscriptions, channel
 * messaging (`socketClient`) and, over REST, sync documents (`sync`).
 */
import type { Socket } from 'socket.io-client';
import { RealtimeError } from '../errors.js';
import { SyncClient } from '../sync/sync-client.js';
import type { RealtimeEvent, SubscribeOptions } from '../types.js';
import { Connection, socketEndpoint } from './connection.js';
import { Emitter, type EventHandler } from './emitter.js';
import { DEFAULTS, type ConnectionChange, type ConnectionState, type RealtimeClientOptions } from './options.js';
import { SocketClient, type PresenceEvent } from './socket-client.js';
import { Subscriptions, type SubscribedInfo, type SubscriptionInfo } from './subscriptions.js';
import { TokenSource } from './token-source.js';

export class RealtimeClient {
  /** Document CRUD with revision tracking, over REST with this client's token. */
  readonly sync: SyncClient;
  /** Channel messaging, direct messages and presence over this client's connection. */
  readonly socketClient: SocketClient;

  readonly #emitter: Emitter;
  readonly #tokens: TokenSource;
  readonly #conn: Connection;
  readonly #subs: Subscriptions;
  #destroyed = false;

  constructor(options: RealtimeClientOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError('RealtimeClient: options are required');
    if (typeof options.token !== 'string' || (options.token === '' && !options.tokenProvider)) {
      throw new TypeError('RealtimeClient: token must be a non-empty string (or give a tokenProvider)');
    }
    const { restBase } = socketEndpoint(options.url);
    this.#emitter = new Emitter((error, event) => this.#onListenerError(error, event));
    this.#tokens = new TokenSource(options.token, options.tokenProvider, options.tokenRefreshThresholdMs);
    this.#conn = new Connection(options, this.#tokens, {
      onConnected: () => {
        this.#subs.resubscribeAll();
        this.socketClient.rejoinAll();
      },
      onServerEvent: (name, data) => this.#onServerEvent(name, data),
      onState: (state, reason) => this.#emit('connection', reason === undefined ? { state } : { state, reason }),
      onError: (error) => this.#emit('error', error),
    });
    this.#subs = new Subscriptions(this.#conn, {
      subscribed: (info) => this.#emit('subscribed', info),
      error: (error) => this.#emit('error', error),
    });
    const f = options.fetch ?? (globalThis as { fetch?: typeof fetch }).fetch;
    this.socketClient = new SocketClient(
      this.#conn,
      (error) => this.#emit('error', error),
      typeof f === 'function'
        ? { base: restBase, tokens: this.#tokens, fetch: options.fetch ? f : f.bind(globalThis), timeout: options.requestTimeout ?? DEFAULTS.requestTimeout }
        : undefined,
    );
    this.sync = new SyncClient({
      url: restBase,
      tokenSource: this.#tokens,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.requestTimeout !== undefined ? { requestTimeout: options.requestTimeout } : {}),
    });
    if (options.autoConnect ?? DEFAULTS.autoConnect) this.connect();
  }

  /** Current connection state. */
  get state(): ConnectionState {
    return this.#conn.state;
  }

  /** True while the state is `'connected'`. */
  get connected(): boolean {
    return this.#conn.state === 'connected';
  }

  /** This client's Socket.IO socket id while connected (new on every reconnect). */
  get socketId(): string | undefined {
    return this.#conn.socketId;
  }

  /** The token currently used for handshakes and requests. */
  get token(): string {
    return this.#tokens.current;
  }

  /** Active subscriptions (client-side ids, options, and whether the server has acknowledged them). */
  get subscriptions(): SubscriptionInfo[] {
    return this.#subs.list();
  }

  /** The underlying Socket.IO socket, for diagnostics. Do not emit on it directly. */
  get socket(): Socket {
    return this.#conn.socket;
  }

  /** Open the connection (state `'connecting'`). Called by the constructor unless `autoConnect` is false. */
  connect(): void {
    this.#assertAlive();
    this.#conn.connect();
  }

  /** Close the connection (state `'disconnected'`). Subscriptions and channels are kept and restored by `connect()`. */
  disconnect(): void {
    this.#conn.disconnect();
  }

  /**
   * Replace the token. On an open connection it is sent at once (the `auth` event): the
   * connection and its subscriptions stay, and the new token's expiry and permissions apply
   * (subscriptions it no longer allows are removed, each reported on `'error'` as
   * `SUBSCRIPTION_REVOKED`). A refusal (`FORBIDDEN` for another application, `UNAUTHORIZED`
   * for an invalid token) is reported on `'error'` and the connection keeps its previous token.
   * Otherwise the token is used for the next handshake (reconnects included); it is always used
   * for the next REST request. After an `AUTH_FAILED`, call `setToken(fresh)` then `connect()`.
   */
  setToken(token: string): void {
    this.#tokens.set(token);
    this.#conn.reauthenticate().catch((error: RealtimeError) => this.#emit('error', error));
  }

  /** Like `setToken`; resolves once the server accepted the token (at once when not connected), rejects if refused. */
  setTokenWithAck(token: string): Promise<void> {
    this.#assertAlive();
    this.#tokens.set(token);
    return this.#conn.reauthenticate();
  }

  /**
   * Subscribe to a topic. Returns the client-side subscription id (`"sub_1"`, `"sub_2"`, ...) at
   * once; the subscription is sent now if connected, else on connect, and again after every
   * reconnect. A refusal by the server (`FORBIDDEN`, `INVALID_FILTER`, ...) removes it and is
   * reported on `'error'` with `subscriptionId`.
   */
  subscribe(options: SubscribeOptions): string {
    this.#assertAlive();
    return this.#subs.add(options);
  }

  /** Like `subscribe`; resolves with the subscription id once the server acknowledges it, rejects if refused. */
  subscribeWithAck(options: SubscribeOptions): Promise<string> {
    this.#assertAlive();
    return new Promise((resolve, reject) => {
      this.#subs.add(options, { resolve, reject });
    });
  }

  /** Remove a subscription by the id `subscribe()` returned. Unknown ids are ignored. */
  unsubscribe(subscriptionId: string): void {
    this.#subs.remove(subscriptionId);
  }

  /**
   * Publish an event to a topic (needs the `publish` permission). Fire-and-forget: a refusal is
   * reported on `'error'`. `options.type` sets the event type (default `socket.publish`).
   */
  publish(topic: string, payload: Record<string, any>, options?: { type?: string }): void {
    this.#assertAlive();
    checkPublish(topic, payload);
    this.publishWithAck(topic, payload, options).catch((error: RealtimeError) => this.#emit('error', error));
  }

  /** Like `publish`; resolves with the event id (`"evt_..."`) once the server acknowledges. */
  async publishWithAck(topic: string, payload: Record<string, any>, options: { type?: string } = {}): Promise<string> {
    this.#assertAlive();
    checkPublish(topic, payload);
    const message: Record<string, unknown> = { topic, payload };
    if (options.type !== undefined) message.type = options.type;
    try {
      const ack = await this.#conn.send('publish', message);
      return typeof ack.id === 'string' ? ack.id : '';
    } catch (error) {
      const e = error as RealtimeError;
      throw new RealtimeError(e.code, `publish to '${topic}' failed: ${e.message}`, { operation: 'publish', topic, details: e.details, cause: e });
    }
  }

  /** Every event of every subscription, channel message and direct message. */
  on(event: 'event', handler: (event: RealtimeEvent) => void): void;
  /** Events of one topic (or channel): `'event:session.status'`, `'event:chat:room1'`. */
  on(event: `event:${string}`, handler: (event: RealtimeEvent) => void): void;
  /** Connection state changes. */
  on(event: 'connection', handler: (change: ConnectionChange) => void): void;
  /** Connection, protocol and refusal errors; `error.code` says which (`AUTH_FAILED`, `FORBIDDEN`, ...). */
  on(event: 'error', handler: (error: RealtimeError) => void): void;
  /** A subscription was acknowledged by the server (also after each reconnect). */
  on(event: 'subscribed', handler: (info: SubscribedInfo) => void): void;
  /** Direct messages sent to this client (also delivered on `'event'`). */
  on(event: 'direct', handler: (event: RealtimeEvent) => void): void;
  /** Presence changes of joined channels: `'presence'` for all, `'presence:<channel>'` for one. */
  on(event: 'presence' | `presence:${string}`, handler: (event: PresenceEvent) => void): void;
  on(event: string, handler: EventHandler): void;
  on(event: string, handler: EventHandler): void {
    this.#emitter.on(event, handler);
  }

  /** Remove a listener registered with `on` (the same function reference). */
  off(event: string, handler: EventHandler): void {
    this.#emitter.off(event, handler);
  }

  /** Disconnect, clear all subscriptions and channels, and remove all listeners. The client cannot be reused. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#subs.clear();
    this.socketClient.clear();
    this.#conn.destroy();
    this.#emitter.clear();
  }

  #onServerEvent(name: string, data: unknown): void {
    if (data === null || typeof data !== 'object') return;
    if (name === 'unsubscribed' || name === 'left') {
      const notice = data as { subscriptionId?: unknown; channel?: unknown; reason?: unknown };
      const reason = typeof notice.reason === 'string' ? notice.reason : 'no longer allowed by the token';
      if (name === 'unsubscribed' && typeof notice.subscriptionId === 'string') this.#subs.revoke(notice.subscriptionId, reason);
      if (name === 'left' && typeof notice.channel === 'string') this.socketClient.revoke(notice.channel, reason);
      return;
    }
    const event = data as RealtimeEvent;
    if (name === 'presence') {
      this.socketClient.applyPresence(event as PresenceEvent);
      this.#emit('presence', event);
      const channel = (event as PresenceEvent).payload?.channel;
      if (typeof channel === 'string') this.#emit(`presence:${channel}`, event);
      return;
    }
    this.#emit('event', event);
    if (typeof event.topic === 'string') {
      this.#emit(`event:${event.topic}`, event);
      const me = this.#conn.socketId;
      if (me !== undefined && event.topic === `direct:${me}`) this.#emit('direct', event);
    }
  }

  #emit(event: string, data: unknown): void {
    this.#emitter.emit(event, data);
  }

  #onListenerError(error: unknown, event: string): void {
    if (event !== 'error' && this.#emitter.has('error')) {
      const message = error instanceof Error ? error.message : String(error);
      this.#emitter.emit('error', new RealtimeError('LISTENER_ERROR', `A '${event}' listener threw: ${message}`, { cause: error }));
    } else {
      console.error(`[@smarterservices/realtime] a '${event}' listener threw:`, error);
    }
  }

  #assertAlive(): void {
    if (this.#destroyed) throw new RealtimeError('CLIENT_DESTROYED', 'The client was destroyed');
  }
}

function checkPublish(topic: unknown, payload: unknown): void {
  if (typeof topic !== 'string' || topic.length === 0) throw new TypeError('publish: topic must be a non-empty string');
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new TypeError('publish: payload must be a JSON object');
  }
}
