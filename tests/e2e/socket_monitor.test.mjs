// The socket monitor (docs/socket-monitor.md): GET /api/socket/connections?details=true lists
// the live connections of the caller's application and environment with what the admin UI's
// Socket Monitor shows; GET /api/socket/traffic is a Server-Sent Events stream of connect,
// subscribe, join, leave, broadcast, unsubscribe and disconnect, bounded per reader (a reader
// that falls behind is dropped, never slowing the gateways). Real clients: socket.io-client and
// the `ws` package. NODE_ENV=production: admin only, scoped.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { bearer, nowSec, pick, sign } from './lib/jwt.mjs';
import { eventually, ioConnect, socketPool } from './lib/sio.mjs';
import { openEventStream, openStalledEventStream } from './lib/sse.mjs';
import { clientPool } from './lib/wsclient.mjs';

const SECRET = 'socket-monitor-test-secret-0123456789';
const token = (claims) => sign({ alg: 'HS256', typ: 'JWT', kid: 'default' }, {
  iss: 'realtime', iat: nowSec(), exp: nowSec() + 600, sub: 'tester', aud: 'default', ...claims,
}, SECRET);
const ADMIN = (env) => ({ ...bearer(token({ permissions: ['admin'] })), ...(env ? { 'x-environment': env } : {}) });
const clientToken = (sub) => token({ sub, permissions: ['subscribe', 'publish'] });
const LOOPBACK = /^(::ffff:)?127\.0\.0\.1$/;

const pool = clientPool();
const sockets = socketPool();
let srv;
const TRAFFIC = () => `${srv.url}/api/socket/traffic`;
const details = (headers = ADMIN()) => api(srv.url, 'GET', '/api/socket/connections?details=true', { headers });

before(async () => {
  srv = await startServer({ env: { NODE_ENV: 'production', JWT_SECRET: SECRET, REALTIME_THREADS: '2' } });
});
after(() => {
  pool.closeAll();
  sockets.closeAll();
  killAll();
});

