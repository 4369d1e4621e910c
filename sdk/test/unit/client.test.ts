// RealtimeClient behaviour that needs no server: options, ids, listeners, offline rules.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RealtimeClient, RealtimeError } from '../../src/index.node.js';
import { socketEndpoint } from '../../src/client/connection.js';
import { TokenSource } from '../../src/client/token-source.js';

const clients: RealtimeClient[] = [];
const offline = (extra: Partial<ConstructorParameters<typeof RealtimeClient>[0]> = {}) => {
  const c = new RealtimeClient({ url: 'http://127.0.0.1:9', token: 'a.b.c', autoConnect: false, ...extra });
  clients.push(c);
  return c;
};
afterEach(() => clients.splice(0).forEach((c) => c.destroy()));

describe('options', () => {
  it('requires a url and a token', () => {
    expect(() => new RealtimeClient({ url: 'not a url', token: 't', autoConnect: false })).toThrow(/absolute URL/);
    expect(() => new RealtimeClient({ url: 'http://h', token: '', autoConnect: false })).toThrow(/token/);
    expect(() => new RealtimeClient({ url: 'http://h', token: '', autoConnect: false, tokenProvider: () => 't' }).destroy()).not.toThrow();
  });

  it('splits the url into the Socket.IO origin, engine path and REST base', () => {
    expect(socketEndpoint('http://localhost:3000')).toEqual({ origin: 'http://localhost:3000', path: '/socket.io', restBase: 'http://localhost:3000' });
    expect(socketEndpoint('https://example.com/realtime/')).toEqual({ origin: 'https://example.com', path: '/realtime/socket.io', restBase: 'https://example.com/realtime' });
  });

  it('autoConnect: false stays disconnected; the default connects', () => {
    expect(offline().state).toBe('disconnected');
    const c = offline({ autoConnect: true, reconnection: false });
    expect(c.state).toBe('connecting');
    expect(c.connected).toBe(false);
  });
});

describe('subscriptions while offline', () => {
  it('hands out sub_1, sub_2, ... per client and keeps them until unsubscribed', () => {
    const c = offline();
    expect(c.subscribe({ topic: 'session.status' })).toBe('sub_1');
    expect(c.subscribe({ topic: 'order.updated', filter: { campusId: 12 }, returnMode: 'diff' })).toBe('sub_2');
    expect(offline().subscribe({ topic: 'x' })).toBe('sub_1');
    expect(c.subscriptions).toEqual([
      { id: 'sub_1', topic: 'session.status', active: false },
      { id: 'sub_2', topic: 'order.updated', filter: { campusId: 12 }, returnMode: 'diff', active: false },
    ]);
    c.unsubscribe('sub_1');
    c.unsubscribe('sub_99'); // unknown: ignored
    expect(c.subscriptions.map((s) => s.id)).toEqual(['sub_2']);
  });

  it('copies the filter, so later changes to the caller object do not leak in', () => {
    const c = offline();
    const filter = { campusId: 12 };
    c.subscribe({ topic: 't', filter });
    filter.campusId = 13;
    expect(c.subscriptions[0]!.filter).toEqual({ campusId: 12 });
  });

  it('validates options', () => {
    const c = offline();
    expect(() => c.subscribe({ topic: '' })).toThrow(TypeError);
    expect(() => c.subscribe({ topic: 't', returnMode: 'partial' as never })).toThrow(/returnMode/);
    expect(() => c.subscribe({ topic: 't', filter: [] as never })).toThrow(/filter/);
    expect(() => c.publish('t', 'text' as never)).toThrow(/payload/);
    expect(() => c.socketClient.joinChannel('')).toThrow(TypeError);
    expect(() => c.socketClient.publish('chat', '', {})).toThrow(TypeError);
  });

  it('an emit while disconnected fails with NOT_CONNECTED (on the promise, or on error)', async () => {
    const c = offline();
    await expect(c.publishWithAck('t', { a: 1 })).rejects.toMatchObject({ code: 'NOT_CONNECTED', operation: 'publish' });
    await expect(c.socketClient.directMessageWithAck('abc', 'e', 1)).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    const errors: RealtimeError[] = [];
    c.on('error', (e) => errors.push(e));
    c.publish('t', { a: 1 });
    c.socketClient.publish('chat', 'message', 'hi');
    await vi.waitFor(() => expect(errors.map((e) => e.code)).toEqual(['NOT_CONNECTED', 'NOT_CONNECTED']));
  });

  it('joins are remembered while offline; leave forgets them', async () => {
    const c = offline();
    c.socketClient.joinChannel('chat:a');
    c.socketClient.joinChannel('chat:b');
    expect(c.socketClient.channels).toEqual(['chat:a', 'chat:b']);
    await c.socketClient.leaveChannelWithAck('chat:a');
    expect(c.socketClient.channels).toEqual(['chat:b']);
    expect(c.socketClient.getMembers('chat:b')).toEqual([]);
    expect(c.socketClient.socketId).toBeUndefined();
  });

  it('subscribeWithAck and joinChannelWithAck reject when the client is destroyed', async () => {
    const c = offline();
    const sub = c.subscribeWithAck({ topic: 't' });
    const join = c.socketClient.joinChannelWithAck('chat');
    c.destroy();
    await expect(sub).rejects.toMatchObject({ code: 'CLIENT_DESTROYED' });
    await expect(join).rejects.toMatchObject({ code: 'CLIENT_DESTROYED' });
    expect(() => c.publish('t', {})).toThrow(RealtimeError);
  });
});

