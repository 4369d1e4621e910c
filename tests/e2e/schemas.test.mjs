// Schema registry (spec/18-api-schemas.md) and the validation gate (spec/03 "Schema Validation in
// the Flow"): register v1, a compatible v2, an incompatible v3 (400 with details), the exact
// shapes of every route, validate, tenant isolation, then activeSchemaVersion: a valid and an
// invalid event over REST, /ws, channel messages, Socket.IO and sync — only the valid ones are
// delivered, the invalid publisher gets the validation errors, a refused sync event is logged
// with its id, failures are counted per topic — and a second instance enforces it too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer, tempDir } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { bearer } from './lib/jwt.mjs';
import { clientPool, getToken } from './lib/wsclient.mjs';
import { ioConnect, sioToken, socketPool } from './lib/sio.mjs';

let srv;
const clients = clientPool();
const sockets = socketPool();
before(async () => { srv = await startServer(); });
after(async () => {
  clients.closeAll();
  sockets.closeAll();
  if (srv) await srv.stop();
  killAll();
});

const call = (method, path, opts) => api(srv.url, method, path, opts);
const TOPIC = 'session.status';
const KEYS = ['compatibilityMode', 'createdAt', 'schema', 'topic', 'version'];
const v1 = {
  type: 'object',
  properties: { sessionId: { type: 'string' }, status: { type: 'string', enum: ['active', 'ended'] } },
  required: ['sessionId', 'status'],
};
const v2 = { ...v1, properties: { ...v1.properties, campusId: { type: 'number' } } };
const v3 = { ...v2, properties: { ...v2.properties, sessionId: { type: 'integer' } } };

