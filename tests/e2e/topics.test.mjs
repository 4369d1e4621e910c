// Topics REST API (spec/22-api-topics.md): CRUD, validation, 409 duplicate, 404 unknown, the
// exact JSON shape, isolation of the same name across applications and environments, and auth.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { bearer, cliToken } from './lib/jwt.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => {
  if (srv) await srv.stop();
  killAll();
});

const call = (method, path, opts) => api(srv.url, method, path, opts);
const scoped = (app, env) => ({ ...(app ? { 'x-application-id': app } : {}), ...(env ? { 'x-environment': env } : {}) });
const KEYS = ['activeSchemaVersion', 'applicationId', 'createdAt', 'description', 'environment', 'name', 'owner', 'updatedAt'];
const input = { name: 'session.status', description: 'Session status changes', owner: 'platform-team' };

async function names(headers = {}) {
  const res = await call('GET', '/api/topics', { headers });
  assertJson(res, 200);
  assert.ok(Array.isArray(res.body), res.text);
  return res.body.map((t) => t.name);
}

async function createApp(name) {
  const res = await call('POST', '/api/applications', { json: { name } });
  assertJson(res, 201);
  return res.body.id;
}

describe('create, read, update, delete', () => {
  let created;

  test('GET /api/topics on a fresh server -> []', async () => {
    assert.deepEqual(await names(), []);
  });

  test('POST /api/topics -> 201 with exactly the spec\'s fields', async () => {
    const t0 = Date.now();
    const res = await call('POST', '/api/topics', { json: input });
    assertJson(res, 201);
    created = res.body;
    assert.deepEqual(Object.keys(created).sort(), KEYS, res.text);
    assert.deepEqual({ ...created, createdAt: 0, updatedAt: 0 }, {
      ...input, activeSchemaVersion: 0, applicationId: 'default', environment: 'development', createdAt: 0, updatedAt: 0,
    });
    assert.ok(Number.isInteger(created.createdAt) && Math.abs(created.createdAt - t0) < 60_000, 'createdAt is ms');
    assert.equal(created.updatedAt, created.createdAt);
  });

  test('GET /api/topics/:name returns it; the list contains it', async () => {
    const res = await call('GET', '/api/topics/session.status');
    assertJson(res, 200);
    assert.deepEqual(res.body, created);
    const list = await call('GET', '/api/topics');
    assert.deepEqual(list.body, [created]);
  });

  test('duplicate name -> 409 ConflictError, unchanged', async () => {
    const res = await call('POST', '/api/topics', { json: { ...input, description: 'other' } });
    assertError(res, 409, 'ConflictError');
    assert.equal((await call('GET', '/api/topics/session.status')).body.description, input.description);
  });

  const invalid = {
    'missing name': { description: 'd', owner: 'o' },
    'uppercase name': { name: 'Session.Status', description: 'd', owner: 'o' },
    'empty segment': { name: 'session..status', description: 'd', owner: 'o' },
    'channel-style name': { name: 'chat:room1', description: 'd', owner: 'o' },
    'name not a string': { name: 42, description: 'd', owner: 'o' },
    'missing description': { name: 'a.b', owner: 'o' },
    'empty description': { name: 'a.b', description: '', owner: 'o' },
    'missing owner': { name: 'a.b', description: 'd' },
    'owner not a string': { name: 'a.b', description: 'd', owner: ['team'] },
    'negative activeSchemaVersion': { name: 'a.b', description: 'd', owner: 'o', activeSchemaVersion: -1 },
    'fractional activeSchemaVersion': { name: 'a.b', description: 'd', owner: 'o', activeSchemaVersion: 1.5 },
    'activeSchemaVersion before any schema exists': { name: 'a.b', description: 'd', owner: 'o', activeSchemaVersion: 2 },
    'body an array': [{ name: 'a.b', description: 'd', owner: 'o' }],
  };
  for (const [what, body] of Object.entries(invalid)) {
    test(`POST with ${what} -> 400 ValidationError, nothing created`, async () => {
      assertError(await call('POST', '/api/topics', { json: body }), 400, 'ValidationError');
      assert.deepEqual(await names(), ['session.status']);
    });
  }

  test('POST with a non-JSON body -> 400; with another content type -> 415', async () => {
    assertError(await call('POST', '/api/topics', { body: '{"name":', headers: { 'content-type': 'application/json' } }),
      400, 'ValidationError');
    assertError(await call('POST', '/api/topics', { body: JSON.stringify(input), headers: { 'content-type': 'text/plain' } }),
      415);
  });

  test('PATCH activeSchemaVersion naming no registered schema version -> 400, unchanged', async () => {
    const res = await call('PATCH', '/api/topics/session.status', { json: { activeSchemaVersion: 1 } });
    assertError(res, 400, 'ValidationError');
    assert.match(res.body.message, /no schema is registered/);
    assert.deepEqual((await call('GET', '/api/topics/session.status')).body, created);
  });

  test('PATCH changes description, owner, activeSchemaVersion and keeps the rest', async () => {
    for (let v = 1; v <= 3; v++) {
      const reg = await call('POST', '/api/schemas/session.status', { json: { schema: { type: 'object' }, compatibilityMode: 'none' } });
      assertJson(reg, 201);
      assert.equal(reg.body.version, v);
    }
    assertError(await call('PATCH', '/api/topics/session.status', { json: { activeSchemaVersion: 4 } }), 400, 'ValidationError');
    const patch = { description: 'Updated description', owner: 'new-team', activeSchemaVersion: 3 };
    const res = await call('PATCH', '/api/topics/session.status', { json: patch });
    assertJson(res, 200);
    assert.deepEqual({ ...res.body, updatedAt: 0 }, { ...created, ...patch, updatedAt: 0 });
    assert.ok(res.body.updatedAt > created.updatedAt, 'updatedAt moves forward');
    const again = await call('GET', '/api/topics/session.status');
    assert.deepEqual(again.body, res.body);
    created = res.body;
    const partial = await call('PATCH', '/api/topics/session.status', { json: { owner: 'ops' } });
    assertJson(partial, 200);
    assert.equal(partial.body.description, 'Updated description');
    assert.equal(partial.body.activeSchemaVersion, 3);
    created = partial.body;
  });

  for (const [what, body] of Object.entries({
    'a rename': { name: 'session.renamed' },
    'an empty owner': { owner: '' },
    'a null description': { description: null },
    'a string activeSchemaVersion': { activeSchemaVersion: '4' },
  })) {
    test(`PATCH with ${what} -> 400 ValidationError, unchanged`, async () => {
      assertError(await call('PATCH', '/api/topics/session.status', { json: body }), 400, 'ValidationError');
      assert.deepEqual((await call('GET', '/api/topics/session.status')).body, created);
    });
  }

  test('unknown topic -> 404 {"error":"NotFoundError","message":"Topic not found: <name>"}', async () => {
    for (const [method, json] of [['GET'], ['PATCH', { owner: 'x' }], ['DELETE']]) {
      const res = await call(method, '/api/topics/no.such.topic', { json });
      assertError(res, 404, 'NotFoundError');
      assert.deepEqual(res.body, { error: 'NotFoundError', message: 'Topic not found: no.such.topic' }, method);
    }
  });

  test('DELETE -> 200 {"deleted":true,"name"}, then GET -> 404 with the spec\'s wording', async () => {
    const res = await call('DELETE', '/api/topics/session.status');
    assertJson(res, 200);
    assert.deepEqual(res.body, { deleted: true, name: 'session.status' });
    const gone = await call('GET', '/api/topics/session.status');
    assert.deepEqual(gone.body, { error: 'NotFoundError', message: 'Topic not found: session.status' });
    assert.equal(gone.status, 404);
    assertError(await call('DELETE', '/api/topics/session.status'), 404, 'NotFoundError');
    assert.deepEqual(await names(), []);
  });
});

