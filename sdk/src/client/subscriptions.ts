/**
 * The client's subscriptions: client-side ids ("sub_1", "sub_2", ...) returned at once, mapped
 * to the server's ids when acknowledged, and re-sent on every new connection.
 */
import { RealtimeError } from '../errors.js';
import type { SubscribeOptions, SubscriptionFilter, SyncEventReturnMode } from '../types.js';
import { isTransportError, type Connection } from './connection.js';

/** What the client knows about one subscription. */
export interface SubscriptionInfo {
  /** Client-side id returned by `subscribe()`, e.g. `"sub_1"`; stable across reconnects. */
  id: string;
  topic: string;
  filter?: SubscriptionFilter;
  returnMode?: SyncEventReturnMode;
  /** The server's id on the current connection, once acknowledged. */
  serverId?: string;
  /** True once the server acknowledged it on the current connection. */
  active: boolean;
}

/** Payload of the `'subscribed'` event: a subscription was acknowledged (again, after a reconnect). */
export interface SubscribedInfo {
  subscriptionId: string;
  serverSubscriptionId: string;
  topic: string;
}

interface Waiter {
  resolve(id: string): void;
  reject(error: RealtimeError): void;
}

interface Entry {
  id: string;
  options: SubscribeOptions;
  serverId?: string;
  /** Connection epoch in which `serverId` is valid. */
  epoch: number;
  waiters: Waiter[];
}

export interface SubscriptionEvents {
  subscribed(info: SubscribedInfo): void;
  error(error: RealtimeError): void;
}

const RETURN_MODES: readonly string[] = ['full', 'diff', 'both'];

export class Subscriptions {
  readonly #entries = new Map<string, Entry>();
  readonly #conn: Connection;
  readonly #events: SubscriptionEvents;
  #counter = 0;

  constructor(conn: Connection, events: SubscriptionEvents) {
    this.#conn = conn;
    this.#events = events;
  }

  add(options: SubscribeOptions, waiter?: Waiter): string {
    const copy = validate(options);
    const id = `sub_${++this.#counter}`;
    const entry: Entry = { id, options: copy, epoch: -1, waiters: waiter ? [waiter] : [] };
    this.#entries.set(id, entry);
    if (this.#conn.state === 'connected') this.#send(entry);
    return id;
  }

  remove(id: string): void {
    const entry = this.#entries.get(id) ?? [...this.#entries.values()].find((e) => e.serverId === id);
    if (!entry) return;
    this.#entries.delete(entry.id);
    settle(entry, new RealtimeError('UNSUBSCRIBED', `Subscription ${entry.id} was removed before the server acknowledged it`, { subscriptionId: entry.id, topic: entry.options.topic }));
    if (entry.serverId !== undefined && entry.epoch === this.#conn.epoch) this.#sendUnsubscribe(entry.serverId, entry);
  }

  /**
   * The server removed a subscription (a token refresh no longer allows it): forget it and
   * report `SUBSCRIPTION_REVOKED` on 'error'.
   */
  revoke(serverId: string, reason: string): void {
    const entry = [...this.#entries.values()].find((e) => e.serverId === serverId && e.epoch === this.#conn.epoch);
    if (!entry) return;
    this.#entries.delete(entry.id);
    const topic = entry.options.topic;
    this.#events.error(new RealtimeError('SUBSCRIPTION_REVOKED', `subscription ${entry.id} to '${topic}' was removed by the server: ${reason}`, {
      operation: 'subscribe',
      subscriptionId: entry.id,
      topic,
    }));
  }

  /** Re-send every subscription on a new connection (server ids of the old one are void). */
  resubscribeAll(): void {
    for (const entry of this.#entries.values()) {
      delete entry.serverId;
      this.#send(entry);
    }
  }