describe('registry routes', () => {
  const registered = [];

  test('unknown topic -> 404 on every route', async () => {
    for (const [method, path, json] of [
      ['GET', `/api/schemas/${TOPIC}/versions`], ['GET', `/api/schemas/${TOPIC}/versions/1`],
      ['GET', `/api/schemas/${TOPIC}/latest`], ['POST', `/api/schemas/${TOPIC}`, { schema: v1 }],
      ['POST', `/api/schemas/${TOPIC}/validate`, { payload: {} }],
    ]) {
      const res = await call(method, path, { json });
      assertError(res, 404, 'NotFoundError');
      assert.equal(res.body.message, `Topic not found: ${TOPIC}`, `${method} ${path}`);
    }
  });

  test('a topic without schemas: versions [], latest 404', async () => {
    assertJson(await call('POST', '/api/topics', { json: { name: TOPIC, description: 'd', owner: 'o' } }), 201);
    const list = await call('GET', `/api/schemas/${TOPIC}/versions`);
    assertJson(list, 200);
    assert.deepEqual(list.body, []);
    assertError(await call('GET', `/api/schemas/${TOPIC}/latest`), 404, 'NotFoundError');
    assertError(await call('POST', `/api/schemas/${TOPIC}/validate`, { json: { payload: {} } }), 404, 'NotFoundError');
  });

  test('register v1 -> 201 with the spec\'s fields, backward by default', async () => {
    const t0 = Date.now();
    const res = await call('POST', `/api/schemas/${TOPIC}`, { json: { schema: v1 } });
    assertJson(res, 201);
    assert.deepEqual(Object.keys(res.body).sort(), KEYS, res.text);
    assert.deepEqual({ ...res.body, createdAt: 0 }, { topic: TOPIC, version: 1, schema: v1, compatibilityMode: 'backward', createdAt: 0 });
    assert.ok(Math.abs(res.body.createdAt - t0) < 60_000, 'createdAt is ms');
    registered.push(res.body);
  });

  test('v2 adds an optional field: compatible -> 201 version 2', async () => {
    const res = await call('POST', `/api/schemas/${TOPIC}`, { json: { schema: v2, compatibilityMode: 'backward' } });
    assertJson(res, 201);
    assert.equal(res.body.version, 2);
    registered.push(res.body);
  });

  test('v3 changes a field\'s type: 400 with details [{path, rule, message}], nothing stored', async () => {
    const res = await call('POST', `/api/schemas/${TOPIC}`, { json: { schema: v3 } });
    assertError(res, 400, 'ValidationError');
    assert.ok(Array.isArray(res.body.details), res.text);
    assert.deepEqual(res.body.details.map(({ path, rule }) => ({ path, rule })), [{ path: '/sessionId', rule: 'type-narrowed' }]);
    assert.match(res.body.details[0].message, /string to integer.*version 2/);
    const full = await call('POST', `/api/schemas/${TOPIC}`, { json: { schema: { ...v2, required: ['sessionId'] }, compatibilityMode: 'full' } });
    assertError(full, 400, 'ValidationError');
    assert.deepEqual(full.body.details.map((d) => `${d.path} ${d.rule}`), ['/status required-removed']);
    assert.equal((await call('GET', `/api/schemas/${TOPIC}/versions`)).body.length, 2);
  });

  test('invalid schemas -> 400 naming what is wrong; remote $ref refused', async () => {
    for (const [body, pattern] of [
      [{ schema: { type: 'strng' } }, /Invalid JSON Schema/],
      [{ schema: { properties: { a: { $ref: 'https://example.com/a.json' } } } }, /remote \$ref "https:\/\/example.com\/a.json" at \/properties\/a\/\$ref/],
      [{ schema: { $ref: '#/definitions/nope' } }, /does not resolve/],
      [{ schema: 'object' }, /a schema must be a JSON object/],
      [{}, /schema is required/],
      [{ schema: v2, compatibilityMode: 'sideways' }, /compatibilityMode must be one of: none, backward, forward, full/],
    ]) {
      const res = await call('POST', `/api/schemas/${TOPIC}`, { json: body });
      assertError(res, 400, 'ValidationError');
      assert.match(res.body.message, pattern, JSON.stringify(body));
    }
    assert.equal((await call('GET', `/api/schemas/${TOPIC}/versions`)).body.length, 2);
  });

  test('GET versions, versions/:version, latest', async () => {
    const list = await call('GET', `/api/schemas/${TOPIC}/versions`);
    assertJson(list, 200);
    assert.deepEqual(list.body, registered);
    const one = await call('GET', `/api/schemas/${TOPIC}/versions/1`);
    assertJson(one, 200);
    assert.deepEqual(one.body, registered[0]);
    const latest = await call('GET', `/api/schemas/${TOPIC}/latest`);
    assertJson(latest, 200);
    assert.deepEqual(latest.body, registered[1]);
    assertError(await call('GET', `/api/schemas/${TOPIC}/versions/3`), 404, 'NotFoundError');
    for (const bad of ['x', '0', '-1', '01']) assertError(await call('GET', `/api/schemas/${TOPIC}/versions/${bad}`), 400, 'ValidationError');
  });

  test('validate -> {"valid":true} or {"valid":false,"errors":[{path,message}]} against the latest', async () => {
    const ok = await call('POST', `/api/schemas/${TOPIC}/validate`, { json: { payload: { sessionId: 'abc123', status: 'active', campusId: 12 } } });
    assertJson(ok, 200);
    assert.deepEqual(ok.body, { valid: true });
    const bad = await call('POST', `/api/schemas/${TOPIC}/validate`, { json: { payload: { sessionId: 5, status: 'paused', campusId: '12' } } });
    assertJson(bad, 200);
    assert.equal(bad.body.valid, false);
    const byPath = (a, b) => a.path.localeCompare(b.path);
    assert.deepEqual([...bad.body.errors].sort(byPath), [
      { path: '/campusId', message: 'must be number' },
      { path: '/sessionId', message: 'must be string' },
      { path: '/status', message: 'must be equal to one of the allowed values' },
    ]);
    assert.deepEqual(Object.keys(bad.body).sort(), ['errors', 'valid']);
    assert.equal(bad.body.errors.length, 3);
    const missing = await call('POST', `/api/schemas/${TOPIC}/validate`, { json: { payload: { status: 'active' } } });
    assert.deepEqual(missing.body, { valid: false, errors: [{ path: '', message: "must have required property 'sessionId'" }] });
    assertError(await call('POST', `/api/schemas/${TOPIC}/validate`, { json: {} }), 400, 'ValidationError');
  });

  test('tenant isolation: another application sees none of these schemas', async () => {
    const app = await call('POST', '/api/applications', { json: { name: 'schemas-other' } });
    assertJson(app, 201);
    const other = { 'x-application-id': app.body.id };
    assertError(await call('GET', `/api/schemas/${TOPIC}/versions`, { headers: other }), 404, 'NotFoundError');
    assertJson(await call('POST', '/api/topics', { json: { name: TOPIC, description: 'd', owner: 'o' }, headers: other }), 201);
    assert.deepEqual((await call('GET', `/api/schemas/${TOPIC}/versions`, { headers: other })).body, []);
    assertError(await call('GET', `/api/schemas/${TOPIC}/latest`, { headers: other }), 404, 'NotFoundError');
    const mine = await call('POST', `/api/schemas/${TOPIC}`, { json: { schema: { type: 'object' } }, headers: other });
    assertJson(mine, 201);
    assert.equal(mine.body.version, 1);
    assert.equal((await call('GET', `/api/schemas/${TOPIC}/latest`)).body.version, 2);
    const staging = { 'x-environment': 'staging' };
    assertError(await call('GET', `/api/schemas/${TOPIC}/versions`, { headers: staging }), 404, 'NotFoundError');
  });
});

