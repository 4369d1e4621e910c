/**
 * Channel messaging over the RealtimeClient's connection: join/leave named channels, publish to
 * their members, send direct messages to one socket, and track presence. Joined channels are
 * re-joined automatically after a reconnect.
 *
 * The spec's methods (`joinChannel`, `leaveChannel`, `publish`, `directMessage`) are
 * fire-and-forget: a refusal by the server is reported on the client's `'error'` event. Each has
 * a `...WithAck` twin returning a promise that settles with the server's acknowledgement instead.
 */
import { RealtimeError } from '../errors.js';
import type { RealtimeEvent } from '../types.js';
import { isTransportError, type Connection } from './connection.js';

/** A member of a channel. */
export interface ChannelMember {
  socketId: string;
  /** The member's token subject (`sub`). */
  subject?: string;
  /** Unix timestamp (ms) of the join. */
  joinedAt: number;
}

/** What `joinChannelWithAck` resolves with. */
export interface ChannelJoinResult {
  channel: string;
  /** Members right after the join (including this client). */
  members: ChannelMember[];
}

/** Payload of a presence event (topic `presence:<channel>`, type `presence.join` | `presence.leave`). */
export interface PresencePayload extends ChannelMember {
  channel: string;
}

/** A presence event, delivered on `'presence'` and `'presence:<channel>'`. */
export type PresenceEvent = RealtimeEvent<PresencePayload>;

interface JoinWaiter {
  resolve(result: ChannelJoinResult): void;
  reject(error: RealtimeError): void;
}

interface ChannelEntry {
  name: string;
  members: Map<string, ChannelMember>;
  waiters: JoinWaiter[];
}

export class SocketClient {
  readonly #conn: Connection;
  readonly #reportError: (error: RealtimeError) => void;
  readonly #channels = new Map<string, ChannelEntry>();

  /** @internal Created by RealtimeClient; use `realtime.socketClient`. */
  constructor(conn: Connection, reportError: (error: RealtimeError) => void) {
    this.#conn = conn;
    this.#reportError = reportError;
  }

  /** This client's socket id while connected (changes on every reconnect), else `undefined`. */
  get socketId(): string | undefined {
    return this.#conn.socketId;
  }

  /** Alias of `socketId`. */
  get id(): string | undefined {
    return this.#conn.socketId;
  }

