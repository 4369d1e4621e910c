// Big rooms (issue 20, item 7): a channel join answers with the member count and at most the
// first 100 members (join time, then socket id) plus a cursor; the rest is paged with
// GET /api/socket/channels/:channel/members?limit=&cursor= (docs/protocol.md). Real /ws and
// socket.io-client connections against the real binary.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { bearer, nowSec, sign } from './lib/jwt.mjs';
import { clientPool, getToken } from './lib/wsclient.mjs';
import { ioConnect, sioToken, socketPool } from './lib/sio.mjs';

const CAP = 100;
const N = 130;  // /ws members; one Socket.IO member joins after them
const CHANNEL = 'lobby:big';

const show = (v) => JSON.stringify(v)?.slice(0, 300);
const path = (channel, q = '') => `/api/socket/channels/${encodeURIComponent(channel)}/members${q}`;

/** Every member, following nextCursor with pages of `limit`; asserts the page shape on the way. */
async function pageThrough(srv, channel, limit, headers = {}) {
  const ids = [];
  let cursor = '';
  for (let pages = 0; pages < 1000; pages++) {
    const r = await api(srv.url, 'GET', path(channel, `?limit=${limit}&cursor=${encodeURIComponent(cursor)}`), { headers });
    assertJson(r, 200);
    assert.deepEqual(Object.keys(r.body).sort(), ['channel', 'memberCount', 'members', 'nextCursor'], show(r.body));
    assert.equal(r.body.channel, channel);
    assert.ok(r.body.members.length <= limit, show(r.body));
    ids.push(...r.body.members.map((m) => m.socketId));
    if (r.body.nextCursor === null) return { ids, memberCount: r.body.memberCount };
    assert.equal(r.body.members.length, limit, 'a page followed by more is full');
    assert.equal(typeof r.body.nextCursor, 'string');
    cursor = r.body.nextCursor;
  }
  throw new Error('paging did not end');
}