describe('the gate: activeSchemaVersion validates every publish path', () => {
  const valid = (n) => ({ sessionId: `s${n}`, status: 'active', campusId: n });
  const invalid = { sessionId: 42, status: 'active' };
  let sub;
  let pubToken;

  before(async () => {
    pubToken = await getToken(srv);
    sub = await clients.connect(srv, { token: pubToken });
    await sub.subscribe(TOPIC);
  });

  test('activeSchemaVersion must name a registered version', async () => {
    const res = await call('PATCH', `/api/topics/${TOPIC}`, { json: { activeSchemaVersion: 3 } });
    assertError(res, 400, 'ValidationError');
    assert.match(res.body.message, /versions 1 to 2 are registered/);
    const ok = await call('PATCH', `/api/topics/${TOPIC}`, { json: { activeSchemaVersion: 2 } });
    assertJson(ok, 200);
    assert.equal(ok.body.activeSchemaVersion, 2);
  });

  test('REST: invalid -> 400 with the errors, valid -> 202 and delivered', async () => {
    const bad = await call('POST', '/api/events', { json: { topic: TOPIC, payload: invalid }, headers: bearer(pubToken) });
    assertError(bad, 400, 'ValidationError');
    assert.deepEqual(bad.body.errors, [{ path: '/sessionId', message: 'must be string' }]);
    assert.equal(bad.body.schemaVersion, 2);
    const good = await call('POST', '/api/events', { json: { topic: TOPIC, payload: valid(1) }, headers: bearer(pubToken) });
    assertJson(good, 202);
    const ev = await sub.nextType('event');
    assert.deepEqual(ev.data.payload, valid(1), 'the first event delivered is the valid one');
    assert.equal(ev.data.id, good.body.id);
  });

  test('/ws: invalid -> error naming the violation, valid -> published and delivered', async () => {
    const pub = await clients.connect(srv, { token: pubToken });
    const r = await pub.request({ type: 'publish', topic: TOPIC, payload: invalid });
    assert.equal(r.type, 'error', JSON.stringify(r));
    assert.equal(r.code, 'INVALID_MESSAGE');
    assert.match(r.message, /schema v2 of topic session\.status: \/sessionId must be string/);
    const id = await pub.publish(TOPIC, valid(2));
    const ev = await sub.nextType('event');
    assert.equal(ev.data.id, id);
    assert.deepEqual(ev.data.payload, valid(2));
  });

  test('channel messages on the topic: invalid -> error, valid -> sent and delivered', async () => {
    const pub = await clients.connect(srv, { token: pubToken });
    const bad = await pub.request({ type: 'channel.publish', channel: TOPIC, event: 'status', data: invalid });
    assert.equal(bad.type, 'error', JSON.stringify(bad));
    assert.match(bad.message, /\/sessionId must be string/);
    const good = await pub.request({ type: 'channel.publish', channel: TOPIC, event: 'status', data: valid(9) });
    assert.equal(good.type, 'sent', JSON.stringify(good));
    const ev = await sub.nextType('event');
    assert.equal(ev.data.id, good.id);
    assert.deepEqual(ev.data.payload, valid(9));
  });

  test('Socket.IO: invalid -> ack with the error, valid -> delivered', async () => {
    const s = sockets.add(await ioConnect(srv, { token: await sioToken(srv) }));
    const bad = await s.emitWithAck('publish', { topic: TOPIC, payload: invalid });
    assert.equal(bad.error?.code, 'INVALID_MESSAGE', JSON.stringify(bad));
    assert.match(bad.error.message, /\/sessionId must be string/);
    const good = await s.emitWithAck('publish', { topic: TOPIC, payload: valid(3) });
    assert.match(good.id, /^evt_/, JSON.stringify(good));
    const ev = await sub.nextType('event');
    assert.equal(ev.data.id, good.id);
    assert.equal(sub.takeEvents(TOPIC).length, 0, 'no invalid event was delivered');
  });

  test('failures are counted per topic at /api/metrics/prometheus', async () => {
    const res = await fetch(`${srv.url}/api/metrics/prometheus`);
    const text = await res.text();
    assert.match(text, /^realtime_schema_validation_failures_total\{topic="session\.status"\} 4$/m);
    const validations = Number(/^realtime_schema_validations_total (\d+)$/m.exec(text)?.[1]);
    assert.ok(validations >= 8, text);
  });

  test('sync events: the document write stands, its refused event is not delivered, and is counted', async () => {
    const topic = 'sync.orders.created';
    assertJson(await call('POST', '/api/topics', { json: { name: topic, description: 'order documents', owner: 'o' } }), 201);
    const schema = { type: 'object', required: ['data'], properties: { data: { type: 'object', required: ['total'], properties: { total: { type: 'number' } } } } };
    assertJson(await call('POST', `/api/schemas/${topic}`, { json: { schema } }), 201);
    assertJson(await call('PATCH', `/api/topics/${topic}`, { json: { activeSchemaVersion: 1 } }), 200);
    const c = await clients.connect(srv, { token: pubToken });
    await c.subscribe(topic);
    assertJson(await call('POST', '/api/sync/orders/documents', { json: { id: 'o1', data: { note: 'no total' } } }), 201);
    assertJson(await call('POST', '/api/sync/orders/documents', { json: { id: 'o2', data: { total: 5 } } }), 201);
    const ev = await c.nextType('event');
    assert.equal(ev.data.payload.documentId, 'o2', 'the first sync event delivered is the valid one');
    assertJson(await call('GET', '/api/sync/orders/documents/o1'), 200);  // stored all the same
    const text = await (await fetch(`${srv.url}/api/metrics/prometheus`)).text();
    assert.match(text, /^realtime_schema_validation_failures_total\{topic="sync\.orders\.created"\} 1$/m);
    const logged = srv.stdout().split('\n').filter((l) => l.includes('schema gate refused a pipeline event')).map((l) => JSON.parse(l));
    assert.equal(logged.length, 1, srv.output());
    assert.match(logged[0].eventId, /^evt_/);
    assert.equal(logged[0].topic, 'sync.orders.created');
    assert.equal(logged[0].source, 'sync');
  });

  test('activeSchemaVersion 0 turns the gate off', async () => {
    assertJson(await call('PATCH', `/api/topics/${TOPIC}`, { json: { activeSchemaVersion: 0 } }), 200);
    const ok = await call('POST', '/api/events', { json: { topic: TOPIC, payload: invalid }, headers: bearer(pubToken) });
    assertJson(ok, 202);
    const ev = await sub.nextType('event');
    assert.equal(ev.data.id, ok.body.id);
  });
});

