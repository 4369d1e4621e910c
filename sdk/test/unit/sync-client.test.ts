// SyncClient against a fake fetch: request shapes (paths, methods, bodies, auth) and the
// mapping of HTTP errors to ConflictError / NotFoundError / RealtimeError.
import { describe, expect, it, vi } from 'vitest';
import { ConflictError, NotFoundError, RealtimeError, SyncClient } from '../../src/index.node.js';

interface Call { url: string; method: string; headers: Record<string, string>; body: unknown }

function fakeFetch(responses: Array<[number, unknown]>) {
  const calls: Call[] = [];
  const fn = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), method: init?.method ?? 'GET', headers: init?.headers as Record<string, string>, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const [status, body] = responses.shift() ?? [500, { error: 'InternalError', message: 'no more responses' }];
    return new Response(body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

const DOC = { service: 'session', id: 'doc_1', revision: 1, data: { status: 'active' }, createdAt: 1, updatedAt: 1 };

describe('SyncClient requests', () => {
  it('sends each operation to the spec path with the bearer token', async () => {
    const { fetch, calls } = fakeFetch([[201, DOC], [200, DOC], [200, DOC], [200, DOC], [200, DOC], [200, DOC], [200, { ...DOC, deleted: true }], [200, { documents: [DOC], nextCursor: 'c2' }]]);
    const sync = new SyncClient({ url: 'http://h:3000/', token: 'tok', fetch });
    await sync.create('session', { status: 'active' }, 'doc_1');
    await sync.get('session', 'doc_1');
    await sync.replace('session', 'doc_1', { status: 'ended' }, 3);
    await sync.merge('session', 'doc_1', { notes: 'x' }, { expectedRevision: 4 });
    await sync.mutate('session', 'doc_1', { status: 'ended' });
    await sync.mutate('session', 'doc_1', [{ op: 'increment', path: '/n', value: 1 }], 6);
    await sync.delete('session', 'doc_1');
    expect(await sync.list('session', { limit: 10, cursor: 'c1' })).toEqual({ documents: [DOC], nextCursor: 'c2' });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'POST http://h:3000/api/sync/session/documents',
      'GET http://h:3000/api/sync/session/documents/doc_1',
      'PUT http://h:3000/api/sync/session/documents/doc_1',
      'PATCH http://h:3000/api/sync/session/documents/doc_1/merge',
      'POST http://h:3000/api/sync/session/documents/doc_1/mutate',
      'POST http://h:3000/api/sync/session/documents/doc_1/mutate',
      'DELETE http://h:3000/api/sync/session/documents/doc_1',
      'GET http://h:3000/api/sync/session/documents?limit=10&cursor=c1',
    ]);
    expect(calls.map((c) => c.body)).toEqual([
      { data: { status: 'active' }, id: 'doc_1' },
      undefined,
      { data: { status: 'ended' }, expectedRevision: 3 },
      { data: { notes: 'x' }, expectedRevision: 4 },
      { mutations: { status: 'ended' } },
      { mutations: [{ op: 'increment', path: '/n', value: 1 }], expectedRevision: 6 },
      undefined,
      undefined,
    ]);
    for (const c of calls) expect(c.headers.authorization).toBe('Bearer tok');
    expect(calls[0]!.headers['content-type']).toBe('application/json');
    expect(calls[1]!.headers['content-type']).toBeUndefined();
  });

  it('encodes service and id, keeps a base path, and passes expiresAt', async () => {
    const { fetch, calls } = fakeFetch([[200, DOC], [201, DOC]]);
    const sync = new SyncClient({ url: 'https://example.com/realtime', token: 't', fetch, headers: { 'X-Environment': 'staging' } });
    await sync.get('my service', 'a/b?c');
    await sync.create('s', { a: 1 }, { expiresAt: 1710100000000 });
    expect(calls[0]!.url).toBe('https://example.com/realtime/api/sync/my%20service/documents/a%2Fb%3Fc');
    expect(calls[0]!.headers['X-Environment']).toBe('staging');
    expect(calls[1]!.body).toEqual({ data: { a: 1 }, expiresAt: 1710100000000 });
  });

  it('accepts a bare array from list', async () => {
    const { fetch } = fakeFetch([[200, [DOC]]]);
    expect(await new SyncClient({ url: 'http://h', token: 't', fetch }).list('session')).toEqual({ documents: [DOC] });
  });

  it('rejects bad arguments before any request', async () => {
    const { fetch, calls } = fakeFetch([]);
    const sync = new SyncClient({ url: 'http://h', token: 't', fetch });
    await expect(sync.create('', { a: 1 })).rejects.toThrow(TypeError);
    await expect(sync.get('s', '')).rejects.toThrow(TypeError);
    await expect(sync.replace('s', 'i', [] as never)).rejects.toThrow(TypeError);
    await expect(sync.merge('s', 'i', { a: 1 }, -1)).rejects.toThrow(/expectedRevision/);
    expect(calls).toHaveLength(0);
  });
});

