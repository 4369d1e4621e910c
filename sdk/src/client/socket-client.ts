/**
 * Channel messaging over the RealtimeClient's connection: join/leave named channels, publish to
 * their members, send direct messages to one socket, and track presence. Joined channels are
 * re-joined automatically after a reconnect.
 *
 * The spec's methods (`joinChannel`, `leaveChannel`, `publish`, `directMessage`) are
 * fire-and-forget: a refusal by the server is reported on the client's `'error'` event. Each has
 * a `...WithAck` twin returning a promise that settles with the server's acknowledgement instead.
 *
 * Big channels: a join acknowledgement lists at most the first 100 members (by join time) with
 * `memberCount`; `members(channel, { limit, cursor })` pages through all of them over REST.
 */
import { RealtimeError } from '../errors.js';
import type { RealtimeEvent } from '../types.js';
import { isTransportError, type Connection } from './connection.js';
import { restGet, type RestContext } from './rest.js';

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
  /**
   * Members right after the join: all of them (including this client) up to 100; in a bigger
   * channel the first 100 by join time (`membersTruncated`), the rest through `members()`.
   */
  members: ChannelMember[];
  /** How many members the channel has (this client included). */
  memberCount: number;
  /** True when `members` is not the whole channel. */
  membersTruncated: boolean;
  /** When truncated: pass as `cursor` to `members()` for the members after `members`. */
  nextCursor?: string;
}

/** Options of `members()`. */
export interface ChannelMembersOptions {
  /** Members per page, 1 to 1000 (server default 100). */
  limit?: number;
  /** `nextCursor` of the previous page (or of a join result); omitted: the first page. */
  cursor?: string;
}

/** One page of a channel's members, in join order (then socket id). */
export interface ChannelMembersPage {
  channel: string;
  members: ChannelMember[];
  /** Every member of the channel, not only this page. */
  memberCount: number;
  /** Pass as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
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
  /** From the join acknowledgement, kept current by presence events. */
  memberCount: number;
  nextCursor?: string;
  waiters: JoinWaiter[];
}

export class SocketClient {
  readonly #conn: Connection;
  readonly #reportError: (error: RealtimeError) => void;
  readonly #channels = new Map<string, ChannelEntry>();
  readonly #rest: RestContext | undefined;

  /** @internal Created by RealtimeClient; use `realtime.socketClient`. */
  constructor(conn: Connection, reportError: (error: RealtimeError) => void, rest?: RestContext) {
    this.#conn = conn;
    this.#reportError = reportError;
    this.#rest = rest;
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

  /**
   * Last known members of a joined channel (from the join acknowledgement and presence events).
   * In a channel of more than 100 members: the first 100 and those who joined since; see `members()`.
   */
  getMembers(channel: string): ChannelMember[] {
    return [...(this.#channels.get(channel)?.members.values() ?? [])];
  }

  /**
   * One page of a channel's members from the server (`GET /api/socket/channels/:channel/members`,
   * any token of the application); no need to be a member. Follow `nextCursor` for the rest.
   */
  async members(channel: string, options: ChannelMembersOptions = {}): Promise<ChannelMembersPage> {
    requireString('members', 'channel', channel);
    const limit = options.limit;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1000)) {
      throw new TypeError('members: limit must be an integer between 1 and 1000');
    }
    if (!this.#rest) throw new RealtimeError('NOT_CONNECTED', 'members: this client has no REST endpoint', { operation: 'members', channel });
    const q = new URLSearchParams();
    q.set('limit', String(limit ?? 100));
    if (options.cursor !== undefined && options.cursor !== '') q.set('cursor', options.cursor);
    const body = await restGet(this.#rest, 'members', `/api/socket/channels/${encodeURIComponent(channel)}/members?${q}`).catch(
      (error: RealtimeError) => {
        throw new RealtimeError(error.code, `members of '${channel}': ${error.message}`, {
          operation: 'members', channel, details: error.details, cause: error, ...(error.status !== undefined ? { status: error.status } : {}),
        });
      },
    );
    const b = (body ?? {}) as Record<string, unknown>;
    if (!Array.isArray(b.members) || typeof b.memberCount !== 'number') {
      throw new RealtimeError('INVALID_RESPONSE', `members of '${channel}': unexpected answer`, { operation: 'members', channel, details: body });
    }
    return {
      channel: typeof b.channel === 'string' ? b.channel : channel,
      members: b.members.map(member),
      memberCount: b.memberCount,
      nextCursor: typeof b.nextCursor === 'string' ? b.nextCursor : null,
    };
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
    if (event.type === 'presence.leave') {
      entry.members.delete(p.socketId);
      entry.memberCount = Math.max(entry.members.size, entry.memberCount - 1);
    } else if (event.type === 'presence.join') {
      if (!entry.members.has(p.socketId)) entry.memberCount += 1;
      entry.members.set(p.socketId, member(p));
    }
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
          waiter.resolve(joinResult(entry));
        } else {
          entry.waiters.push(waiter);
        }
      }
      return;
    }
    entry = { name: channel, members: new Map(), memberCount: 0, waiters: waiter ? [waiter] : [] };
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
        // memberCount and nextCursor: servers before big-room replies sent the whole list only.
        entry.memberCount = typeof ack.memberCount === 'number' ? ack.memberCount : members.length;
        if (typeof ack.nextCursor === 'string') entry.nextCursor = ack.nextCursor;
        else delete entry.nextCursor;
        const waiters = entry.waiters;
        entry.waiters = [];
        for (const w of waiters) w.resolve(joinResult(entry));
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

function joinResult(entry: ChannelEntry): ChannelJoinResult {
  const members = [...entry.members.values()];
  const out: ChannelJoinResult = { channel: entry.name, members, memberCount: entry.memberCount, membersTruncated: entry.memberCount > members.length };
  if (entry.nextCursor !== undefined) out.nextCursor = entry.nextCursor;
  return out;
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
