// Database API end to end (spec/15-api-database.md, docs/database.md): mappings CRUD with
// ParseMapping's field-named 400s, 404s and 409s, versions, promotion development -> staging ->
// production and the environment status grid, validation against the topic's active schema,
// subscriptions (activate / deactivate), the event-log route, and who may call them in production.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { bearer, nowSec, sign } from './lib/jwt.mjs';

const MAPPING = {
  table: 'sessions', topic: 'session.status', events: ['insert', 'update'], triggerColumns: ['status', 'ended_at'],
  payload: { sessionId: '$row.id', status: '$row.status', endedAt: '$row.ended_at' },
  when: { or: [{ changed: 'status' }, { changed: 'ended_at' }] }, environment: 'development',
};
const env = (e) => ({ 'x-environment': e });

describe('development: the Database API', () => {
  let srv;
  const call = (method, p, opts) => api(srv.url, method, p, opts);
  before(async () => { srv = await startServer({ env: { NODE_ENV: 'development' } }); });
  after(() => killAll());

  test('mappings: create, get, list, by topic, update (a new version), delete', async () => {
    const created = await call('POST', '/api/database/mappings', { json: MAPPING });
    assertJson(created, 201);
    const m = created.body;
    assert.match(m.id, /^map_/);
    assert.equal(m.version, 1);
    assert.equal(m.environment, 'development');
    assert.equal(m.active, true);
    assert.equal(m.applicationId, 'default');
    assert.deepEqual(m.events, ['insert', 'update']);
    assert.deepEqual(m.payload, MAPPING.payload);
    assert.deepEqual(m.when, MAPPING.when);
    assert.equal(typeof m.createdAt, 'number');

    assert.deepEqual((await call('GET', `/api/database/mappings/${m.id}`)).body, m);
    const list = await call('GET', '/api/database/mappings');
    assertJson(list, 200);
    assert.ok(list.body.some((x) => x.id === m.id));
    const byTopic = await call('GET', '/api/database/mappings/topic/session.status');
    assertJson(byTopic, 200);
    assert.deepEqual(byTopic.body.map((x) => x.id), [m.id]);
    assert.deepEqual((await call('GET', '/api/database/mappings/topic/nothing.here')).body, []);
    assert.deepEqual((await call('GET', '/api/database/mappings', { headers: env('staging') })).body, []);

    const patched = await call('PATCH', `/api/database/mappings/${m.id}`, { json: { events: ['update'], when: null } });
    assertJson(patched, 200);
    assert.equal(patched.body.version, 2);
    assert.deepEqual(patched.body.events, ['update']);
    assert.equal(patched.body.when, undefined);
    assert.equal(patched.body.createdAt, m.createdAt);
    const versions = await call('GET', `/api/database/mappings/${m.id}/versions`);
    assertJson(versions, 200);
    assert.deepEqual(versions.body.map((v) => v.version), [1, 2]);
    assert.deepEqual(versions.body[0].definition.events, ['insert', 'update']);

    const snap = await call('POST', `/api/database/mappings/${m.id}/versions`, { json: { environment: 'development' } });
    assertJson(snap, 201);
    assert.equal(snap.body.version, 3);
    assert.equal((await call('GET', `/api/database/mappings/${m.id}`)).body.version, 3);

    const del = await call('DELETE', `/api/database/mappings/${m.id}`);
    assert.equal(del.status, 204);
    assertError(await call('GET', `/api/database/mappings/${m.id}`), 404, 'NotFoundError');
    assertError(await call('DELETE', `/api/database/mappings/${m.id}`), 404, 'NotFoundError');
  });

  test('errors: 400 naming the field, 404 unknown ids, 409 a taken id', async () => {
    const noTopic = await call('POST', '/api/database/mappings', { json: { ...MAPPING, topic: undefined } });
    assertError(noTopic, 400, 'ValidationError');
    assert.match(noTopic.body.message, /topic/);
    const badWhen = await call('POST', '/api/database/mappings', { json: { ...MAPPING, when: { or: [{ nope: 1 }] } } });
    assertError(badWhen, 400, 'ValidationError');
    assert.match(badWhen.body.message, /^when/);
    const badEvents = await call('POST', '/api/database/mappings', { json: { ...MAPPING, events: ['upsert'] } });
    assertError(badEvents, 400, 'ValidationError');
    assert.match(badEvents.body.message, /^events/);
    assertError(await call('POST', '/api/database/mappings', { json: { ...MAPPING, environment: 'staging' } }), 400);
    assertError(await call('POST', '/api/database/mappings', { body: '{not json', headers: { 'content-type': 'application/json' } }), 400);
    assertError(await call('POST', '/api/database/mappings', { json: [1] }), 400);

    const fixed = await call('POST', '/api/database/mappings', { json: { ...MAPPING, id: 'map_fixed' } });
    assertJson(fixed, 201);
    assertError(await call('POST', '/api/database/mappings', { json: { ...MAPPING, id: 'map_fixed' } }), 409, 'ConflictError');
    const badPatch = await call('PATCH', '/api/database/mappings/map_fixed', { json: { payload: 'x' } });
    assertError(badPatch, 400, 'ValidationError');
    assert.match(badPatch.body.message, /^payload/);
    assertError(await call('PATCH', '/api/database/mappings/map_fixed', { json: { id: 'map_other' } }), 400);
    for (const [method, p] of [['GET', '/api/database/mappings/map_none'], ['PATCH', '/api/database/mappings/map_none'],
      ['GET', '/api/database/mappings/map_none/versions'], ['POST', '/api/database/mappings/map_none/versions'],
      ['POST', '/api/database/subscriptions/sub_none/activate'], ['POST', '/api/database/subscriptions/sub_none/deactivate']]) {
      assertError(await call(method, p, method === 'GET' ? {} : { json: {} }), 404, 'NotFoundError');
    }
    assertError(await call('POST', '/api/database/mappings/map_fixed/versions', { json: { environment: 'staging' } }), 400);
    assertError(await call('GET', '/api/database/subscriptions/logs?event=webhook.test'), 400, 'ValidationError');
    assertError(await call('GET', '/api/database/subscriptions/logs?limit=0'), 400, 'ValidationError');
  });

  test('promotion development -> staging -> production, reflected by /mappings/status', async () => {
    const m = (await call('POST', '/api/database/mappings', { json: { ...MAPPING, topic: 'orders.paid', table: 'orders' } })).body;
    assertJson(await call('PATCH', `/api/database/mappings/${m.id}`, { json: { events: ['update'] } }), 200);  // v2 in development
    assertError(await call('POST', `/api/database/mappings/${m.id}/promote`, { json: { environment: 'development' } }), 400, 'ValidationError');
    assertError(await call('POST', `/api/database/mappings/${m.id}/promote`, { json: { environment: 'qa' } }), 400);
    assertError(await call('POST', `/api/database/mappings/${m.id}/promote`, { json: {} }), 400);
    // Nothing in staging yet: production cannot be promoted to.
    assertError(await call('POST', `/api/database/mappings/${m.id}/promote`, { json: { environment: 'production' } }), 404);
    assertError(await call('POST', '/api/database/mappings/map_none/promote', { json: { environment: 'staging' } }), 404);

    const staged = await call('POST', `/api/database/mappings/${m.id}/promote`, { json: { environment: 'staging' } });
    assertJson(staged, 200);
    assert.equal(staged.body.environment, 'staging');
    assert.equal(staged.body.version, 2);
    assert.deepEqual(staged.body.events, ['update']);
    assert.equal((await call('GET', `/api/database/mappings/${m.id}`, { headers: env('staging') })).body.version, 2);

    let status = (await call('GET', '/api/database/mappings/status')).body.find((x) => x.id === m.id);
    assert.deepEqual(status, {
      id: m.id, table: 'orders', topic: 'orders.paid',
      environments: { development: { version: 2, active: true }, staging: { version: 2, active: true } },
    });
    assertJson(await call('PATCH', `/api/database/mappings/${m.id}`, { json: { active: false } }), 200);  // v3 in development
    const prod = await call('POST', `/api/database/mappings/${m.id}/promote`, { json: { environment: 'production' } });
    assertJson(prod, 200);
    assert.equal(prod.body.version, 2);
    const status2 = await call('GET', '/api/database/mappings/status', { headers: env('production') });
    assertJson(status2, 200);
    status = status2.body.find((x) => x.id === m.id);
    assert.deepEqual(status.environments, {
      development: { version: 3, active: false }, staging: { version: 2, active: true }, production: { version: 2, active: true },
    });
  });

  test('a topic with an active schema: required fields and literal types are checked (400 with details)', async () => {
    assertJson(await call('POST', '/api/topics', { json: { name: 'shipment.moved', description: 'd', owner: 'o' } }), 201);
    const schema = { type: 'object', required: ['shipmentId', 'state'], properties: { shipmentId: { type: 'string' }, state: { type: 'string' }, n: { type: 'integer' } } };
    assertJson(await call('POST', '/api/schemas/shipment.moved', { json: { schema } }), 201);
    const body = { table: 'shipments', topic: 'shipment.moved', events: ['insert'], payload: { shipmentId: '$row.id', n: 'three' } };
    // No active version yet: accepted.
    const before = await call('POST', '/api/database/mappings', { json: body });
    assertJson(before, 201);
    assertJson(await call('PATCH', '/api/topics/shipment.moved', { json: { activeSchemaVersion: 1 } }), 200);
    const refused = await call('POST', '/api/database/mappings', { json: body });
    assertError(refused, 400, 'ValidationError');
    assert.match(refused.body.message, /schema v1 of topic shipment\.moved/);
    assert.deepEqual(refused.body.details.map((d) => [d.field, d.rule]), [['state', 'required'], ['n', 'type']]);
    const patch = await call('PATCH', `/api/database/mappings/${before.body.id}`, { json: { events: ['update'] } });
    assertError(patch, 400, 'ValidationError');
    assert.equal(patch.body.details.length, 2);
    const ok = await call('POST', '/api/database/mappings', { json: { ...body, payload: { shipmentId: '$row.id', state: '$row.state', n: 3 } } });
    assertJson(ok, 201);
  });

  test('subscriptions: create, 409 for a second, activate / deactivate, logs', async () => {
    const m = (await call('POST', '/api/database/mappings', { json: { ...MAPPING, topic: 'carts.changed' } })).body;
    assertError(await call('POST', '/api/database/subscriptions', { json: {} }), 400, 'ValidationError');
    assertError(await call('POST', '/api/database/subscriptions', { json: { mappingId: m.id, x: 1 } }), 400);
    assertError(await call('POST', '/api/database/subscriptions', { json: { mappingId: 'map_none' } }), 404);
    const sub = await call('POST', '/api/database/subscriptions', { json: { mappingId: m.id } });
    assertJson(sub, 201);
    assert.match(sub.body.id, /^sub_/);
    assert.equal(sub.body.mappingId, m.id);
    assert.equal(sub.body.active, true);
    assertError(await call('POST', '/api/database/subscriptions', { json: { mappingId: m.id } }), 409, 'ConflictError');
    const off = await call('POST', `/api/database/subscriptions/${sub.body.id}/deactivate`);
    assertJson(off, 200);
    assert.equal(off.body.active, false);
    const list = await call('GET', '/api/database/subscriptions');
    assertJson(list, 200);
    assert.equal(list.body.find((s) => s.id === sub.body.id).active, false);
    const on = await call('POST', `/api/database/subscriptions/${sub.body.id}/activate`);
    assertJson(on, 200);
    assert.equal(on.body.active, true);
    assertError(await call('POST', `/api/database/subscriptions/${sub.body.id}/activate`, { headers: env('staging') }), 404);
    const logs = await call('GET', '/api/database/subscriptions/logs?event=database.update');
    assertJson(logs, 200);
    assert.deepEqual(logs.body, []);
    const status = await call('GET', '/api/database/status');
    assertJson(status, 200);
  });
});