describe('every instance enforces it', () => {
  let a;
  let b;
  before(async () => {
    const dataDir = tempDir();  // two servers on one platform database (SQLite file)
    a = await startServer({ dataDir });
    b = await startServer({ dataDir });
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
  });

  test('activated on A, an invalid publish on B is refused within the 2 s refresh', async () => {
    const on = (srv, method, path, json) => api(srv.url, method, path, { json });
    assertJson(await on(a, 'POST', '/api/topics', { name: 'orders.placed', description: 'd', owner: 'o' }), 201);
    assertJson(await on(a, 'POST', '/api/schemas/orders.placed', { schema: { type: 'object', required: ['orderId'] } }), 201);
    const token = await getToken(b);
    const publish = (payload) => api(b.url, 'POST', '/api/events', { json: { topic: 'orders.placed', payload }, headers: bearer(token) });
    assertJson(await publish({}), 202);  // not active yet: anything passes
    assertJson(await on(a, 'PATCH', '/api/topics/orders.placed', { activeSchemaVersion: 1 }), 200);
    const deadline = Date.now() + 10_000;
    let res;
    while (Date.now() < deadline) {
      res = await publish({});
      if (res.status !== 202) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assertError(res, 400, 'ValidationError');
    assert.deepEqual(res.body.errors, [{ path: '', message: "must have required property 'orderId'" }]);
    assertJson(await publish({ orderId: 'o1' }), 202);
  });
});