describe('GET /api/socket/connections?details=true', () => {
  const ids = {};
  let t0;

  before(async () => {
    t0 = Date.now();
    const ws = await pool.connect(srv, { token: clientToken('ws-user'), headers: { 'user-agent': 'monitor-test-ws/1.0' } });
    ids.wsSub = await ws.subscribe('orders.created', { filter: { region: 'eu' }, returnMode: 'diff' });
    assert.equal((await ws.request({ type: 'join', channel: 'room1' })).type, 'joined');
    ids.ws = (await ws.request({ type: 'whoami' })).socketId;
    // Socket.IO over polling first, then upgraded to WebSocket.
    const sio = sockets.add(await ioConnect(srv, {
      token: clientToken('sio-user'), transports: ['polling', 'websocket'], extraHeaders: { 'user-agent': 'monitor-test-sio/1.0' },
    }));
    const sub = await sio.emitWithAck('subscribe', { topic: 'orders.updated', filter: { campusId: 12 }, returnMode: 'both' });
    assert.match(sub.subscriptionId, /^sub_/, JSON.stringify(sub));
    ids.sioSub = sub.subscriptionId;
    assert.equal((await sio.emitWithAck('join', { channel: 'room2' })).ok, true);
    ids.sio = sio.id;
  });

  test('lists the Socket.IO and the plain WebSocket client with transport, address, agent, subject, channels and subscriptions', async () => {
    // The Socket.IO client upgrades in the background: its row follows (polling -> websocket).
    const r = await eventually(async () => {
      const res = await details();
      const row = res.body?.connections?.find((c) => c.socketId === ids.sio);
      return row?.engineTransport === 'websocket' ? res : null;
    }, { what: 'the Socket.IO row with engineTransport websocket' });
    assertJson(r, 200);
    assert.equal(r.body.count, 2, r.text);
    assert.equal(r.body.connections.length, 2, r.text);
    assert.equal(r.body.partial, undefined, r.text);
    const byId = Object.fromEntries(r.body.connections.map((c) => [c.socketId, c]));
    const instance = byId[ids.ws]?.instance;
    assert.ok(typeof instance === 'string' && instance.length > 0, r.text);
    for (const row of r.body.connections) {
      assert.match(row.remoteAddress, LOOPBACK, r.text);
      assert.ok(row.connectedAt >= t0 - 1000 && row.connectedAt <= Date.now(), r.text);
      for (const s of row.subscriptions) assert.ok(s.subscribedAt >= row.connectedAt, r.text);
    }
    const strip = (row) => ({ ...row, remoteAddress: 'ip', connectedAt: 0, subscriptions: row.subscriptions.map((s) => ({ ...s, subscribedAt: 0 })) });
    assert.deepEqual(strip(byId[ids.ws]), {
      socketId: ids.ws, transport: 'websocket', remoteAddress: 'ip', userAgent: 'monitor-test-ws/1.0', subject: 'ws-user',
      channels: ['room1'], connectedAt: 0, instance,
      subscriptions: [{ subscriptionId: ids.wsSub, topic: 'orders.created', filter: { region: 'eu' }, returnMode: 'diff', subscribedAt: 0 }],
    });
    assert.deepEqual(strip(byId[ids.sio]), {
      socketId: ids.sio, transport: 'socket.io', engineTransport: 'websocket', remoteAddress: 'ip',
      userAgent: 'monitor-test-sio/1.0', subject: 'sio-user', channels: ['room2'], connectedAt: 0, instance,
      subscriptions: [{ subscriptionId: ids.sioSub, topic: 'orders.updated', filter: { campusId: 12 }, returnMode: 'both', subscribedAt: 0 }],
    });
  });

  test('without details the answer is still {"count": N}', async () => {
    const r = await api(srv.url, 'GET', '/api/socket/connections', { headers: ADMIN() });
    assertJson(r, 200);
    assert.deepEqual(r.body, { count: 2 });
    assertError(await api(srv.url, 'GET', '/api/socket/connections?details=maybe', { headers: ADMIN() }), 400, 'ValidationError');
  });

  test('production: no token 401, a client token 403 (it may still count), another environment sees none', async () => {
    assertError(await details({}), 401, 'UnauthorizedError');
    const client = bearer(clientToken('someone'));
    assertError(await details(client), 403, 'ForbiddenError');
    assertJson(await api(srv.url, 'GET', '/api/socket/connections', { headers: client }), 200);
    for (const headers of [{}, client]) {
      const s = await openEventStream(TRAFFIC(), { headers });
      assertError(s, headers.authorization ? 403 : 401, headers.authorization ? 'ForbiddenError' : 'UnauthorizedError');
    }
    // An admin token limited to another environment: the same route, none of these connections.
    const mine = await details();
    assert.equal(mine.body.connections.length, 2, mine.text);
    const other = await details(bearer(token({ permissions: ['admin'], env: 'staging' })));
    assertJson(other, 200);
    assert.deepEqual(other.body, { count: 0, connections: [] });
  });
});