describe('scoping: the same name in two applications or environments is two topics', () => {
  let app2;
  const topic = (description) => ({ name: 'order.updated', description, owner: 'shop' });
  const get = async (headers) => {
    const res = await call('GET', '/api/topics/order.updated', { headers });
    return res.status === 200 ? res.body : res.status;
  };

  before(async () => { app2 = await createApp('Topics Second App'); });

  test('create the same name in default/development, default/staging and app2/development', async () => {
    assertJson(await call('POST', '/api/topics', { json: topic('default dev') }), 201);
    const staging = await call('POST', '/api/topics', { json: topic('default staging'), headers: scoped(null, 'staging') });
    assertJson(staging, 201);
    assert.equal(staging.body.environment, 'staging');
    assert.equal(staging.body.applicationId, 'default');
    const other = await call('POST', '/api/topics', { json: topic('app2 dev'), headers: scoped(app2) });
    assertJson(other, 201);
    assert.equal(other.body.applicationId, app2);
    assert.equal(other.body.environment, 'development');
  });

  test('each scope reads its own topic', async () => {
    assert.equal((await get({})).description, 'default dev');
    assert.equal((await get(scoped('default', 'development'))).description, 'default dev');
    assert.equal((await get(scoped(null, 'staging'))).description, 'default staging');
    assert.equal((await get(scoped(app2))).description, 'app2 dev');
    assert.equal(await get(scoped(app2, 'staging')), 404);
    assert.equal(await get(scoped(null, 'production')), 404);
    assert.deepEqual(await names(scoped(app2, 'production')), []);
  });

  test('a change in one scope leaves the others alone', async () => {
    assertJson(await call('PATCH', '/api/topics/order.updated', { json: { owner: 'staging-team' }, headers: scoped(null, 'staging') }), 200);
    assert.equal((await get({})).owner, 'shop');
    assertJson(await call('DELETE', '/api/topics/order.updated', { headers: scoped(app2) }), 200);
    assert.equal(await get(scoped(app2)), 404);
    assert.equal((await get({})).description, 'default dev');
    assert.equal((await get(scoped(null, 'staging'))).owner, 'staging-team');
  });

  test('a duplicate is refused only within its scope', async () => {
    assertError(await call('POST', '/api/topics', { json: topic('again'), headers: scoped(null, 'staging') }), 409, 'ConflictError');
    assertJson(await call('POST', '/api/topics', { json: topic('app2 again'), headers: scoped(app2) }), 201);
  });

  test('unknown X-Application-Id -> 404; invalid X-Environment -> 400', async () => {
    assertError(await call('GET', '/api/topics', { headers: scoped('app_doesnotexist') }), 404, 'NotFoundError');
    assertError(await call('POST', '/api/topics', { json: topic('x'), headers: scoped(null, 'qa') }), 400, 'ValidationError');
  });

  test('once its application is deleted, its topics are unreachable; other scopes keep theirs', async () => {
    const app3 = await createApp('Topics Short-lived App');
    assertJson(await call('POST', '/api/topics', { json: topic('app3'), headers: scoped(app3) }), 201);
    assert.equal((await call('DELETE', `/api/applications/${app3}`)).status, 204);
    assertError(await call('GET', '/api/topics', { headers: scoped(app3) }), 404, 'NotFoundError');
    assert.equal((await get({})).description, 'default dev');
  });
});

