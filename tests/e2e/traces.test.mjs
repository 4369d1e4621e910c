// Event traces (docs/debugger.md "Traces", spec/16-api-debugger.md "Query Traces", "Get Trace
// Detail"): every routed event (REST and /ws alike) gets a trace with its routing result summed
// over the instances; GET /api/debugger/traces filters by topic and source and pages; the detail
// lists each instance; traces are scoped to the caller's application and environment; sampling
// 0 traces nothing; REALTIME_TRACE_MAX prunes; two instances on one Redis and one PostgreSQL
// database share one trace per event.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { api, freePort, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { bearer, nowSec, sign } from './lib/jwt.mjs';
import { waitUntil } from './lib/webhook_receiver.mjs';
import { clientPool, sleep } from './lib/wsclient.mjs';
import { PG, cleanup, hex, psql, withDb } from './lib/cdc.mjs';
import { ioConnect } from './lib/sio.mjs';

const SECRET = 'traces-test-secret-0123456789abcdef';
const token = (claims) => sign({ alg: 'HS256', typ: 'JWT', kid: 'default' }, {
  iss: 'realtime', iat: nowSec(), exp: nowSec() + 600, sub: 'tester', ...claims,
}, SECRET);
const ADMIN = () => bearer(token({ aud: 'default', permissions: ['admin'] }));
const WS_TOKEN = () => token({ aud: 'default', permissions: ['subscribe', 'publish'] });
const ENV = { NODE_ENV: 'production', JWT_SECRET: SECRET };

const pool = clientPool();
let redisProc;
after(() => {
  pool.closeAll();
  killAll();
  if (redisProc) redisProc.kill('SIGKILL');
});

const traceIdOf = (eventId) => `trace_${eventId.replace(/^evt_/, '')}`;
const list = (srv, query = '', headers = ADMIN()) => api(srv.url, 'GET', `/api/debugger/traces${query}`, { headers });
const detail = (srv, id, headers = ADMIN()) => api(srv.url, 'GET', `/api/debugger/traces/${id}`, { headers });

async function restPublish(srv, topic, payload) {
  const r = await api(srv.url, 'POST', '/api/events', { json: { topic, type: 'order.created', payload }, headers: bearer(WS_TOKEN()) });
  assertJson(r, 202);
  return r.body.id;
}

/** The trace's detail once it is stored with `subscriberCount` subscribers. */
function waitTrace(srv, eventId, subscriberCount, what = `the trace of ${eventId}`) {
  return waitUntil(async () => {
    const r = await detail(srv, traceIdOf(eventId));
    return r.status === 200 && r.body.routingResult.subscriberCount === subscriberCount ? r.body : false;
  }, { interval: 50, what });
}

/** Two subscribers of `topic` on srv: one whose filter matches {kind: 'a'}, one whose filter does not. */
async function twoSubscribers(srv, topic) {
  const matching = await pool.connect(srv, { token: WS_TOKEN() });
  const matchingSub = await matching.subscribe(topic, { filter: { kind: 'a' } });
  const rejecting = await pool.connect(srv, { token: WS_TOKEN() });
  const rejectingSub = await rejecting.subscribe(topic, { filter: { kind: 'b' } });
  return { matching, rejecting, matchingSub, rejectingSub };
}

const eventsOf = (c, topic) => c.all.filter((m) => m.type === 'event' && m.topic === topic).map((m) => m.data.id);

