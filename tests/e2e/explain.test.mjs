// "Why was it not delivered" (docs/debugger.md "Explain"): GET /api/debugger/explain answers, for
// one traced event and one connection, the first check that blocked delivery — or "delivered" with
// the time — for each of the five cases: delivered, filter mismatch, not subscribed, wrong
// environment, disconnected; by subject too; bad queries, unknown ids, no token, weaker roles.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { bearer, nowSec, sign } from './lib/jwt.mjs';
import { clientPool } from './lib/wsclient.mjs';
import { waitUntil } from './lib/webhook_receiver.mjs';

const SECRET = 'explain-test-secret-0123456789abcdef';
const token = (claims) => sign({ alg: 'HS256', typ: 'JWT', kid: 'default' }, {
  iss: 'realtime', iat: nowSec(), exp: nowSec() + 600, sub: 'tester', ...claims,
}, SECRET);
const ADMIN = () => bearer(token({ aud: 'default', permissions: ['admin'] }));
const WS = (sub = 'tester') => token({ aud: 'default', permissions: ['subscribe', 'publish'], sub });

const pool = clientPool();
let srv;
const c = {};
let eventId;
before(async () => {
  srv = await startServer({ env: { NODE_ENV: 'production', JWT_SECRET: SECRET } });
  const open = async (name, topic, { filter, environment, sub } = {}) => {
    const ws = await pool.connect(srv, { token: WS(sub), environment });
    const subscription = await ws.subscribe(topic, filter ? { filter } : {});
    c[name] = { ws, subscription, socketId: (await ws.request({ type: 'whoami' })).socketId };
  };
  await open('matching', 'explain.orders', { filter: { kind: 'a' }, sub: 'alice' });
  await open('rejecting', 'explain.orders', { filter: { kind: 'b', 'meta.region': 'eu' } });
  await open('otherTopic', 'explain.other');
  await open('staging', 'explain.orders', { environment: 'staging' });
  await open('gone', 'explain.orders');
  // `gone` leaves before the event: wait until the server has seen it close.
  const count = async () => (await api(srv.url, 'GET', '/api/socket/connections', { headers: ADMIN() })).body.count;
  const before = await count();
  c.gone.ws.ws.close(1000, 'bye');  // a clean close handshake (close() would just drop the TCP connection)
  await waitUntil(async () => (await count()) === before - 1, { what: 'the server noticing the closed connection' });

  const r = await api(srv.url, 'POST', '/api/events', { json: { topic: 'explain.orders', payload: { kind: 'a', meta: { region: 'us' } } }, headers: bearer(WS()) });
  assertJson(r, 202);
  eventId = r.body.id;
  await c.matching.ws.waitFor(() => c.matching.ws.all.some((m) => m.type === 'event' && m.data.id === eventId), 5000, 'the event');
  await waitUntil(async () => (await api(srv.url, 'GET', `/api/debugger/traces/trace_${eventId.slice(4)}`, { headers: ADMIN() })).status === 200,
    { interval: 50, what: 'the event\'s trace' });
});
after(() => {
  pool.closeAll();
  killAll();
});

const explain = (query, headers = ADMIN()) => api(srv.url, 'GET', `/api/debugger/explain?${new URLSearchParams(query)}`, { headers });
const check = (body, name) => body.checks.find((x) => x.check === name);