describe('auth', () => {
  test('development: a token without admin may read but not write (403)', async () => {
    const sub = await cliToken(srv, ['--app', 'default', '--permissions', 'subscribe']);
    assertJson(await call('GET', '/api/topics', { headers: bearer(sub) }), 200);
    assertError(await call('POST', '/api/topics', { json: input, headers: bearer(sub) }), 403, 'ForbiddenError');
    assertError(await call('GET', '/api/topics', { headers: bearer('not.a.jwt') }), 401, 'UnauthorizedError');
  });

  test('production: anonymous -> 401; any token reads; admin writes', async () => {
    const prod = await startServer({ env: { NODE_ENV: 'production' } });
    try {
      const env = { NODE_ENV: 'production' };
      const admin = await cliToken(prod, ['--app', 'default', '--permissions', 'admin'], env);
      const client = await cliToken(prod, ['--app', 'default', '--permissions', 'client'], env);
      const p = (method, path, opts) => api(prod.url, method, path, opts);
      assertError(await p('GET', '/api/topics'), 401, 'UnauthorizedError');
      assertError(await p('POST', '/api/topics', { json: input }), 401, 'UnauthorizedError');
      assertError(await p('POST', '/api/topics', { json: input, headers: bearer(client) }), 403, 'ForbiddenError');
      assertJson(await p('POST', '/api/topics', { json: input, headers: bearer(admin) }), 201);
      const list = await p('GET', '/api/topics', { headers: bearer(client) });
      assertJson(list, 200);
      assert.deepEqual(list.body.map((t) => t.name), ['session.status']);
      assertJson(await p('GET', '/api/topics/session.status', { headers: bearer(client) }), 200);
      assertError(await p('DELETE', '/api/topics/session.status', { headers: bearer(client) }), 403, 'ForbiddenError');
    } finally {
      await prod.stop();
    }
  });
});