describe('SyncClient errors', () => {
  it('409 is a ConflictError whose message contains "conflict" and which carries the revisions', async () => {
    const { fetch } = fakeFetch([[409, { error: 'ConflictError', message: 'Revision mismatch', currentRevision: 5 }]]);
    const err = await new SyncClient({ url: 'http://h', token: 't', fetch }).replace('session', 'doc_1', { a: 1 }, 3).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toBeInstanceOf(RealtimeError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ConflictError');
    expect(err.message).toContain('conflict');
    expect(err.message).toContain('Revision mismatch');
    expect(err).toMatchObject({ code: 'CONFLICT', status: 409, currentRevision: 5, expectedRevision: 3, operation: 'sync.replace' });
    expect(err.details).toEqual({ error: 'ConflictError', message: 'Revision mismatch', currentRevision: 5 });
  });

  it('finds currentRevision in details too, and works without it', async () => {
    const { fetch } = fakeFetch([[409, { error: 'ConflictError', message: 'm', details: { currentRevision: 7 } }], [409, 'not json']]);
    const sync = new SyncClient({ url: 'http://h', token: 't', fetch });
    expect((await sync.merge('s', 'i', {}, 1).catch((e) => e)).currentRevision).toBe(7);
    const bare = await sync.merge('s', 'i', {}).catch((e) => e);
    expect(bare).toBeInstanceOf(ConflictError);
    expect(bare.currentRevision).toBeUndefined();
    expect(bare.message).toContain('conflict');
  });

  it('404 is a NotFoundError', async () => {
    const { fetch } = fakeFetch([[404, { error: 'NotFoundError', message: 'Document not found' }]]);
    const err = await new SyncClient({ url: 'http://h', token: 't', fetch }).get('session', 'nope').catch((e) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ name: 'NotFoundError', code: 'NOT_FOUND', status: 404, operation: 'sync.get' });
    expect(err.message).toContain('session/nope');
  });

  it.each([
    [400, 'INVALID_REQUEST'],
    [401, 'UNAUTHORIZED'],
    [403, 'FORBIDDEN'],
    [413, 'PAYLOAD_TOO_LARGE'],
    [500, 'SERVER_ERROR'],
    [503, 'SERVER_ERROR'],
    [418, 'HTTP_418'],
  ])('%i is a RealtimeError %s with the server message', async (status, code) => {
    const { fetch } = fakeFetch([[status, { error: 'SomeError', message: 'server says no' }]]);
    const err = await new SyncClient({ url: 'http://h', token: 't', fetch }).get('s', 'i').catch((e) => e);
    expect(err).toBeInstanceOf(RealtimeError);
    expect(err).toMatchObject({ code, status });
    expect(err.message).toContain('server says no');
  });

  it('a network failure is NETWORK_ERROR, a slow server TIMEOUT', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(new SyncClient({ url: 'http://h', token: 't', fetch: failing }).get('s', 'i')).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    const hanging = ((_u: string, init: RequestInit) =>
      new Promise((_r, reject) => init.signal!.addEventListener('abort', () => reject(new Error('aborted'))))) as unknown as typeof fetch;
    await expect(new SyncClient({ url: 'http://h', token: 't', fetch: hanging, requestTimeout: 20 }).get('s', 'i')).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('a 401 with a refreshable token source refreshes once and retries', async () => {
    const { fetch, calls } = fakeFetch([[401, { error: 'UnauthorizedError', message: 'expired' }], [200, DOC]]);
    let token = 'old';
    const tokenSource = { canRefresh: true, get: async () => token, markStale: () => (token = 'new') };
    expect(await new SyncClient({ url: 'http://h', tokenSource, fetch }).get('session', 'doc_1')).toEqual(DOC);
    expect(calls.map((c) => c.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });
});