describe('GET /api/socket/traffic', () => {
  test('shows a connect and a subscribe within 1 s, then join, broadcast, leave, unsubscribe and the disconnect', async () => {
    const stream = await openEventStream(TRAFFIC(), { headers: ADMIN('staging') });
    assert.match(stream.headers.get('content-type'), /^text\/event-stream/);
    assert.equal(stream.headers.get('cache-control'), 'no-cache');
    assert.deepEqual(pick(stream.ready.data, ['type', 'applicationId', 'environment']), { type: 'ready', applicationId: 'default', environment: 'staging' });
    const other = await openEventStream(TRAFFIC(), { headers: ADMIN('production') });
    const next = (type, pred, what, timeoutMs = 1000) => stream.inbox.next((m) => m.event === type && pred(m.data), timeoutMs, what);

    const c = await pool.connect(srv, { token: clientToken('traffic-ws'), environment: 'staging', headers: { 'user-agent': 'traffic/1' } });
    let since = Date.now();
    const conn = await next('connect', (d) => d.subject === 'traffic-ws', 'the connect within 1 s');
    assert.ok(Date.now() - since <= 1000);
    const socketId = conn.data.socketId;
    assert.match(socketId, /\S/);
    assert.deepEqual(pick(conn.data, ['type', 'transport', 'userAgent', 'applicationId', 'environment', 'instance']), {
      type: 'connect', transport: 'websocket', userAgent: 'traffic/1', applicationId: 'default', environment: 'staging', instance: stream.ready.data.instance,
    });
    assert.match(conn.data.remoteAddress, LOOPBACK);
    assert.equal(typeof conn.data.at, 'number');

    const sub = await c.subscribe('traffic.topic', { filter: { k: 1 }, returnMode: 'both' });
    since = Date.now();
    const s = await next('subscribe', (d) => d.subscriptionId === sub, 'the subscribe within 1 s');
    assert.ok(Date.now() - since <= 1000);
    assert.deepEqual(pick(s.data, ['socketId', 'topic', 'filter', 'returnMode']), { socketId, topic: 'traffic.topic', filter: { k: 1 }, returnMode: 'both' });

    assert.equal((await c.request({ type: 'join', channel: 'room9' })).type, 'joined');
    assert.deepEqual(pick((await next('join', (d) => d.socketId === socketId, 'the join')).data, ['channel']), { channel: 'room9' });
    const sent = await c.request({ type: 'channel.publish', channel: 'room9', event: 'hello', data: { n: 1 } });
    assert.equal(sent.type, 'sent', JSON.stringify(sent));
    const fromClient = await next('broadcast', (d) => d.source === 'socket', 'the client broadcast');
    assert.deepEqual(pick(fromClient.data, ['socketId', 'channel', 'event', 'eventId']), { socketId, channel: 'room9', event: 'hello', eventId: sent.id });
    const rest = await api(srv.url, 'POST', '/api/socket/broadcast', { headers: ADMIN('staging'), json: { channel: 'room9', event: 'notice', data: { x: 1 } } });
    assertJson(rest, 202);
    const fromRest = await next('broadcast', (d) => d.source === 'rest', 'the REST broadcast');
    assert.deepEqual(pick(fromRest.data, ['socketId', 'channel', 'event', 'eventId']), { socketId: null, channel: 'room9', event: 'notice', eventId: rest.body.id });
    assert.equal((await c.request({ type: 'leave', channel: 'room9' })).type, 'left');
    await next('leave', (d) => d.socketId === socketId && d.channel === 'room9', 'the leave');
    assert.equal((await c.request({ type: 'unsubscribe', subscriptionId: sub })).type, 'unsubscribed');
    const un = await next('unsubscribe', (d) => d.subscriptionId === sub, 'the unsubscribe');
    assert.deepEqual(pick(un.data, ['topic', 'reason']), { topic: 'traffic.topic', reason: 'unsubscribed' });

    // Socket.IO shows the same way.
    const sio = sockets.add(await ioConnect(srv, { auth: { token: clientToken('traffic-sio'), environment: 'staging' } }));
    const sconn = await next('connect', (d) => d.socketId === sio.id, 'the Socket.IO connect');
    assert.deepEqual(pick(sconn.data, ['transport', 'engineTransport', 'subject']), { transport: 'socket.io', engineTransport: 'websocket', subject: 'traffic-sio' });
    const ssub = await sio.emitWithAck('subscribe', { topic: 'traffic.sio' });
    await next('subscribe', (d) => d.subscriptionId === ssub.subscriptionId && d.socketId === sio.id && d.filter === null, 'the Socket.IO subscribe');

    // Disconnects, with why.
    c.ws.close(1000, 'bye');
    const gone = await next('disconnect', (d) => d.socketId === socketId, 'the /ws disconnect', 3000);
    assert.deepEqual(pick(gone.data, ['reason', 'code']), { reason: 'client closed', code: 1000 });
    const sioId = sio.id;
    sio.close();
    const sgone = await next('disconnect', (d) => d.socketId === sioId, 'the Socket.IO disconnect', 3000);
    assert.equal(sgone.data.reason, 'client closed', JSON.stringify(sgone.data));

    // Scoped: the production stream sees a production client (a positive signal)… and nothing of staging.
    await pool.connect(srv, { token: clientToken('prod-ws'), environment: 'production' });
    await other.inbox.next((m) => m.event === 'connect' && m.data.subject === 'prod-ws', 2000, 'the production connect');
    assert.deepEqual(other.inbox.all.filter((m) => m.event !== 'ready' && m.data.environment !== 'production'), []);
    assert.equal(stream.inbox.all.filter((m) => m.data.subject === 'prod-ws').length, 0);
    stream.close();
    other.close();
  });

  test('a reader that falls behind is dropped; clients and the other readers carry on', async () => {
    const healthy = await openEventStream(TRAFFIC(), { headers: ADMIN('staging') });
    const stalled = await openStalledEventStream(srv, '/api/socket/traffic', ADMIN('staging'));
    // ~12 MB of subscribe items (each carries its 60 kB filter): far more than the kernel's
    // socket buffers plus the stream's 1 MiB bound, so the stalled reader must fall behind. Sent
    // in batches of 8 (~0.5 MB), each once the reader that keeps up has read the last one.
    const flooder = await pool.connect(srv, { token: clientToken('flooder'), environment: 'staging' });
    const big = 'x'.repeat(60_000);
    const N = 200;
    const BATCH = 8;
    const floodItems = () => healthy.inbox.all.filter((m) => m.event === 'subscribe' && m.data.topic === 'flood.topic').length;
    for (let sent = 0; sent < N;) {
      for (const end = Math.min(N, sent + BATCH); sent < end; sent++) {
        flooder.send({ type: 'subscribe', topic: 'flood.topic', filter: { big, i: sent }, requestId: `f${sent}` });
      }
      await eventually(() => floodItems() === sent || healthy.inbox.endedWith,
        { timeoutMs: 10_000, intervalMs: 5, what: `${sent} flood items on the reader that keeps up` });
      assert.equal(healthy.inbox.endedWith, null, `the reader that keeps up was dropped after ${floodItems()} items`);
    }
    await flooder.waitFor(() => flooder.all.filter((m) => m.type === 'subscribed').length === N, 10_000, 'every subscribe reply');

    // The stalled reader: once it reads again it gets what the kernel held, then the end.
    stalled.resume();
    let timer;
    const ended = await Promise.race([stalled.ended, new Promise((r) => { timer = setTimeout(() => r(false), 10_000); })]);
    clearTimeout(timer);
    assert.equal(ended, true, 'the stalled stream was not closed');
    assert.ok(stalled.received() < healthy.bytes() / 2, `stalled got ${stalled.received()} of ${healthy.bytes()} bytes`);
    flooder.close();

    // The gateways were not held up: a fresh client connects and subscribes at once, and the
    // reader that kept up sees both within 1 s.
    const t0 = Date.now();
    const fresh = await pool.connect(srv, { token: clientToken('after-flood'), environment: 'staging' });
    const sub = await fresh.subscribe('calm.topic');
    assert.ok(Date.now() - t0 < 1000, `connect + subscribe took ${Date.now() - t0} ms`);
    await healthy.inbox.next((m) => m.event === 'connect' && m.data.subject === 'after-flood', 1000, 'the fresh connect');
    await healthy.inbox.next((m) => m.event === 'subscribe' && m.data.subscriptionId === sub, 1000, 'the fresh subscribe');
    healthy.close();
  });

  test('shutdown ends open streams at once instead of waiting for the drain deadline', async () => {
    const own = await startServer({ env: { NODE_ENV: 'production', JWT_SECRET: SECRET, REALTIME_SHUTDOWN_TIMEOUT_MS: '20000' } });
    const s = await openEventStream(`${own.url}/api/socket/traffic`, { headers: ADMIN() });
    const stopped = await own.stop('SIGTERM');
    assert.equal(stopped.code, 0, own.output());
    assert.ok(stopped.ms < 5000, `shutdown took ${stopped.ms} ms`);
    let timer;
    const end = await Promise.race([new Promise((r) => { const check = () => (s.inbox.endedWith ? r(s.inbox.endedWith) : setTimeout(check, 20)); check(); }),
      new Promise((r) => { timer = setTimeout(() => r(null), 3000); })]);
    clearTimeout(timer);
    assert.deepEqual(end, { done: true }, 'the stream should end cleanly (its last chunk)');
  });
});