describe('listeners', () => {
  it('a throwing listener does not stop the others and is reported as LISTENER_ERROR', () => {
    const c = offline();
    const seen: string[] = [];
    const errors: RealtimeError[] = [];
    c.on('error', (e) => errors.push(e));
    c.on('connection', () => {
      throw new Error('boom');
    });
    c.on('connection', ({ state }) => seen.push(state));
    c.connect();
    expect(seen).toEqual(['connecting']);
    expect(errors[0]).toMatchObject({ code: 'LISTENER_ERROR' });
    expect(errors[0]!.message).toContain('boom');
    c.disconnect();
  });

  it('off removes one registration of that exact function', () => {
    const c = offline();
    const seen: string[] = [];
    const h = ({ state }: { state: string }) => seen.push(state);
    c.on('connection', h);
    c.on('connection', h);
    c.off('connection', h);
    c.off('connection', () => {});
    c.connect();
    expect(seen).toEqual(['connecting']);
    c.disconnect();
  });
});

describe('TokenSource', () => {
  const jwt = (expSec: number) => `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp: expSec })).toString('base64url')}.sig`;

  it('keeps a fresh token and asks the provider (once, shared) for an expiring or refused one', async () => {
    const fresh = jwt(Math.floor(Date.now() / 1000) + 3600);
    const provider = vi.fn(async () => fresh);
    const expiring = new TokenSource(jwt(Math.floor(Date.now() / 1000) + 10), provider);
    expect(await Promise.all([expiring.get(), expiring.get()])).toEqual([fresh, fresh]);
    expect(provider).toHaveBeenCalledTimes(1);
    expect(await expiring.get()).toBe(fresh);
    expect(provider).toHaveBeenCalledTimes(1);
    expiring.markStale();
    await expiring.get();
    expect(provider).toHaveBeenCalledTimes(2);
  });

  it('without a provider returns the token as is; a failing provider is TOKEN_REFRESH_FAILED', async () => {
    expect(await new TokenSource('opaque').get()).toBe('opaque');
    const broken = new TokenSource('', () => {
      throw new Error('auth server down');
    });
    await expect(broken.get()).rejects.toMatchObject({ code: 'TOKEN_REFRESH_FAILED' });
  });
});