describe('big rooms: capped join replies and paged members', () => {
  const pool = clientPool();
  const sockets = socketPool();
  let srv, token;
  const replies = [];  // the joined reply of each /ws member, in join order
  const ids = [];      // their socket ids (from whoami)

  before(async () => {
    srv = await startServer();
    token = await getToken(srv);
    const clients = await Promise.all(Array.from({ length: N }, () => pool.connect(srv, { token })));
    for (const c of clients) {
      const who = await c.request({ type: 'whoami' });
      ids.push(who.socketId);
      const r = await c.request({ type: 'join', channel: CHANNEL }, 10_000);
      assert.equal(r.type, 'joined', show(r));
      replies.push(r);
    }
  });
  after(() => {
    pool.closeAll();
    sockets.closeAll();
    killAll();
  });

  test('up to 100 members the reply lists them all; from the 101st on, the first 100, the count and a cursor', async () => {
    for (let i = 0; i < N; i++) {
      const r = replies[i];
      assert.equal(r.channel, CHANNEL);
      assert.equal(r.memberCount, i + 1, `member ${i + 1}: ${show(r)}`);
      if (i < CAP) {
        assert.equal(r.members.length, i + 1);
        assert.equal(r.nextCursor, undefined, `complete list, no cursor: ${show(r)}`);
        assert.ok(r.members.some((m) => m.socketId === ids[i]), 'the joiner is in its own complete list');
      } else {
        assert.equal(r.members.length, CAP, `member ${i + 1}`);
        assert.equal(typeof r.nextCursor, 'string', show(r));
      }
    }
    // The capped list is the first 100 of the full member order (join time, then socket id).
    const all = await api(srv.url, 'GET', path(CHANNEL));
    assertJson(all, 200);
    assert.ok(Array.isArray(all.body), 'without limit/cursor: the bare array of every member');
    assert.equal(all.body.length, N);
    assert.deepEqual(replies[N - 1].members.map((m) => m.socketId), all.body.slice(0, CAP).map((m) => m.socketId));
    assert.deepEqual(Object.keys(replies[N - 1].members[0]).sort(), ['joinedAt', 'socketId', 'subject']);
  });

  test('the join reply\'s cursor pages on to exactly the members it left out', async () => {
    const last = replies[N - 1];
    const r = await api(srv.url, 'GET', path(CHANNEL, `?cursor=${encodeURIComponent(last.nextCursor)}&limit=1000`));
    assertJson(r, 200);
    const listed = new Set(last.members.map((m) => m.socketId));
    const rest = r.body.members.map((m) => m.socketId);
    assert.equal(rest.length, N - CAP);
    assert.ok(rest.every((id) => !listed.has(id)), 'no member repeated');
    assert.deepEqual(new Set([...listed, ...rest]), new Set(ids));
    assert.equal(r.body.nextCursor, null);
  });

  test('Socket.IO: the join ack has the same shape', async () => {
    const s = sockets.add(await ioConnect(srv, { token: await sioToken(srv, { subject: 'sio-member' }) }));
    const ack = await s.emitWithAck('join', { channel: CHANNEL });
    assert.equal(ack.ok, true, show(ack));
    assert.equal(ack.channel, CHANNEL);
    assert.equal(ack.memberCount, N + 1);
    assert.equal(ack.members.length, CAP);
    assert.equal(typeof ack.nextCursor, 'string');
    const { ids: paged, memberCount } = await pageThrough(srv, CHANNEL, 1000);
    assert.equal(memberCount, N + 1);
    assert.ok(paged.includes(s.id));
    assert.deepEqual(await s.emitWithAck('leave', { channel: CHANNEL }), { ok: true, channel: CHANNEL });
  });

  test('paging through every member returns each exactly once, whatever the page size', async () => {
    for (const limit of [1, 7, 100]) {
      const { ids: paged, memberCount } = await pageThrough(srv, CHANNEL, limit);
      assert.equal(memberCount, N);
      assert.equal(paged.length, N, `limit ${limit}`);
      assert.equal(new Set(paged).size, N, `limit ${limit}: no duplicates`);
      assert.deepEqual(new Set(paged), new Set(ids));
    }
    // Default limit: 100.
    const first = await api(srv.url, 'GET', path(CHANNEL, '?cursor='));
    assertJson(first, 200);
    assert.equal(first.body.members.length, 100);
    assert.equal(first.body.memberCount, N);
    const empty = await api(srv.url, 'GET', path('nobody:here', '?limit=5'));
    assertJson(empty, 200);
    assert.deepEqual(empty.body, { channel: 'nobody:here', members: [], memberCount: 0, nextCursor: null });
  });

  test('a bad limit or cursor is a 400 with a JSON error', async () => {
    for (const q of ['?limit=0', '?limit=1001', '?limit=abc', '?limit=-1', '?cursor=zz', '?cursor=abc',
      `?cursor=${Buffer.from('not a cursor').toString('hex')}`]) {
      assertError(await api(srv.url, 'GET', path(CHANNEL, q)), 400);
    }
    // Proof the route answers at all for the same channel (the 400s are about the input).
    assertJson(await api(srv.url, 'GET', path(CHANNEL, '?limit=1')), 200);
  });

  test('scoped to the request\'s environment', async () => {
    const issued = await api(srv.url, 'POST', '/auth/token', { json: { applicationId: 'default', permissions: ['subscribe'], environment: 'staging' } });
    assertJson(issued, 200);
    const staging = issued.body.token;
    const r = await api(srv.url, 'GET', path(CHANNEL, '?limit=10'), { headers: bearer(staging) });
    assertJson(r, 200);
    assert.equal(r.body.memberCount, 0, show(r.body));
    const dev = await api(srv.url, 'GET', path(CHANNEL, '?limit=10'), { headers: bearer(token) });
    assert.equal(dev.body.memberCount, N, 'the development members are there');
  });
});

describe('big rooms: production', () => {
  const SECRET = 'big-rooms-secret-0123456789abcdef';
  let srv;
  before(async () => {
    srv = await startServer({ env: { NODE_ENV: 'production', JWT_SECRET: SECRET } });
  });
  after(() => killAll());

  test('no token: 401; any token of the application: 200', async () => {
    assertError(await api(srv.url, 'GET', path('room', '?limit=5')), 401);
    const token = sign({ alg: 'HS256', typ: 'JWT', kid: 'default' },
      { iss: 'realtime', iat: nowSec(), exp: nowSec() + 600, sub: 'u', aud: 'default', permissions: ['subscribe'] }, SECRET);
    const r = await api(srv.url, 'GET', path('room', '?limit=5'), { headers: bearer(token) });
    assertJson(r, 200);
    assert.deepEqual(r.body, { channel: 'room', members: [], memberCount: 0, nextCursor: null });
  });
});