describe('GET /api/debugger/explain', () => {
  test('delivered: every check passed, with the time and the trace\'s decision as evidence', async () => {
    const r = await explain({ eventId, socketId: c.matching.socketId });
    assertJson(r, 200);
    assert.equal(r.body.delivered, true, r.text);
    assert.equal(r.body.reason, 'delivered');
    assert.equal(typeof r.body.at, 'number');
    assert.equal(r.body.eventId, eventId);
    assert.equal(r.body.socketId, c.matching.socketId);
    assert.deepEqual(r.body.checks.map((x) => [x.check, x.passed]),
      [['environment', true], ['connected', true], ['subscribed', true], ['filter', true], ['schemaGate', true], ['delivery', true]]);
    assert.equal(check(r.body, 'delivery').evidence, 'trace');
    assert.equal(check(r.body, 'delivery').subscriptionId, c.matching.subscription);
    assert.equal(r.body.connection.subject, 'alice');
    assert.equal(r.body.event.topic, 'explain.orders');
  });

  test('filter mismatch: the subscription\'s filter, key by key, with the actual values', async () => {
    const r = await explain({ eventId, socketId: c.rejecting.socketId });
    assertJson(r, 200);
    assert.equal(r.body.delivered, false);
    assert.equal(r.body.reason, 'filter_mismatch', r.text);
    const f = check(r.body, 'filter');
    assert.equal(f.passed, false);
    assert.deepEqual(f.subscriptions, [{ subscriptionId: c.rejecting.subscription, filter: { kind: 'b', 'meta.region': 'eu' }, matched: false,
      details: { kind: { matched: false, expected: 'b', actual: 'a' }, 'meta.region': { matched: false, expected: 'eu', actual: 'us' } } }]);
  });

  test('not subscribed: the topics it had at the time', async () => {
    const r = await explain({ eventId, socketId: c.otherTopic.socketId });
    assertJson(r, 200);
    assert.equal(r.body.reason, 'not_subscribed', r.text);
    assert.deepEqual(check(r.body, 'subscribed').topicsAtEvent, ['explain.other']);
  });

  test('wrong environment: the connection is in staging, the event in development', async () => {
    const r = await explain({ eventId, socketId: c.staging.socketId });
    assertJson(r, 200);
    assert.equal(r.body.reason, 'wrong_environment', r.text);
    assert.deepEqual([check(r.body, 'environment').event, check(r.body, 'environment').connection], ['development', 'staging']);
    // Asked from the staging side, the event is found in development and the answer is the same.
    const fromStaging = await explain({ eventId, socketId: c.staging.socketId }, { ...ADMIN(), 'x-environment': 'staging' });
    assertJson(fromStaging, 200);
    assert.equal(fromStaging.body.reason, 'wrong_environment');
  });

  test('disconnected: closed before the event, and why', async () => {
    const r = await explain({ eventId, socketId: c.gone.socketId });
    assertJson(r, 200);
    assert.equal(r.body.reason, 'disconnected', r.text);
    assert.equal(check(r.body, 'connected').closeReason, 'client closed');
    assert.ok(r.body.connection.closedAt <= r.body.event.timestamp);
  });

  test('by subject: every connection of that subject, each explained', async () => {
    const r = await explain({ eventId, subject: 'alice' });
    assertJson(r, 200);
    assert.equal(r.body.delivered, true);
    assert.deepEqual(r.body.connections.map((x) => [x.socketId, x.reason]), [[c.matching.socketId, 'delivered']]);
    assertError(await explain({ eventId, subject: 'nobody' }), 404, 'NotFoundError');
  });

  test('bad queries: 400; unknown event or socket: 404; no token: 401; a weaker role: 403', async () => {
    assertError(await explain({ socketId: c.matching.socketId }), 400, 'ValidationError');
    assertError(await explain({ eventId }), 400, 'ValidationError');
    assertError(await explain({ eventId, socketId: c.matching.socketId, subject: 'alice' }), 400, 'ValidationError');
    assertError(await explain({ eventId: 'evt_nope', socketId: c.matching.socketId }), 404, 'NotFoundError');
    assertError(await explain({ eventId, socketId: 'sock_nope' }), 404, 'NotFoundError');
    assertError(await explain({ eventId, socketId: c.matching.socketId }, {}), 401, 'UnauthorizedError');
    assertError(await explain({ eventId, socketId: c.matching.socketId }, bearer(token({ aud: 'default', permissions: ['service'] }))), 403, 'ForbiddenError');
    // Another application sees neither the event nor the socket.
    const created = await api(srv.url, 'POST', '/api/applications', { headers: ADMIN(), json: { name: 'Explain other' } });
    assertJson(created, 201);
    assertError(await explain({ eventId, socketId: c.matching.socketId }, bearer(token({ aud: created.body.id, permissions: ['admin'] }))), 404, 'NotFoundError');
  });
});