describe('one instance (production)', () => {
  let srv;
  let clients;
  let restId;
  let wsId;
  before(async () => {
    srv = await startServer({ env: ENV });
    clients = await twoSubscribers(srv, 'trace.orders');
  });

  test('a REST publish and a /ws publish each get a trace with the routing result and the payload', async () => {
    restId = await restPublish(srv, 'trace.orders', { kind: 'a', n: 1 });
    const rest = await waitTrace(srv, restId, 2);
    assert.deepEqual(rest.routingResult, { subscriberCount: 2, deliveredCount: 1, filteredCount: 1 });
    assert.equal(rest.traceId, traceIdOf(restId));
    assert.equal(rest.eventId, restId);
    assert.equal(rest.topic, 'trace.orders');
    assert.equal(rest.source, 'socket');
    assert.equal(rest.type, 'order.created');
    assert.deepEqual(rest.payload, { kind: 'a', n: 1 });
    assert.equal(typeof rest.timestamp, 'number');
    assert.equal(rest.instances.length, 1);
    assert.equal(rest.instances[0].remote, false);
    assert.match(rest.instances[0].instance, /^inst_/);
    assert.deepEqual(eventsOf(clients.matching, 'trace.orders'), [restId]);  // the delivery the trace counts
    assert.deepEqual(eventsOf(clients.rejecting, 'trace.orders'), []);
    // The routing decisions: which subscription got it, which filter rejected it and on which key.
    const socketOf = async (c) => (await c.request({ type: 'whoami' })).socketId;
    const byVerdict = Object.fromEntries(rest.routingDecisions.map((d) => [d.verdict, d]));
    assert.equal(rest.routingDecisions.length, 2, JSON.stringify(rest));
    assert.deepEqual(byVerdict.delivered, { subscriptionId: clients.matchingSub, socketId: await socketOf(clients.matching),
      verdict: 'delivered', filter: { kind: 'a' }, instance: rest.instances[0].instance });
    assert.deepEqual(byVerdict.filtered, { subscriptionId: clients.rejectingSub, socketId: await socketOf(clients.rejecting),
      verdict: 'filtered', filter: { kind: 'b' }, failed: [{ key: 'kind', expected: 'b', actual: 'a' }],
      instance: rest.instances[0].instance });
    assert.equal(rest.decisionsOmitted, 0);
    assert.deepEqual(rest.schemaGate, { validated: false, schemaVersion: null });

    const publisher = await pool.connect(srv, { token: WS_TOKEN() });
    wsId = await publisher.publish('trace.orders', { kind: 'a', n: 2 });
    const ws = await waitTrace(srv, wsId, 2);
    assert.deepEqual(ws.routingResult, { subscriberCount: 2, deliveredCount: 1, filteredCount: 1 });
    assert.deepEqual(ws.payload, { kind: 'a', n: 2 });
  });

  test('the list: the spec\'s shape, newest first, ?topic= ?source= ?limit= ?offset=', async () => {
    const otherId = await restPublish(srv, 'trace.other', { kind: 'z' });
    await waitTrace(srv, otherId, 0);
    const all = await list(srv);
    assertJson(all, 200);
    assert.deepEqual(all.body.slice(0, 3).map((t) => t.eventId), [otherId, wsId, restId]);
    assert.deepEqual(Object.keys(all.body[1]), ['traceId', 'eventId', 'topic', 'source', 'type', 'payload', 'timestamp', 'routingResult']);
    const orders = await list(srv, '?topic=trace.orders');
    assert.deepEqual(orders.body.map((t) => t.eventId), [wsId, restId]);
    assert.deepEqual(orders.body[1].routingResult, { subscriberCount: 2, deliveredCount: 1, filteredCount: 1 });
    assert.deepEqual((await list(srv, '?topic=trace.orders&source=socket')).body.map((t) => t.eventId), [wsId, restId]);
    assert.deepEqual((await list(srv, '?topic=trace.orders&source=database')).body, []);
    assert.deepEqual((await list(srv, '?topic=trace.orders&limit=1')).body.map((t) => t.eventId), [wsId]);
    assert.deepEqual((await list(srv, '?topic=trace.orders&limit=1&offset=1')).body.map((t) => t.eventId), [restId]);
    assert.deepEqual((await list(srv, '?topic=trace.orders&offset=2')).body, []);
  });

  test('the schema gate\'s verdict: a topic with an active schema records the version the event passed', async () => {
    const call = (method, path, json) => api(srv.url, method, path, { json, headers: ADMIN() });
    assertJson(await call('POST', '/api/topics', { name: 'trace.typed', description: 'd', owner: 'o' }), 201);
    assertJson(await call('POST', '/api/schemas/trace.typed', { schema: { type: 'object', required: ['n'], properties: { n: { type: 'number' } } } }), 201);
    assertJson(await call('PATCH', '/api/topics/trace.typed', { activeSchemaVersion: 1 }), 200);
    const id = await restPublish(srv, 'trace.typed', { n: 1 });
    const t = await waitTrace(srv, id, 0);
    assert.deepEqual(t.schemaGate, { validated: true, valid: true, schemaVersion: 1 });
    assert.deepEqual(t.routingDecisions, []);
  });

  test('scoped: another environment does not see the traces; unknown ids are 404', async () => {
    const staging = { ...ADMIN(), 'x-environment': 'staging' };
    assert.deepEqual((await list(srv, '?topic=trace.orders', staging)).body, []);
    assertError(await detail(srv, traceIdOf(restId), staging), 404, 'NotFoundError');
    assertError(await detail(srv, 'trace_nope'), 404, 'NotFoundError');
  });

  test('bad queries: 400; no token: 401; a weaker role: 403', async () => {
    for (const q of ['?limit=0', '?limit=1001', '?limit=x', '?offset=-1', '?source=mars']) {
      assertError(await list(srv, q), 400, 'ValidationError');
    }
    assertError(await list(srv, '', {}), 401, 'UnauthorizedError');
    assertError(await detail(srv, traceIdOf(restId), {}), 401, 'UnauthorizedError');
    assertError(await list(srv, '', bearer(token({ aud: 'default', permissions: ['service'] }))), 403, 'ForbiddenError');
  });
});

