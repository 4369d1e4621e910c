// Replay (docs/debugger.md "Replay", spec/16-api-debugger.md "Replay Event"): a traced event is
// replayed as a new event with metadata.replayOf in each mode — dry-run delivers nothing and
// answers the routing; websocket reaches /ws and Socket.IO subscribers but no webhook; webhook
// reaches the receiver (signed) but no socket; router does everything a publish does and gets
// its own trace. Overrides deep-merge; the schema gate applies; traces are scoped; who may call.
//
// Negative checks ("nothing arrived") first see a later event arrive on the same path: the
// webhook endpoint is FIFO (deliveries in enqueue order) and each socket receives events in
// publish order, so a replay that was delivered would have arrived before the marker.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { bearer, nowSec, sign } from './lib/jwt.mjs';
import { ioConnect, socketPool, startRedis } from './lib/sio.mjs';
import { JWT_SECRET, auth, createHook, startReceiver, verifySignature, waitUntil } from './lib/webhook_receiver.mjs';
import { clientPool } from './lib/wsclient.mjs';

const ENV = { NODE_ENV: 'production', JWT_SECRET, REALTIME_WEBHOOK_ALLOW_HTTP: 'true', REALTIME_WEBHOOK_ALLOW_PRIVATE: 'true' };
const ADMIN = () => auth(['admin']);
const CLIENT_TOKEN = () => sign({ alg: 'HS256', typ: 'JWT', kid: 'default' }, {
  iss: 'realtime', iat: nowSec(), exp: nowSec() + 600, sub: 'replay-e2e', aud: 'default', permissions: ['subscribe', 'publish'],
}, JWT_SECRET);
const TOPIC = 'replay.orders';

const wsPool = clientPool();
const sioPool = socketPool();
after(() => {
  wsPool.closeAll();
  sioPool.closeAll();
  killAll();
});

const replay = (srv, json, headers = ADMIN()) => api(srv.url, 'POST', '/api/debugger/replay', { json, headers });
const publish = async (srv, topic, payload) => {
  const r = await api(srv.url, 'POST', '/api/events', { json: { topic, type: 'order.changed', payload }, headers: ADMIN() });
  assertJson(r, 202);
  return r.body.id;
};
const traceIdOf = (eventId) => `trace_${eventId.replace(/^evt_/, '')}`;
const traceOf = (srv, eventId) => waitUntil(async () => {
  const r = await api(srv.url, 'GET', `/api/debugger/traces/${traceIdOf(eventId)}`, { headers: ADMIN() });
  return r.status === 200 ? r.body : false;
}, { interval: 50, what: `the trace of ${eventId}` });
/** The trace of eventId found through the list (GET /api/debugger/traces?topic=). */
const listedTrace = (srv, topic, eventId) => waitUntil(async () => {
  const r = await api(srv.url, 'GET', `/api/debugger/traces?topic=${topic}`, { headers: ADMIN() });
  return r.status === 200 && r.body.find((t) => t.eventId === eventId);
}, { interval: 50, what: `${eventId} in the traces of ${topic}` });

const wsEvents = (c, topic = TOPIC) => c.all.filter((m) => m.type === 'event' && m.topic === topic).map((m) => m.data);
const sioEvents = (s, topic = TOPIC) => s.inbox.all.filter((e) => e.topic === topic);
const hookEvents = (rx) => rx.requests.map((r) => JSON.parse(r.body)).filter((e) => e.topic?.startsWith('replay.'));

