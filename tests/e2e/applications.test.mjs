// Applications REST API and the X-Application-Id / X-Environment scoping middleware.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => {
  if (srv) await srv.stop();
  killAll();
});

const PG_URL = 'postgresql://u:p@localhost:5432/shop';
const call = (method, path, opts) => api(srv.url, method, path, opts);

async function listIds() {
  const res = await call('GET', '/api/applications');
  assertJson(res, 200);
  return res.body.map((a) => a.id).sort();
}

function assertTimestamp(value, what) {
  assert.equal(typeof value, 'number', `${what} must be a number, got ${JSON.stringify(value)}`);
  assert.ok(Number.isInteger(value), `${what} must be an integer (ms)`);
  // Milliseconds since the epoch: within a day of now (seconds would be ~1000x too small).
  assert.ok(Math.abs(value - Date.now()) < 86_400_000, `${what}=${value} is not epoch milliseconds near now`);
}

describe('default application', () => {
  test('GET /api/applications lists {id:"default", name:"Default"}', async () => {
    const res = await call('GET', '/api/applications');
    assertJson(res, 200);
    assert.ok(Array.isArray(res.body), res.text);
    const def = res.body.find((a) => a.id === 'default');
    assert.ok(def, `no default application in ${res.text}`);
    assert.equal(def.name, 'Default');
  });

  test('GET /api/applications/default -> 200', async () => {
    const res = await call('GET', '/api/applications/default');
    assertJson(res, 200);
    assert.equal(res.body.id, 'default');
    assert.equal(res.body.name, 'Default');
  });
});

describe('create, read, update, delete', () => {
  const input = { name: 'Shop', description: 'd', config: { cdc: { development: PG_URL } } };
  let created;

  test('POST /api/applications -> 201 with the new application', async () => {
    const t0 = Date.now();
    const res = await call('POST', '/api/applications', { json: input });
    assertJson(res, 201);
    created = res.body;
    assert.match(created.id, /^app_[0-9a-f]{16}$/);
    assert.equal(created.name, 'Shop');
    assert.equal(created.description, 'd');
    // The stored password is masked in every answer (docs/security.md); ?reveal=true shows it.
    assert.deepEqual(created.config, { cdc: { development: 'postgresql://u:****@localhost:5432/shop' } });
    const revealed = await call('GET', `/api/applications/${created.id}?reveal=true`);
    assert.deepEqual(revealed.body.config, input.config);
    assertTimestamp(created.createdAt, 'createdAt');
    assertTimestamp(created.updatedAt, 'updatedAt');
    assert.ok(created.createdAt >= t0 - 5_000, 'createdAt is before the request was sent');
    assert.ok(created.updatedAt >= created.createdAt);
  });

  test('GET /api/applications/:id returns it', async () => {
    const res = await call('GET', `/api/applications/${created.id}`);
    assertJson(res, 200);
    assert.deepEqual(res.body, created);
  });

  test('the list contains it', async () => {
    assert.deepEqual(await listIds(), ['default', created.id].sort());
  });

  test('duplicate name -> 409 ConflictError', async () => {
    const res = await call('POST', '/api/applications', { json: { name: 'Shop' } });
    assertError(res, 409, 'ConflictError');
  });

  const invalid = {
    'missing name': { description: 'no name' },
    'empty name': { name: '' },
    'name not a string': { name: 42 },
    'config.cdc.development not a PostgreSQL URL': { name: 'BadUrl', config: { cdc: { development: 'mysql://u:p@h/db' } } },
    'config.cdc with an unknown environment (qa)': { name: 'BadEnv', config: { cdc: { qa: PG_URL } } },
    'config a string': { name: 'BadCfg1', config: 'nope' },
    'config a number': { name: 'BadCfg2', config: 42 },
    'config an array': { name: 'BadCfg3', config: [] },
    'body an array': [{ name: 'Arr' }],
  };
  for (const [what, body] of Object.entries(invalid)) {
    test(`${what} -> 400 ValidationError, nothing created`, async () => {
      const res = await call('POST', '/api/applications', { json: body });
      assertError(res, 400, 'ValidationError');
      assert.deepEqual(await listIds(), ['default', created.id].sort());
    });
  }

  test('PATCH /api/applications/:id renames it -> 200', async () => {
    const res = await call('PATCH', `/api/applications/${created.id}?reveal=true`, { json: { name: 'Shop2' } });
    assertJson(res, 200);
    assert.equal(res.body.id, created.id);
    assert.equal(res.body.name, 'Shop2');
    assert.equal(res.body.description, 'd', 'PATCH must keep fields it was not given');
    assert.deepEqual(res.body.config, input.config, 'PATCH must keep fields it was not given');
    assert.equal(res.body.createdAt, created.createdAt);
    assertTimestamp(res.body.updatedAt, 'updatedAt');
    assert.ok(res.body.updatedAt >= res.body.createdAt);
    const again = await call('GET', `/api/applications/${created.id}`);
    assert.equal(again.body.name, 'Shop2');
  });

  test('PATCH with an invalid config -> 400 ValidationError, unchanged', async () => {
    const res = await call('PATCH', `/api/applications/${created.id}`, {
      json: { config: { cdc: { staging: 'not a url' } } },
    });
    assertError(res, 400, 'ValidationError');
    const again = await call('GET', `/api/applications/${created.id}?reveal=true`);
    assert.deepEqual(again.body.config, input.config);
  });

  test('PATCH unknown id -> 404 NotFoundError', async () => {
    const res = await call('PATCH', '/api/applications/app_0000000000000000', { json: { name: 'X' } });
    assertError(res, 404, 'NotFoundError');
  });

  test('GET unknown id -> 404 NotFoundError', async () => {
    const res = await call('GET', '/api/applications/app_0000000000000000');
    assertError(res, 404, 'NotFoundError');
  });

  test('DELETE /api/applications/:id -> 204, then GET -> 404', async () => {
    const res = await call('DELETE', `/api/applications/${created.id}`);
    assert.equal(res.status, 204, `got ${res.status} ${res.text}`);
    assert.equal(res.text, '', '204 must have no body');
    const gone = await call('GET', `/api/applications/${created.id}`);
    assertError(gone, 404, 'NotFoundError');
    assert.deepEqual(await listIds(), ['default']);
  });

  test('DELETE /api/applications/default -> 400, default still there', async () => {
    const res = await call('DELETE', '/api/applications/default');
    assertError(res, 400);
    const still = await call('GET', '/api/applications/default');
    assert.equal(still.status, 200);
  });
});