describe('REALTIME_TRACE_SAMPLE=0', () => {
  test('events are delivered and no trace is stored', async () => {
    const srv = await startServer({ env: { ...ENV, REALTIME_TRACE_SAMPLE: '0' } });
    const { matching } = await twoSubscribers(srv, 'trace.off');
    const id = await restPublish(srv, 'trace.off', { kind: 'a' });
    await matching.waitFor(() => eventsOf(matching, 'trace.off').includes(id), 5000, 'the delivery');
    await sleep(600);  // more than two flush intervals (250 ms): a trace would be stored by now
    assertError(await detail(srv, traceIdOf(id)), 404, 'NotFoundError');
    assert.deepEqual((await list(srv)).body, []);
  });
});

describe('REALTIME_TRACE_MAX', () => {
  test('the oldest traces are pruned down to the maximum', async () => {
    const srv = await startServer({ env: { ...ENV, REALTIME_TRACE_MAX: '2', REALTIME_TRACE_PRUNE_INTERVAL_MS: '200' } });
    const ids = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await restPublish(srv, 'trace.pruned', { i }));
      await sleep(3);  // distinct millisecond timestamps, so "newest" is well defined
    }
    const kept = await waitUntil(async () => {
      const r = await list(srv);
      const got = r.body.map((t) => t.eventId);
      return got.length === 2 && got[0] === ids[4] ? got : false;
    }, { interval: 50, what: 'two traces left, the newest one among them' });
    assert.equal(kept[1], ids[3]);
    assertError(await detail(srv, traceIdOf(ids[0])), 404, 'NotFoundError');
  });
});

async function startRedis(port) {
  redisProc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' });
  await waitUntil(() => new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
    c.on('error', () => resolve(false));
  }), { what: 'redis-server up' });
}