describe('replay (production, one instance)', () => {
  let srv;
  let rx;
  let hook;
  let ws;
  let sio;
  let original;  // {id, traceId}

  /** A REST event that every path (both sockets, the receiver) must get; resolves its id. */
  async function marker(topic = TOPIC) {
    const id = await publish(srv, topic, { marker: true });
    await ws.waitFor(() => wsEvents(ws, topic).some((e) => e.id === id), 5000, `marker ${id} on /ws`);
    await waitUntil(() => sioEvents(sio, topic).some((e) => e.id === id), { what: `marker ${id} on Socket.IO` });
    if (topic === TOPIC) await rx.waitFor((r) => JSON.parse(r.body).id === id, 15_000, `marker ${id} at the receiver`);
    return id;
  }

  const traceIds = async () => (await api(srv.url, 'GET', `/api/debugger/traces?topic=${TOPIC}`, { headers: ADMIN() })).body.map((t) => t.eventId);

  before(async () => {
    rx = await startReceiver();
    srv = await startServer({ env: ENV });
    hook = await createHook(srv, { url: rx.url('/replay'), events: [], topics: ['replay.*'], ordering: 'fifo' });
    ws = await wsPool.connect(srv, { token: CLIENT_TOKEN() });
    await ws.subscribe(TOPIC);
    await ws.subscribe('replay.typed');
    sio = sioPool.add(await ioConnect(srv, { token: CLIENT_TOKEN() }));
    for (const topic of [TOPIC, 'replay.typed']) {
      assert.match((await sio.emitWithAck('subscribe', { topic })).subscriptionId, /^sub_/);
    }
    // The original: delivered on every path (so the receiver and both sockets are proven to work).
    const id = await marker();
    const trace = await listedTrace(srv, TOPIC, id);
    assert.deepEqual(trace.payload, { marker: true });
    const rich = await publish(srv, TOPIC, { kind: 'a', status: 'active', nested: { x: 1, y: 2 }, tags: ['t1'] });
    await ws.waitFor(() => wsEvents(ws).some((e) => e.id === rich), 5000, 'the original on /ws');
    original = { id: rich, traceId: (await listedTrace(srv, TOPIC, rich)).traceId };
    await rx.waitFor((r) => JSON.parse(r.body).id === rich, 15_000, 'the original at the receiver');
  });
  after(() => rx?.close());

  test('dry-run: 200 with the routing result, the schema verdict and the endpoints; nothing delivered or traced', async () => {
    const r = await replay(srv, { traceId: original.traceId, mode: 'dry-run', overrides: { payload: { status: 'ended' } } });
    assertJson(r, 200);
    assert.deepEqual(Object.keys(r.body), ['traceId', 'mode', 'replayOf', 'eventId', 'event', 'schema', 'routing', 'webhooks']);
    assert.deepEqual([r.body.traceId, r.body.mode, r.body.replayOf, r.body.eventId], [original.traceId, 'dry-run', original.id, null]);
    assert.equal(r.body.event.id, null);
    assert.deepEqual(r.body.event.payload, { kind: 'a', status: 'ended', nested: { x: 1, y: 2 }, tags: ['t1'] });
    assert.equal(r.body.event.metadata.replayOf, original.id);
    assert.equal(r.body.event.metadata.replayMode, 'dry-run');
    assert.deepEqual(r.body.schema, { version: null, valid: true });
    assert.equal(r.body.routing.topic, TOPIC);
    assert.equal(r.body.routing.activeSubscriptions, 2, JSON.stringify(r.body.routing));
    assert.equal(r.body.routing.matchingSubscriptions, 2);
    assert.deepEqual(r.body.webhooks, { endpoints: 1, endpointIds: [hook.id] });

    const before = { ws: wsEvents(ws).length, sio: sioEvents(sio).length, hooks: hookEvents(rx).length, traces: await traceIds() };
    const m = await marker();
    assert.deepEqual(wsEvents(ws).slice(before.ws).map((e) => e.id), [m], 'only the marker on /ws');
    assert.deepEqual(sioEvents(sio).slice(before.sio).map((e) => e.id), [m], 'only the marker on Socket.IO');
    assert.deepEqual(hookEvents(rx).slice(before.hooks).map((e) => e.id), [m], 'only the marker at the receiver');
    await listedTrace(srv, TOPIC, m);
    assert.deepEqual(await traceIds(), [m, ...before.traces], 'only the marker was traced');
  });

  test('websocket: a new event with replayOf reaches /ws and Socket.IO, and no webhook', async () => {
    const hooksBefore = hookEvents(rx).length;
    const r = await replay(srv, { traceId: original.traceId, mode: 'websocket' });
    assertJson(r, 202);
    const id = r.body.eventId;
    assert.match(id, /^evt_/);
    assert.notEqual(id, original.id);
    assert.equal(r.body.event.id, id);
    assert.deepEqual(r.body.event.metadata.replayOf, original.id);
    assert.equal(r.body.webhooks, undefined);
    await ws.waitFor(() => wsEvents(ws).some((e) => e.id === id), 5000, 'the replay on /ws');
    const onWs = wsEvents(ws).find((e) => e.id === id);
    assert.equal(onWs.metadata.replayOf, original.id);
    assert.equal(onWs.metadata.replayMode, 'websocket');
    assert.deepEqual(onWs.payload, { kind: 'a', status: 'active', nested: { x: 1, y: 2 }, tags: ['t1'] });
    const onSio = await waitUntil(() => sioEvents(sio).find((e) => e.id === id), { what: 'the replay on Socket.IO' });
    assert.equal(onSio.metadata.replayOf, original.id);

    const m = await marker();
    assert.deepEqual(hookEvents(rx).slice(hooksBefore).map((e) => e.id), [m], 'the receiver got the marker, not the replay');
    assert.equal((await traceOf(srv, id)).eventId, id, 'a websocket replay is traced');
  });

  test('webhook: a signed delivery with replayOf reaches the receiver, and no socket', async () => {
    const wsBefore = wsEvents(ws).length;
    const sioBefore = sioEvents(sio).length;
    const r = await replay(srv, { traceId: original.traceId, mode: 'webhook' });
    assertJson(r, 202);
    const id = r.body.eventId;
    assert.match(id, /^evt_/);
    assert.deepEqual(r.body.webhooks, { endpoints: 1, endpointIds: [hook.id] });
    const got = await rx.waitFor((q) => JSON.parse(q.body).id === id, 15_000, 'the webhook replay');
    const body = verifySignature(got);
    assert.equal(got.headers['x-webhook-endpoint-id'], hook.id);
    assert.equal(got.headers['x-webhook-event'], 'socket.message');
    assert.deepEqual([body.topic, body.type, body.metadata.replayOf, body.metadata.replayMode], [TOPIC, 'order.changed', original.id, 'webhook']);
    assert.deepEqual(body, r.body.event, 'the receiver gets the envelope the answer shows');

    const m = await marker();
    assert.deepEqual(wsEvents(ws).slice(wsBefore).map((e) => e.id), [m], '/ws got the marker, not the replay');
    assert.deepEqual(sioEvents(sio).slice(sioBefore).map((e) => e.id), [m], 'Socket.IO got the marker, not the replay');
    await traceOf(srv, m);
    assertError(await api(srv.url, 'GET', `/api/debugger/traces/${traceIdOf(id)}`, { headers: ADMIN() }), 404, 'NotFoundError');
  });

  test('router with overrides: a new event, deep-merged, on sockets and webhooks, with its own trace', async () => {
    const overrides = { payload: { status: 'ended', nested: { y: 20 } }, type: 'order.replayed' };
    const r = await replay(srv, { traceId: original.traceId, mode: 'router', overrides });
    assertJson(r, 202);
    const id = r.body.eventId;
    assert.match(id, /^evt_/);
    assert.notEqual(id, original.id);
    const merged = { kind: 'a', status: 'ended', nested: { x: 1, y: 20 }, tags: ['t1'] };
    assert.deepEqual(r.body.event.payload, merged);
    assert.equal(r.body.event.type, 'order.replayed');
    assert.deepEqual(r.body.schema, { version: null, valid: true });
    await ws.waitFor(() => wsEvents(ws).some((e) => e.id === id), 5000, 'the replay on /ws');
    const onWs = wsEvents(ws).find((e) => e.id === id);
    assert.deepEqual([onWs.payload, onWs.type, onWs.metadata.replayOf, onWs.metadata.replayMode], [merged, 'order.replayed', original.id, 'router']);
    const onSio = await waitUntil(() => sioEvents(sio).find((e) => e.id === id), { what: 'the replay on Socket.IO' });
    assert.deepEqual(onSio.payload, merged);
    const got = await rx.waitFor((q) => JSON.parse(q.body).id === id, 15_000, 'the replay at the receiver');
    assert.equal(verifySignature(got).metadata.replayOf, original.id);
    const trace = await listedTrace(srv, TOPIC, id);
    assert.deepEqual(trace.payload, merged);
    assert.deepEqual(trace.routingResult, { subscriberCount: 2, deliveredCount: 2, filteredCount: 0 });
    // The original's trace is unchanged.
    assert.deepEqual((await traceOf(srv, original.id)).payload, { kind: 'a', status: 'active', nested: { x: 1, y: 2 }, tags: ['t1'] });
  });

  test('the schema gate: an override that breaks the topic\'s schema is refused (dry-run reports it)', async () => {
    const topic = 'replay.typed';
    assertJson(await api(srv.url, 'POST', '/api/topics', { json: { name: topic, description: 'd', owner: 'o' }, headers: ADMIN() }), 201);
    const schema = { type: 'object', properties: { status: { type: 'string', enum: ['active', 'ended'] } }, required: ['status'] };
    assertJson(await api(srv.url, 'POST', `/api/schemas/${topic}`, { json: { schema }, headers: ADMIN() }), 201);
    assertJson(await api(srv.url, 'PATCH', `/api/topics/${topic}`, { json: { activeSchemaVersion: 1 }, headers: ADMIN() }), 200);
    const id = await publish(srv, topic, { status: 'active' });
    const traceId = (await listedTrace(srv, topic, id)).traceId;
    await ws.waitFor(() => wsEvents(ws, topic).some((e) => e.id === id), 5000, 'the original');
    const wsBefore = wsEvents(ws, topic).length;

    for (const mode of ['router', 'websocket', 'webhook']) {
      const bad = await replay(srv, { traceId, mode, overrides: { payload: { status: 'paused' } } });
      assertError(bad, 400, 'ValidationError');
      assert.match(bad.body.message, /schema v1/);
      assert.deepEqual(bad.body.errors?.map((e) => e.path), ['/status'], bad.text);
    }
    const dry = await replay(srv, { traceId, mode: 'dry-run', overrides: { payload: { status: 'paused' } } });
    assertJson(dry, 200);
    assert.equal(dry.body.schema.version, 1);
    assert.equal(dry.body.schema.valid, false);
    assert.deepEqual(dry.body.schema.errors.map((e) => e.path), ['/status']);

    const good = await replay(srv, { traceId, mode: 'websocket', overrides: { payload: { status: 'ended' } } });
    assertJson(good, 202);
    assert.deepEqual(good.body.schema, { version: 1, valid: true });
    await ws.waitFor(() => wsEvents(ws, topic).some((e) => e.id === good.body.eventId), 5000, 'the valid replay');
    assert.deepEqual(wsEvents(ws, topic).slice(wsBefore).map((e) => e.payload.status), ['ended'],
      'the valid replay only: the refused ones were not delivered');
  });

  test('unknown trace and another environment\'s trace: 404; bad bodies: 400', async () => {
    assertError(await replay(srv, { traceId: 'trace_nope', mode: 'dry-run' }), 404, 'NotFoundError');
    const staging = { ...ADMIN(), 'x-environment': 'staging' };
    assertError(await replay(srv, { traceId: original.traceId, mode: 'dry-run' }, staging), 404, 'NotFoundError');
    assertError(await replay(srv, { traceId: original.traceId, mode: 'router' }, staging), 404, 'NotFoundError');
    for (const body of [
      {}, { mode: 'router' }, { traceId: original.traceId }, { traceId: original.traceId, mode: 'replay' },
      { traceId: original.traceId, mode: 'router', overrides: [1] }, { traceId: original.traceId, mode: 'router', overrides: 'x' },
      { traceId: original.traceId, mode: 'router', overrides: { topic: 'other' } },
      { traceId: original.traceId, mode: 'router', overrides: { payload: 1 } },
      { traceId: original.traceId, mode: 'router', overrides: { metadata: { replayOf: 'evt_x' } } },
      { traceId: original.traceId, mode: 'router', extra: true },
    ]) {
      assertError(await replay(srv, body), 400, 'ValidationError');
    }
    assertError(await api(srv.url, 'POST', '/api/debugger/replay', { body: 'not json', headers: { ...ADMIN(), 'content-type': 'application/json' } }),
      400, 'ValidationError');
  });

  test('who: no token 401, a client token 403', async () => {
    assertError(await replay(srv, { traceId: original.traceId, mode: 'dry-run' }, {}), 401, 'UnauthorizedError');
    assertError(await replay(srv, { traceId: original.traceId, mode: 'router' }, bearer(CLIENT_TOKEN())), 403, 'ForbiddenError');
    assertError(await replay(srv, { traceId: original.traceId, mode: 'router' }, auth(['client'])), 403, 'ForbiddenError');
  });
});

