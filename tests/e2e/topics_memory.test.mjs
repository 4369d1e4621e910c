// GET /api/topics[/:name] served from the topic catalog's memory on the I/O thread (issue 20 item
// 2, registry/topic_catalog.h). A bearer JWT takes that path; an anonymous development caller
// still reads the database on the blocking pool — so comparing the two compares memory with the
// database. Checked here: the bodies are byte-identical; a write acknowledged by this instance is
// read back at once, every time (topic service and deployments: execute, rollback); scoping is
// unchanged (another application's token, an environment-limited token, a deleted application).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { bearer, cliToken } from './lib/jwt.mjs';

let srv;
let admin;  // admin JWT of the default application: the in-memory path
before(async () => {
  srv = await startServer();
  admin = bearer(await cliToken(srv, ['--app', 'default', '--permissions', 'admin']));
});
after(async () => {
  if (srv) await srv.stop();
  killAll();
});

const call = (method, path, opts) => api(srv.url, method, path, opts);
const env = (e) => ({ 'x-environment': e });

// The same GET from memory (JWT) and from the database (anonymous development caller).
async function sameFromBoth(path, headers = {}) {
  const memory = await call('GET', path, { headers: { ...admin, ...headers } });
  const database = await call('GET', path, { headers });
  assert.equal(memory.status, database.status, `${path}: ${memory.text} vs ${database.text}`);
  assert.equal(memory.text, database.text, path);
  assert.equal(memory.headers.get('content-type'), database.headers.get('content-type'));
  return memory;
}

describe('bodies: memory and database answer the same bytes', () => {
  test('single topics, lists, unknown names, other environments', async () => {
    for (const [name, e] of [['ba', 'development'], ['b.a', 'development'], ['b', 'development'], ['a.10', 'development'], ['b', 'staging']]) {
      assertJson(await call('POST', '/api/topics', {
        headers: { ...admin, ...env(e) }, json: { name, description: `d "${name}" é\n`, owner: 'team/Ω' },
      }), 201);
    }
    assertJson(await call('PATCH', '/api/topics/b', { headers: admin, json: { description: 'patched' } }), 200);
    for (const name of ['ba', 'b.a', 'b', 'a.10']) assertJson(await sameFromBoth(`/api/topics/${name}`), 200);
    const list = await sameFromBoth('/api/topics');
    assert.deepEqual(list.body.map((t) => t.name), ['a.10', 'b', 'b.a', 'ba']);
    assert.deepEqual((await sameFromBoth('/api/topics', env('staging'))).body.map((t) => t.name), ['b']);
    assert.equal((await sameFromBoth('/api/topics', env('production'))).text, '[]');
    assertError(await sameFromBoth('/api/topics/nope'), 404, 'NotFoundError');
    assertError(await sameFromBoth('/api/topics/b.a', env('production')), 404, 'NotFoundError');
    assertError(await sameFromBoth('/api/topics/b', env('nowhere')), 400, 'ValidationError');
  });
});

describe('the token path reads memory', () => {
  // A row changed behind the server's back (as another instance would) shows that the JWT read is
  // served from the catalog: it keeps the old bytes while the database path has the new ones,
  // until the 2 s poll reloads. (Were the poll to land in between, the round is retried.)
  test('a change made by another process: memory lags, the database path does not, the poll catches up', async () => {
    assertJson(await call('POST', '/api/topics', { headers: admin, json: { name: 'behind.back', description: 'v0', owner: 'o' } }), 201);
    const db = path.join(srv.dataDir, 'realtime.db');
    let lagged = false;
    for (let round = 1; round <= 3 && !lagged; ++round) {
      execFileSync('sqlite3', [db, `UPDATE topics SET description = 'v${round}', updated_at = updated_at + 1 WHERE name = 'behind.back'`]);
      const memory = (await call('GET', '/api/topics/behind.back', { headers: admin })).body.description;
      const database = (await call('GET', '/api/topics/behind.back')).body.description;
      assert.equal(database, `v${round}`);
      lagged = memory === `v${round - 1}`;
    }
    assert.ok(lagged, 'the JWT read never lagged: it is not served from memory');
    const until = Date.now() + 10_000;
    let seen;
    while (Date.now() < until && (seen = (await call('GET', '/api/topics/behind.back', { headers: admin })).body.description) !== (await call('GET', '/api/topics/behind.back')).body.description) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(seen, (await call('GET', '/api/topics/behind.back')).body.description, 'the poll did not reload the catalog');
  });
});