  list(): SubscriptionInfo[] {
    return [...this.#entries.values()].map((e) => {
      const active = e.serverId !== undefined && e.epoch === this.#conn.epoch && this.#conn.state === 'connected';
      return { id: e.id, ...e.options, ...(active ? { serverId: e.serverId } : {}), active };
    });
  }

  clear(): void {
    for (const entry of this.#entries.values()) settle(entry, new RealtimeError('CLIENT_DESTROYED', 'The client was destroyed'));
    this.#entries.clear();
  }

  #send(entry: Entry): void {
    const epoch = this.#conn.epoch;
    const { topic, filter, returnMode } = entry.options;
    const message: Record<string, unknown> = { topic };
    if (filter !== undefined) message.filter = filter;
    if (returnMode !== undefined) message.returnMode = returnMode;
    this.#conn.emitWithAck('subscribe', message).then(
      (ack) => {
        const serverId = typeof ack.subscriptionId === 'string' ? ack.subscriptionId : undefined;
        if (this.#entries.get(entry.id) !== entry) {
          // Unsubscribed while the subscribe was in flight: undo it on the server.
          if (serverId !== undefined && epoch === this.#conn.epoch) this.#sendUnsubscribe(serverId, entry);
          return;
        }
        if (epoch !== this.#conn.epoch) return; // a newer connection re-sent it
        if (serverId === undefined) {
          this.#fail(entry, new RealtimeError('INVALID_RESPONSE', 'subscribe: the acknowledgement carries no subscriptionId', { operation: 'subscribe', subscriptionId: entry.id, topic, details: ack }), true);
          return;
        }
        entry.serverId = serverId;
        entry.epoch = epoch;
        const waiters = entry.waiters;
        entry.waiters = [];
        for (const w of waiters) w.resolve(entry.id);
        this.#events.subscribed({ subscriptionId: entry.id, serverSubscriptionId: serverId, topic });
      },
      (error: RealtimeError) => {
        if (this.#entries.get(entry.id) !== entry || epoch !== this.#conn.epoch) return;
        // A timeout or a dropped connection is retried on the next connection; a refusal is final.
        const refused = !isTransportError(error);
        const wrapped = new RealtimeError(error.code, `subscribe to '${topic}' failed: ${error.message}`, {
          operation: 'subscribe',
          subscriptionId: entry.id,
          topic,
          details: error.details,
          cause: error,
        });
        this.#fail(entry, wrapped, refused);
      },
    );
  }

  /**
   * Report a failure. A final one (a refusal) drops the entry and rejects the subscribeWithAck
   * waiters, or goes to 'error' when there are none. A transient one (timeout) keeps the entry
   * for the next connection; waiters keep waiting, and only a timeout without waiters is reported.
   */
  #fail(entry: Entry, error: RealtimeError, final: boolean): void {
    if (final) {
      this.#entries.delete(entry.id);
      if (entry.waiters.length > 0) settle(entry, error);
      else this.#events.error(error);
    } else if (entry.waiters.length === 0 && error.code !== 'DISCONNECTED') {
      this.#events.error(error);
    }
  }

  #sendUnsubscribe(serverId: string, entry: Entry): void {
    this.#conn.emitWithAck('unsubscribe', { subscriptionId: serverId }).catch((error: RealtimeError) => {
      if (isTransportError(error) || error.code === 'NOT_FOUND') return; // gone with the connection anyway
      this.#events.error(new RealtimeError(error.code, `unsubscribe ${entry.id} failed: ${error.message}`, {
        operation: 'unsubscribe',
        subscriptionId: entry.id,
        topic: entry.options.topic,
        details: error.details,
        cause: error,
      }));
    });
  }
}

function settle(entry: Entry, error: RealtimeError): void {
  const waiters = entry.waiters;
  entry.waiters = [];
  for (const w of waiters) w.reject(error);
}

function validate(options: SubscribeOptions): SubscribeOptions {
  if (options === null || typeof options !== 'object') throw new TypeError('subscribe: options must be an object { topic, filter?, returnMode? }');
  const { topic, filter, returnMode } = options;
  if (typeof topic !== 'string' || topic.length === 0) throw new TypeError('subscribe: topic must be a non-empty string');
  if (filter !== undefined && (filter === null || typeof filter !== 'object' || Array.isArray(filter))) {
    throw new TypeError('subscribe: filter must be an object');
  }
  if (returnMode !== undefined && !RETURN_MODES.includes(returnMode)) {
    throw new TypeError(`subscribe: returnMode must be 'full', 'diff' or 'both', got ${JSON.stringify(returnMode)}`);
  }
  const copy: SubscribeOptions = { topic };
  if (filter !== undefined) copy.filter = structuredCloneJson(filter);
  if (returnMode !== undefined) copy.returnMode = returnMode;
  return copy;
}

/** A deep copy through JSON, so later mutation of the caller's object changes nothing. */
function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
