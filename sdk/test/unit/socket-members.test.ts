// socketClient.members(): the paged member list of a (big) channel over REST, against a fake
// fetch — request shape (path, query, token), the answer, errors, and the refresh after a 401.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RealtimeClient, RealtimeError } from '../../src/index.node.js';

interface Call { url: string; headers: Record<string, string> }

function fakeFetch(responses: Array<[number, unknown]>) {
  const calls: Call[] = [];
  const fn = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), headers: init?.headers as Record<string, string> });
    const [status, body] = responses.shift() ?? [500, { error: 'InternalError', message: 'no more responses' }];
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

const clients: RealtimeClient[] = [];
const offline = (extra: Partial<ConstructorParameters<typeof RealtimeClient>[0]>) => {
  const c = new RealtimeClient({ url: 'https://example.com/realtime/', token: 'tok', autoConnect: false, ...extra });
  clients.push(c);
  return c;
};
afterEach(() => clients.splice(0).forEach((c) => c.destroy()));

const M = (i: number) => ({ socketId: `s${i}`, subject: `u${i}`, joinedAt: 1000 + i });

describe('socketClient.members', () => {
  it('GETs one page with limit and cursor and follows nextCursor to the end', async () => {
    const { fetch, calls } = fakeFetch([
      [200, { channel: 'chat:big', members: [M(1), M(2)], memberCount: 3, nextCursor: 'c2' }],
      [200, { channel: 'chat:big', members: [M(3)], memberCount: 3, nextCursor: null }],
    ]);
    const c = offline({ fetch });
    const first = await c.socketClient.members('chat:big', { limit: 2 });
    expect(first).toEqual({ channel: 'chat:big', members: [M(1), M(2)], memberCount: 3, nextCursor: 'c2' });
    const second = await c.socketClient.members('chat:big', { limit: 2, cursor: first.nextCursor! });
    expect(second.nextCursor).toBeNull();
    expect(second.members).toEqual([M(3)]);
    expect(calls.map((x) => x.url)).toEqual([
      'https://example.com/realtime/api/socket/channels/chat%3Abig/members?limit=2',
      'https://example.com/realtime/api/socket/channels/chat%3Abig/members?limit=2&cursor=c2',
    ]);
    expect(calls[0]!.headers.authorization).toBe('Bearer tok');
  });

  it('asks for 100 by default and works without being connected or a member', async () => {
    const { fetch, calls } = fakeFetch([[200, { channel: 'room', members: [], memberCount: 0, nextCursor: null }]]);
    const c = offline({ fetch });
    expect(c.connected).toBe(false);
    expect(await c.socketClient.members('room')).toEqual({ channel: 'room', members: [], memberCount: 0, nextCursor: null });
    expect(calls[0]!.url).toBe('https://example.com/realtime/api/socket/channels/room/members?limit=100');
  });

  it('validates its arguments before any request', async () => {
    const { fetch, calls } = fakeFetch([]);
    const c = offline({ fetch });
    await expect(c.socketClient.members('')).rejects.toThrow(TypeError);
    for (const limit of [0, 1001, 2.5]) await expect(c.socketClient.members('room', { limit })).rejects.toThrow(/limit/);
    expect(calls).toHaveLength(0);
  });

  it('a refusal is a RealtimeError with the status, code and channel', async () => {
    const { fetch } = fakeFetch([[400, { error: 'ValidationError', message: 'cursor is not a members cursor' }]]);
    const err = await offline({ fetch }).socketClient.members('room', { cursor: 'bogus' }).catch((e) => e);
    expect(err).toBeInstanceOf(RealtimeError);
    expect(err).toMatchObject({ code: 'INVALID_REQUEST', status: 400, operation: 'members', channel: 'room' });
    expect(err.message).toMatch(/cursor is not a members cursor/);
  });

  it('an answer without members is INVALID_RESPONSE (e.g. a server without paging)', async () => {
    const { fetch } = fakeFetch([[200, [M(1)]]]);
    await expect(offline({ fetch }).socketClient.members('room')).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
  });

  it('retries once with a fresh token after a 401 when a tokenProvider is given', async () => {
    const { fetch, calls } = fakeFetch([
      [401, { error: 'AuthenticationError', message: 'expired' }],
      [200, { channel: 'room', members: [M(1)], memberCount: 1, nextCursor: null }],
    ]);
    let n = 0;
    const c = offline({ fetch, tokenProvider: () => `fresh${++n}` });
    expect((await c.socketClient.members('room')).memberCount).toBe(1);
    expect(calls.map((x) => x.headers.authorization)).toEqual(['Bearer fresh1', 'Bearer fresh2']);
  });
});