describe('production: who may call /api/database', () => {
  const SECRET = 'database-e2e-secret-0123456789abcdef';
  let srv;
  const token = (permissions, aud = 'default') => bearer(sign({ alg: 'HS256', typ: 'JWT', kid: 'default' }, {
    iss: 'realtime', iat: nowSec(), exp: nowSec() + 600, sub: 'tester', aud, permissions,
  }, SECRET));
  before(async () => { srv = await startServer({ env: { NODE_ENV: 'production', JWT_SECRET: SECRET } }); });
  after(() => killAll());

  test('no token 401; service reads but may not write (403); admin writes', async () => {
    const call = (method, p, opts) => api(srv.url, method, p, opts);
    assertError(await call('GET', '/api/database/mappings'), 401);
    assertError(await call('POST', '/api/database/mappings', { json: MAPPING }), 401);
    assertJson(await call('GET', '/api/database/mappings', { headers: token(['service']) }), 200);
    assertError(await call('GET', '/api/database/mappings', { headers: token(['client']) }), 403);
    assertError(await call('POST', '/api/database/mappings', { headers: token(['service']), json: MAPPING }), 403);
    const created = await call('POST', '/api/database/mappings', { headers: { ...token(['admin']), ...env('production') }, json: { ...MAPPING, environment: 'production' } });
    assertJson(created, 201);
    assert.equal(created.body.environment, 'production');
    const sub = await call('POST', '/api/database/subscriptions', { headers: { ...token(['admin']), ...env('production') }, json: { mappingId: created.body.id } });
    assertJson(sub, 201);
    assertError(await call('POST', `/api/database/subscriptions/${sub.body.id}/deactivate`, { headers: { ...token(['service']), ...env('production') } }), 403);
    assertError(await call('POST', `/api/database/mappings/${created.body.id}/promote`, { headers: token(['service']), json: { environment: 'staging' } }), 403);
    assertJson(await call('GET', '/api/database/status', { headers: token(['service']) }), 200);
  });
});