describe('read your writes on this instance', () => {
  test('create, patch, delete, each read back at once (50 rounds)', async () => {
    for (let i = 0; i < 50; ++i) {
      const name = `rw.round${i}`;
      const created = await call('POST', '/api/topics', { headers: admin, json: { name, description: 'v1', owner: 'o' } });
      assertJson(created, 201);
      const got = await call('GET', `/api/topics/${name}`, { headers: admin });
      assertJson(got, 200);
      assert.equal(got.text, created.text, `round ${i}: GET after POST`);
      assert.ok((await call('GET', '/api/topics', { headers: admin })).body.some((t) => t.name === name), `round ${i}: list`);

      const patched = await call('PATCH', `/api/topics/${name}`, { headers: admin, json: { description: `v2.${i}` } });
      assertJson(patched, 200);
      assert.equal((await call('GET', `/api/topics/${name}`, { headers: admin })).text, patched.text, `round ${i}: GET after PATCH`);

      assertJson(await call('DELETE', `/api/topics/${name}`, { headers: admin }), 200);
      assertError(await call('GET', `/api/topics/${name}`, { headers: admin }), 404, 'NotFoundError');
      assert.ok(!(await call('GET', '/api/topics', { headers: admin })).body.some((t) => t.name === name), `round ${i}: list after DELETE`);
    }
  });

  test('a deployment execute and its rollback are read back at once in the target environment', async () => {
    const stg = { ...admin, ...env('staging') };
    assertJson(await call('POST', '/api/topics', { headers: admin, json: { name: 'dep.topic', description: 'first', owner: 'o' } }), 201);
    assertError(await call('GET', '/api/topics/dep.topic', { headers: stg }), 404, 'NotFoundError');
    const deploy = async () => {
      const d = await call('POST', '/api/deployments', {
        headers: admin, json: { name: 'd', sourceEnvironment: 'development', targetEnvironment: 'staging', items: [{ type: 'topic', id: 'dep.topic' }] },
      });
      assertJson(d, 201);
      assertJson(await call('POST', `/api/deployments/${d.body.id}/report`, { headers: admin }), 200);
      assertJson(await call('POST', `/api/deployments/${d.body.id}/execute`, { headers: admin }), 200);
      return d.body.id;
    };
    await deploy();
    let got = await call('GET', '/api/topics/dep.topic', { headers: stg });
    assertJson(got, 200);
    assert.equal(got.body.description, 'first');
    assert.equal(got.body.environment, 'staging');

    assertJson(await call('PATCH', '/api/topics/dep.topic', { headers: admin, json: { description: 'second' } }), 200);
    const id = await deploy();
    got = await call('GET', '/api/topics/dep.topic', { headers: stg });
    assert.equal(got.body.description, 'second', got.text);

    assertJson(await call('POST', `/api/deployments/${id}/rollback`, { headers: admin }), 200);
    got = await call('GET', '/api/topics/dep.topic', { headers: stg });
    assert.equal(got.body.description, 'first', got.text);
  });
});

describe('scoping is unchanged', () => {
  let other;  // another application's id
  before(async () => {
    const res = await call('POST', '/api/applications', { headers: admin, json: { name: 'other' } });
    assertJson(res, 201);
    other = res.body.id;
    assertJson(await call('POST', '/api/topics', { headers: { ...admin, 'x-application-id': other }, json: { name: 'other.only', description: 'd', owner: 'o' } }), 201);
    assertJson(await call('POST', '/api/topics', { headers: admin, json: { name: 'default.only', description: 'd', owner: 'o' } }), 201);
  });

  test("another application's token sees its own topics only, and is refused the default application's", async () => {
    const tok = bearer(await cliToken(srv, ['--app', other, '--permissions', 'client']));
    assertJson(await call('GET', '/api/topics/other.only', { headers: tok }), 200);
    assertError(await call('GET', '/api/topics/default.only', { headers: tok }), 404, 'NotFoundError');
    assert.deepEqual((await call('GET', '/api/topics', { headers: tok })).body.map((t) => t.name), ['other.only']);
    assertError(await call('GET', '/api/topics/default.only', { headers: { ...tok, 'x-application-id': 'default' } }), 403, 'ForbiddenError');
    assertError(await call('GET', '/api/topics', { headers: { ...tok, 'x-application-id': 'default' } }), 403, 'ForbiddenError');
    // The default application's admin token may name the other application (an admin's any-scope rule).
    assertJson(await call('GET', '/api/topics/other.only', { headers: { ...admin, 'x-application-id': other } }), 200);
  });

  test('an environment-limited token reads its environment only', async () => {
    const tok = bearer(await cliToken(srv, ['--app', 'default', '--permissions', 'client', '--env', 'staging']));
    const list = (await call('GET', '/api/topics', { headers: tok })).body;
    assert.ok(list.length > 0 && list.every((t) => t.environment === 'staging'), JSON.stringify(list));
    assertError(await call('GET', '/api/topics/default.only', { headers: { ...tok, ...env('development') } }), 403, 'ForbiddenError');
    assertError(await call('GET', '/api/topics', { headers: { ...tok, ...env('development') } }), 403, 'ForbiddenError');
  });

  test('a token without a valid signature or permission is refused as before', async () => {
    assertError(await call('GET', '/api/topics/default.only', { headers: bearer('not.a.jwt') }), 401, 'UnauthorizedError');
    const tok = bearer(await cliToken(srv, ['--app', 'default', '--permissions', 'subscribe']));
    assertJson(await call('GET', '/api/topics/default.only', { headers: tok }), 200);
  });

  test('after its application is deleted, its token reads nothing', async () => {
    const res = await call('POST', '/api/applications', { headers: admin, json: { name: 'doomed' } });
    const id = res.body.id;
    assertJson(await call('POST', '/api/topics', { headers: { ...admin, 'x-application-id': id }, json: { name: 'doomed.t', description: 'd', owner: 'o' } }), 201);
    const tok = bearer(await cliToken(srv, ['--app', id, '--permissions', 'client']));
    assertJson(await call('GET', '/api/topics/doomed.t', { headers: tok }), 200);
    assert.equal((await call('DELETE', `/api/applications/${id}`, { headers: admin })).status, 204);
    assertError(await call('GET', '/api/topics/doomed.t', { headers: tok }), 404, 'NotFoundError');
    assertError(await call('GET', '/api/topics', { headers: tok }), 404, 'NotFoundError');
  });
});