describe('two instances on one Redis and one PostgreSQL database', { skip: !PG && !process.env.REALTIME_REQUIRE_PG ? 'REALTIME_TEST_PG_URL is not set' : false }, () => {
  const db = `traces_e2e_${hex()}`;
  after(() => cleanup({ dbs: [db] }));

  test('one trace per event: counts summed over both instances, each instance listed', async () => {
    psql(PG, `CREATE DATABASE ${db}`);
    const redisPort = await freePort();
    await startRedis(redisPort);
    const env = { ...ENV, DATABASE_URL: withDb(PG, db), REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      REALTIME_SECRET_KEY: crypto.randomBytes(32).toString('hex') };
    const a = await startServer({ env });
    const b = await startServer({ env });
    const onA = await pool.connect(a, { token: WS_TOKEN() });
    await onA.subscribe('trace.cluster', { filter: { kind: 'a' } });
    const onB = await twoSubscribers(b, 'trace.cluster');
    // Positive signal that B's subscriptions receive A's events through Redis before counting.
    const id = await waitUntil(async () => {
      const e = await restPublish(a, 'trace.cluster', { kind: 'a' });
      try {
        await onB.matching.waitFor(() => eventsOf(onB.matching, 'trace.cluster').includes(e), 500, 'the event on B');
        return e;
      } catch { return false; }
    }, { what: 'an event published on A reaching B' });
    const t = await waitTrace(a, id, 3, 'the trace with both instances\' subscribers');
    assert.deepEqual(t.routingResult, { subscriberCount: 3, deliveredCount: 2, filteredCount: 1 });
    assert.equal(t.instances.length, 2, JSON.stringify(t));
    const byRemote = Object.fromEntries(t.instances.map((i) => [String(i.remote), i]));
    assert.deepEqual(byRemote.false && [byRemote.false.subscriberCount, byRemote.false.deliveredCount, byRemote.false.filteredCount], [1, 1, 0]);
    assert.deepEqual(byRemote.true && [byRemote.true.subscriberCount, byRemote.true.deliveredCount, byRemote.true.filteredCount], [2, 1, 1]);
    assert.notEqual(byRemote.false.instance, byRemote.true.instance);
    const fromB = await waitTrace(b, id, 3);  // B answers the same
    assert.deepEqual(fromB.routingResult, t.routingResult);
    assert.deepEqual((await list(b, '?topic=trace.cluster&limit=1')).body[0].routingResult, t.routingResult);

    // Every source: /ws, Socket.IO and a sync document, each published on one instance, to an
    // unfiltered subscriber on A and, on B, an unfiltered one and one whose filter rejects it.
    const sources = [
      ['trace.fromws', 'socket', async (topic) => (await pool.connect(a, { token: WS_TOKEN() })).publish(topic, { n: 1 })],
      ['trace.fromsio', 'socket', async (topic) => {
        const s = await ioConnect(b, { token: WS_TOKEN() });
        try { return (await s.emitWithAck('publish', { topic, payload: { n: 2 } })).id; } finally { s.close(); }
      }],
      ['sync.tracedocs.created', 'sync', async () => {
        assertJson(await api(a.url, 'POST', '/api/sync/tracedocs/documents', { json: { id: `d_${hex()}`, data: { n: 3 } }, headers: ADMIN() }), 201);
        return null;  // the id comes with the delivered event
      }],
    ];
    for (const [topic, source, publish] of sources) {
      const onA2 = await pool.connect(a, { token: WS_TOKEN() });
      await onA2.subscribe(topic);
      const plainB = await pool.connect(b, { token: WS_TOKEN() });
      await plainB.subscribe(topic);
      const rejectingB = await pool.connect(b, { token: WS_TOKEN() });
      await rejectingB.subscribe(topic, { filter: { 'no.such.key': 1 } });
      // B's subscriptions are live once debug-routing on A lists them (they reach A through Redis).
      await waitUntil(async () => {
        const r = await api(a.url, 'POST', '/api/debugger/debug-routing', { json: { event: { topic, payload: {} } }, headers: ADMIN() });
        return r.body.activeSubscriptions === 3;
      }, { what: `the three subscriptions of ${topic}` });
      const published = await publish(topic);
      await onA2.waitFor(() => eventsOf(onA2, topic).length === 1, 5000, `${topic} on A`);
      await plainB.waitFor(() => eventsOf(plainB, topic).length === 1, 5000, `${topic} on B`);
      const eventId = published ?? eventsOf(onA2, topic)[0];
      assert.equal(eventsOf(plainB, topic)[0], eventId);
      const tr = await waitTrace(a, eventId, 3, `the trace of the ${topic} event`);
      assert.equal(tr.source, source);
      assert.deepEqual(tr.routingResult, { subscriberCount: 3, deliveredCount: 2, filteredCount: 1 }, topic);
      assert.equal(tr.instances.length, 2, topic);
      assert.equal(tr.routingDecisions.filter((d) => d.verdict === 'filtered').length, 1, JSON.stringify(tr.routingDecisions));
      await rejectingB.ping();
      assert.deepEqual(eventsOf(rejectingB, topic), [], topic);
    }
  });
});
