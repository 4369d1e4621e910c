// The debugger across instances (docs/debugger.md "Across instances"): two servers on one Redis.
// debug-routing asked on either instance lists the live subscriptions of both, each naming its
// instance, with the counts summed, and still delivers nothing; the socket monitor's connection
// list and explain find a connection held by the other instance.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertJson } from './lib/expect.mjs';
import { bearer, nowSec, sign } from './lib/jwt.mjs';
import { clientPool } from './lib/wsclient.mjs';
import { startRedis } from './lib/sio.mjs';
import { waitUntil } from './lib/webhook_receiver.mjs';

const SECRET = 'debugger-cluster-secret-0123456789';
const token = (claims) => sign({ alg: 'HS256', typ: 'JWT', kid: 'default' }, {
  iss: 'realtime', iat: nowSec(), exp: nowSec() + 600, sub: 'tester', ...claims,
}, SECRET);
const ADMIN = () => bearer(token({ aud: 'default', permissions: ['admin'] }));
const WS_TOKEN = () => token({ aud: 'default', permissions: ['subscribe', 'publish'] });

const pool = clientPool();
let redis;
let a;
let b;
before(async () => {
  redis = await startRedis();
  const env = { NODE_ENV: 'production', JWT_SECRET: SECRET, REDIS_URL: redis.url };
  a = await startServer({ env });
  b = await startServer({ env });
});
after(async () => {
  pool.closeAll();
  killAll();
  await redis?.stop();
});

const routing = (srv, json) => api(srv.url, 'POST', '/api/debugger/debug-routing', { json, headers: ADMIN() });

describe('debug-routing on two instances', () => {
  test('both instances\' subscriptions, each with its instance and verdict; nothing delivered', async () => {
    const subscribe = async (srv, filter) => {
      const c = await pool.connect(srv, { token: WS_TOKEN() });
      const id = await c.subscribe('session.status', filter ? { filter } : {});
      return { c, id, socketId: (await c.request({ type: 'whoami' })).socketId };
    };
    const onA = await subscribe(a, { campusId: 12 });
    const onB12 = await subscribe(b, { campusId: 12 });
    const onB99 = await subscribe(b, { campusId: 99 });
    const event = { topic: 'session.status', source: 'database', type: 'database.update', payload: { sessionId: 'abc123', status: 'active', campusId: 12 } };

    // The instances find each other within a heartbeat: wait for the positive signal.
    const fromA = await waitUntil(async () => {
      const r = await routing(a, { event });
      return r.status === 200 && r.body.activeSubscriptions === 3 ? r : false;
    }, { interval: 100, what: 'debug-routing on A seeing B\'s subscriptions' });
    assert.equal(fromA.body.matchingSubscriptions, 2, fromA.text);
    assert.equal(fromA.body.partial, undefined, fromA.text);
    const byId = Object.fromEntries(fromA.body.routingDetails.map((d) => [d.subscriptionId, d]));
    assert.deepEqual(Object.keys(byId).sort(), [onA.id, onB12.id, onB99.id].sort());
    assert.equal(byId[onA.id].socketId, onA.socketId);
    assert.equal(byId[onB99.id].socketId, onB99.socketId);
    assert.deepEqual([byId[onA.id].matched, byId[onB12.id].matched, byId[onB99.id].matched], [true, true, false]);
    assert.equal(byId[onB12.id].instance, byId[onB99.id].instance);
    assert.notEqual(byId[onA.id].instance, byId[onB12.id].instance, 'each detail names the instance holding it');

    // Asked on B: the same answer (B's own subscriptions plus A's).
    const fromB = await routing(b, { event });
    assertJson(fromB, 200);
    assert.deepEqual(fromB.body.routingDetails.map((d) => d.subscriptionId).sort(), Object.keys(byId).sort());
    assert.equal(fromB.body.matchingSubscriptions, 2);

    // A real publish is delivered (positive signal), and it is the only event anyone got.
    const p = await api(a.url, 'POST', '/api/events', { json: { topic: 'session.status', payload: { campusId: 12 } }, headers: bearer(WS_TOKEN()) });
    assertJson(p, 202);
    for (const s of [onA, onB12]) {
      await s.c.waitFor(() => s.c.all.some((m) => m.type === 'event'), 5000, 'the real event');
      await s.c.ping();
      assert.deepEqual(s.c.all.filter((m) => m.type === 'event').map((m) => m.data.id), [p.body.id]);
    }
    await onB99.c.ping();
    assert.equal(onB99.c.all.filter((m) => m.type === 'event').length, 0);
  });

  test('the socket monitor lists both instances\' connections; explain finds a socket on the other instance', async () => {
    const onB = await pool.connect(b, { token: WS_TOKEN() });
    const subB = await onB.subscribe('explain.cluster', { filter: { kind: 'b' } });
    const socketB = (await onB.request({ type: 'whoami' })).socketId;
    const onA = await pool.connect(a, { token: WS_TOKEN() });
    await onA.subscribe('explain.cluster');
    const socketA = (await onA.request({ type: 'whoami' })).socketId;

    const fromA = await waitUntil(async () => {
      const r = await api(a.url, 'GET', '/api/socket/connections?details=true', { headers: ADMIN() });
      return r.status === 200 && r.body.connections.some((c) => c.socketId === socketB) ? r : false;
    }, { interval: 100, what: 'A listing B\'s connection' });
    const rowB = fromA.body.connections.find((c) => c.socketId === socketB);
    const rowA = fromA.body.connections.find((c) => c.socketId === socketA);
    assert.ok(rowA, fromA.text);
    assert.notEqual(rowA.instance, rowB.instance);
    assert.deepEqual(rowB.subscriptions.map((x) => [x.subscriptionId, x.topic, x.filter]), [[subB, 'explain.cluster', { kind: 'b' }]]);
    assert.equal(fromA.body.partial, undefined, fromA.text);

    // An event published on A; B's subscriber's filter rejects it: explained on A.
    const p = await api(a.url, 'POST', '/api/events', { json: { topic: 'explain.cluster', payload: { kind: 'a' } }, headers: bearer(WS_TOKEN()) });
    assertJson(p, 202);
    await onA.waitFor(() => onA.all.some((m) => m.type === 'event' && m.data.id === p.body.id), 5000, 'the event on A');
    const why = await waitUntil(async () => {
      const r = await api(a.url, 'GET', `/api/debugger/explain?eventId=${p.body.id}&socketId=${socketB}`, { headers: ADMIN() });
      return r.status === 200 ? r : false;
    }, { interval: 100, what: 'the explanation (once the trace is written)' });
    assert.equal(why.body.reason, 'filter_mismatch', why.text);
    assert.equal(why.body.connection.instance, rowB.instance);
    const mine = await api(a.url, 'GET', `/api/debugger/explain?eventId=${p.body.id}&socketId=${socketA}`, { headers: ADMIN() });
    assert.equal(mine.body.reason, 'delivered', mine.text);
  });
});