describe('application and environment scoping', () => {
  let app;
  before(async () => {
    const res = await call('POST', '/api/applications', { json: { name: 'Scoped' } });
    assertJson(res, 201);
    app = res.body;
  });

  test('no headers -> default application, development', async () => {
    const res = await call('GET', '/api/applications/current');
    assertJson(res, 200);
    assert.equal(res.body.application?.id, 'default', res.text);
    assert.equal(res.body.application?.name, 'Default', res.text);
    assert.equal(res.body.environment, 'development');
  });

  test('X-Application-Id + X-Environment: staging -> that application, staging', async () => {
    const res = await call('GET', '/api/applications/current', {
      headers: { 'x-application-id': app.id, 'x-environment': 'staging' },
    });
    assertJson(res, 200);
    assert.equal(res.body.application?.id, app.id, res.text);
    assert.equal(res.body.application?.name, 'Scoped', res.text);
    assert.equal(res.body.environment, 'staging');
  });

  test('X-Environment: production', async () => {
    const res = await call('GET', '/api/applications/current', { headers: { 'x-environment': 'production' } });
    assertJson(res, 200);
    assert.equal(res.body.environment, 'production');
  });

  test('unknown X-Application-Id -> 404 NotFoundError', async () => {
    const res = await call('GET', '/api/applications/current', { headers: { 'x-application-id': 'app_doesnotexist' } });
    assertError(res, 404, 'NotFoundError');
  });

  test('invalid X-Environment -> 400 ValidationError', async () => {
    const res = await call('GET', '/api/applications/current', { headers: { 'x-environment': 'qa' } });
    assertError(res, 400, 'ValidationError');
  });
});