describe('two instances on one Redis', () => {
  let redis;
  after(() => redis?.stop());

  test('a websocket replay on A reaches a subscriber on B, with replayOf', async () => {
    redis = await startRedis();
    const env = { ...ENV, REDIS_URL: redis.url };
    const a = await startServer({ env });
    const b = await startServer({ env });
    const onB = await wsPool.connect(b, { token: CLIENT_TOKEN() });
    await onB.subscribe('replay.cluster');
    // Positive signal first: B receives A's events through Redis.
    const id = await waitUntil(async () => {
      const e = await publish(a, 'replay.cluster', { n: 1 });
      try {
        await onB.waitFor(() => wsEvents(onB, 'replay.cluster').some((x) => x.id === e), 500, 'the event on B');
        return e;
      } catch { return false; }
    }, { what: 'an event published on A reaching B' });
    const { traceId } = await listedTrace(a, 'replay.cluster', id);
    const r = await replay(a, { traceId, mode: 'websocket', overrides: { payload: { n: 2 } } });
    assertJson(r, 202);
    await onB.waitFor(() => wsEvents(onB, 'replay.cluster').some((x) => x.id === r.body.eventId), 5000, 'the replay on B');
    const got = wsEvents(onB, 'replay.cluster').find((x) => x.id === r.body.eventId);
    assert.deepEqual([got.payload, got.metadata.replayOf, got.metadata.replayMode], [{ n: 2 }, id, 'websocket']);
  });
});