  /** Channels this client has joined (or is joining). */
  get channels(): string[] {
    return [...this.#channels.keys()];
  }

  /** Last known members of a joined channel (from the join acknowledgement and presence events). */
  getMembers(channel: string): ChannelMember[] {
    return [...(this.#channels.get(channel)?.members.values() ?? [])];
  }

  /** Join a channel; its messages arrive as events. Re-joined after reconnects. Fire-and-forget. */
  joinChannel(channel: string): void {
    this.#join(channel, undefined);
  }

  /** Join a channel and resolve with its members once the server acknowledges. */
  joinChannelWithAck(channel: string): Promise<ChannelJoinResult> {
    return new Promise((resolve, reject) => this.#join(channel, { resolve, reject }));
  }

  /** Leave a channel. Fire-and-forget. */
  leaveChannel(channel: string): void {
    requireString('leaveChannel', 'channel', channel);
    this.leaveChannelWithAck(channel).catch((error: RealtimeError) => {
      if (!isTransportError(error)) this.#reportError(error);
    });
  }

  /** Leave a channel; resolves once the server acknowledges (at once when not connected). */
  async leaveChannelWithAck(channel: string): Promise<void> {
    requireString('leaveChannel', 'channel', channel);
    const entry = this.#channels.get(channel);
    this.#channels.delete(channel);
    if (entry) settle(entry, new RealtimeError('LEFT', `Left channel '${channel}' before the join was acknowledged`, { channel }));
    if (this.#conn.state !== 'connected') return; // membership ends with the connection anyway
    try {
      await this.#conn.emitWithAck('leave', { channel });
    } catch (error) {
      throw wrap(error, 'leave', `leave '${channel}'`, { channel });
    }
  }

  /** Send `event` with `data` to every member of `channel` except this client. Fire-and-forget. */
  publish(channel: string, event: string, data: unknown): void {
    requireString('publish', 'channel', channel);
    requireString('publish', 'event', event);
    this.publishWithAck(channel, event, data).catch((error: RealtimeError) => this.#reportError(error));
  }

  /** Like `publish`; resolves with the event id once the server acknowledges. */
  async publishWithAck(channel: string, event: string, data: unknown): Promise<string> {
    requireString('publish', 'channel', channel);
    requireString('publish', 'event', event);
    try {
      const ack = await this.#conn.send('channel:publish', { channel, event, data: data === undefined ? null : data });
      return typeof ack.id === 'string' ? ack.id : '';
    } catch (error) {
      throw wrap(error, 'channel:publish', `publish '${event}' to '${channel}'`, { channel });
    }
  }

  /** Send `event` with `data` to the client with socket id `targetSocketId`. Fire-and-forget. */
  directMessage(targetSocketId: string, event: string, data: unknown): void {
    requireString('directMessage', 'targetSocketId', targetSocketId);
    requireString('directMessage', 'event', event);
    this.directMessageWithAck(targetSocketId, event, data).catch((error: RealtimeError) => this.#reportError(error));
  }

  /** Like `directMessage`; resolves once the server acknowledges. */
  async directMessageWithAck(targetSocketId: string, event: string, data: unknown): Promise<void> {
    requireString('directMessage', 'targetSocketId', targetSocketId);
    requireString('directMessage', 'event', event);
    try {
      await this.#conn.send('direct', { socketId: targetSocketId, event, data: data === undefined ? null : data });
    } catch (error) {
      throw wrap(error, 'direct', `direct message '${event}' to ${targetSocketId}`, {});
    }
  }

  /** @internal The server ended a membership (a token refresh no longer allows it): forget it, report CHANNEL_REVOKED. */
  revoke(channel: string, reason: string): void {
    const entry = this.#channels.get(channel);
    if (!entry) return;
    this.#channels.delete(channel);
    const error = new RealtimeError('CHANNEL_REVOKED', `channel '${channel}' was left by the server: ${reason}`, { operation: 'join', channel });
    if (entry.waiters.length > 0) settle(entry, error);
    else this.#reportError(error);
  }

  /** @internal Re-join every channel on a new connection. */
  rejoinAll(): void {
    for (const entry of this.#channels.values()) {
      entry.members.clear();
      this.#sendJoin(entry);
    }
  }

  /** @internal Keep member lists current from presence events. */
  applyPresence(event: PresenceEvent): void {
    const p = event?.payload;
    if (!p || typeof p.channel !== 'string' || typeof p.socketId !== 'string') return;
    const entry = this.#channels.get(p.channel);
    if (!entry) return;
    if (event.type === 'presence.leave') entry.members.delete(p.socketId);
    else if (event.type === 'presence.join') entry.members.set(p.socketId, member(p));
  }

  /** @internal */
  clear(): void {
    for (const entry of this.#channels.values()) settle(entry, new RealtimeError('CLIENT_DESTROYED', 'The client was destroyed'));
    this.#channels.clear();
  }

  #join(channel: string, waiter: JoinWaiter | undefined): void {
    requireString('joinChannel', 'channel', channel);
    let entry = this.#channels.get(channel);
    if (entry) {
      if (waiter) {
        // Already joined: answer from what we know; or wait for the pending acknowledgement.
        if (entry.waiters.length === 0 && this.#conn.state === 'connected' && entry.members.size > 0) {
          waiter.resolve({ channel, members: [...entry.members.values()] });
        } else {
          entry.waiters.push(waiter);
        }
      }
      return;
    }
    entry = { name: channel, members: new Map(), waiters: waiter ? [waiter] : [] };
    this.#channels.set(channel, entry);
    if (this.#conn.state === 'connected') this.#sendJoin(entry);
  }

  #sendJoin(entry: ChannelEntry): void {
    const epoch = this.#conn.epoch;
    this.#conn.emitWithAck('join', { channel: entry.name }).then(
      (ack) => {
        if (this.#channels.get(entry.name) !== entry || epoch !== this.#conn.epoch) return;
        const members: ChannelMember[] = Array.isArray(ack.members) ? ack.members.map(member) : [];
        entry.members = new Map(members.map((m) => [m.socketId, m]));
        const waiters = entry.waiters;
        entry.waiters = [];
        for (const w of waiters) w.resolve({ channel: entry.name, members });
      },
      (error: unknown) => {
        if (this.#channels.get(entry.name) !== entry || epoch !== this.#conn.epoch) return;
        if (isTransportError(error)) return; // re-joined on the next connection
        this.#channels.delete(entry.name);
        const wrapped = wrap(error, 'join', `join '${entry.name}'`, { channel: entry.name });
        if (entry.waiters.length > 0) settle(entry, wrapped);
        else this.#reportError(wrapped);
      },
    );
  }
}

function member(m: Partial<ChannelMember>): ChannelMember {
  const out: ChannelMember = { socketId: String(m.socketId), joinedAt: typeof m.joinedAt === 'number' ? m.joinedAt : 0 };
  if (typeof m.subject === 'string') out.subject = m.subject;
  return out;
}

function settle(entry: ChannelEntry, error: RealtimeError): void {
  const waiters = entry.waiters;
  entry.waiters = [];
  for (const w of waiters) w.reject(error);
}

function wrap(error: unknown, operation: string, what: string, extra: { channel?: string }): RealtimeError {
  if (!(error instanceof RealtimeError)) {
    return new RealtimeError('SERVER_ERROR', `${what} failed: ${String(error)}`, { operation, ...extra, cause: error });
  }
  return new RealtimeError(error.code, `${what} failed: ${error.message}`, { operation, ...extra, details: error.details, cause: error });
}

function requireString(method: string, name: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${method}: ${name} must be a non-empty string`);
}
