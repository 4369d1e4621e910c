// Sync documents and services over REST against the embedded server (spec/21-api-sync.md,
// spec/19-api-services.md): shapes, revisions, optimistic concurrency (body and If-Match),
// merge/mutate semantics, soft delete, expiry, listing, limits, tenancy and permissions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { bearer, cliToken } from './lib/jwt.mjs';

let srv;
before(async () => {
  srv = await startServer({ env: { REALTIME_SYNC_MAX_DOC_BYTES: '2048', REALTIME_SYNC_MAX_DEPTH: '6' } });
});
after(async () => {
  if (srv) await srv.stop();
  killAll();
});

const call = (method, path, opts) => api(srv.url, method, path, opts);
const docs = (service = 'session') => `/api/sync/${service}/documents`;
const DOC_KEYS = ['createdAt', 'data', 'id', 'revision', 'service', 'updatedAt'];

async function create(data, extra = {}, service = 'session', headers = {}) {
  const res = await call('POST', docs(service), { json: { data, ...extra }, headers });
  assertJson(res, 201);
  return res.body;
}

describe('documents', () => {
  test('create -> 201 with the spec\'s shape, ETag and Location; get returns it', async () => {
    const t0 = Date.now();
    const res = await call('POST', docs(), { json: { data: { status: 'active', participantCount: 0 } } });
    assertJson(res, 201);
    const doc = res.body;
    assert.deepEqual(Object.keys(doc).sort(), DOC_KEYS, res.text);
    assert.match(doc.id, /^doc_[0-9a-f]{16}$/);
    assert.equal(doc.service, 'session');
    assert.equal(doc.revision, 1);
    assert.deepEqual(doc.data, { status: 'active', participantCount: 0 });
    assert.ok(Math.abs(doc.createdAt - t0) < 60_000 && doc.updatedAt === doc.createdAt);
    assert.equal(res.headers.get('etag'), '"1"');
    assert.equal(res.headers.get('location'), `${docs()}/${doc.id}`);
    const got = await call('GET', `${docs()}/${doc.id}`);
    assertJson(got, 200);
    assert.deepEqual(got.body, doc);
  });

  test('custom id; a second create of the same id -> 409 with currentRevision', async () => {
    const doc = await create({ a: 1 }, { id: 'my-custom-id' });
    assert.equal(doc.id, 'my-custom-id');
    const dup = await call('POST', docs(), { json: { id: 'my-custom-id', data: {} } });
    assertError(dup, 409, 'ConflictError');
    assert.equal(dup.body.currentRevision, 1);
  });

  test('replace, merge and mutate each add one revision; the data is as the spec says', async () => {
    const { id } = await create({ status: 'active', participantCount: 0, meta: { a: 1, b: 2 } });
    const put = await call('PUT', `${docs()}/${id}`, { json: { data: { status: 'active', participantCount: 5, meta: { a: 1, b: 2 } }, expectedRevision: 1 } });
    assertJson(put, 200);
    assert.equal(put.body.revision, 2);
    const merge = await call('PATCH', `${docs()}/${id}/merge`, { json: { data: { notes: 'Session completed', meta: { a: null, c: 3 } }, expectedRevision: 2 } });
    assertJson(merge, 200);
    assert.equal(merge.body.revision, 3);
    assert.deepEqual(merge.body.data, { status: 'active', participantCount: 5, meta: { b: 2, c: 3 }, notes: 'Session completed' });
    const mutate = await call('POST', `${docs()}/${id}/mutate`, {
      json: {
        mutations: [
          { op: 'set', path: '/status', value: 'ended' },
          { op: 'increment', path: '/participantCount', value: -1 },
          { op: 'append', path: '/log', value: 'ended' },
          { op: 'merge', path: '/meta', value: { b: null } },
          { op: 'remove', path: '/notes' },
        ],
        expectedRevision: 3,
      },
    });
    assertJson(mutate, 200);
    assert.equal(mutate.body.revision, 4);
    assert.deepEqual(mutate.body.data, { status: 'ended', participantCount: 4, meta: { c: 3 }, log: ['ended'] });
    const objectForm = await call('POST', `${docs()}/${id}/mutate`, { json: { mutations: { status: 'archived', participantCount: 0 }, expectedRevision: 4 } });
    assertJson(objectForm, 200);
    assert.equal(objectForm.body.revision, 5);
    assert.deepEqual(objectForm.body.data, { status: 'archived', participantCount: 0, meta: { c: 3 }, log: ['ended'] });
    assert.equal(objectForm.headers.get('etag'), '"5"');
  });

  test('a stale expectedRevision or If-Match -> 409 with the current revision; nothing changes', async () => {
    const { id } = await create({ n: 1 });
    assertJson(await call('PATCH', `${docs()}/${id}/merge`, { json: { data: { n: 2 } } }), 200);
    for (const [method, suffix, json] of [
      ['PUT', '', { data: { n: 9 }, expectedRevision: 1 }],
      ['PATCH', '/merge', { data: { n: 9 }, expectedRevision: 1 }],
      ['POST', '/mutate', { mutations: { n: 9 }, expectedRevision: 1 }],
      ['DELETE', '', { expectedRevision: 1 }],
    ]) {
      const res = await call(method, `${docs()}/${id}${suffix}`, { json });
      assertError(res, 409, 'ConflictError');
      assert.equal(res.body.currentRevision, 2, res.text);
      assert.equal(res.body.expectedRevision, 1, res.text);
    }
    const viaHeader = await call('PATCH', `${docs()}/${id}/merge`, { json: { data: { n: 9 } }, headers: { 'if-match': '"1"' } });
    assertError(viaHeader, 409, 'ConflictError');
    assert.equal(viaHeader.body.currentRevision, 2);
    const ok = await call('PATCH', `${docs()}/${id}/merge`, { json: { data: { n: 3 } }, headers: { 'if-match': '"2"' } });
    assertJson(ok, 200);
    assert.equal(ok.body.revision, 3);
    assertError(await call('PATCH', `${docs()}/${id}/merge`, { json: { data: {}, expectedRevision: 3 }, headers: { 'if-match': '2' } }), 400, 'ValidationError');
    assertError(await call('PATCH', `${docs()}/${id}/merge`, { json: { data: {} }, headers: { 'if-match': 'soon' } }), 400, 'ValidationError');
    assert.deepEqual((await call('GET', `${docs()}/${id}`)).body.data, { n: 3 });
  });

  test('bad mutations -> 400 and nothing changes', async () => {
    const { id } = await create({ status: 'active', n: 1, tags: [] });
    for (const mutations of [
      [{ op: 'increment', path: '/status', value: 1 }],
      [{ op: 'set', path: '/n', value: 2 }, { op: 'append', path: '/status', value: 1 }],
      [{ op: 'remove', path: '/missing' }],
      [{ op: 'set', path: 'status', value: 1 }],
      [{ op: 'set', path: '/tags/3', value: 1 }],
      [{ op: 'explode', path: '/n' }],
      [{ op: 'increment', path: '/n', value: 'one' }],
      [],
      'nope',
    ]) {
      const res = await call('POST', `${docs()}/${id}/mutate`, { json: { mutations } });
      assertError(res, 400, 'ValidationError');
    }
    const doc = (await call('GET', `${docs()}/${id}`)).body;
    assert.equal(doc.revision, 1);
    assert.deepEqual(doc.data, { status: 'active', n: 1, tags: [] });
  });

  test('soft delete -> 200 with deleted:true; then 404 everywhere; create again continues the revision', async () => {
    const { id } = await create({ a: 1 });
    const del = await call('DELETE', `${docs()}/${id}`);
    assertJson(del, 200);
    assert.equal(del.body.deleted, true);
    assert.equal(del.body.revision, 2);
    assertError(await call('GET', `${docs()}/${id}`), 404, 'NotFoundError');
    assertError(await call('PATCH', `${docs()}/${id}/merge`, { json: { data: {} } }), 404, 'NotFoundError');
    assertError(await call('DELETE', `${docs()}/${id}`), 404, 'NotFoundError');
    const again = await create({ b: 2 }, { id });
    assert.equal(again.revision, 3);
    assert.deepEqual(again.data, { b: 2 });
  });

  test('expiresAt: readable until then, 404 after, and gone from the list', async () => {
    const expiresAt = Date.now() + 1500;
    const doc = await create({ t: 1 }, { expiresAt }, 'ttl');
    assert.equal(doc.expiresAt, expiresAt);
    assertJson(await call('GET', `${docs('ttl')}/${doc.id}`), 200);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 200));
    assertError(await call('GET', `${docs('ttl')}/${doc.id}`), 404, 'NotFoundError');
    assertError(await call('POST', `${docs('ttl')}/${doc.id}/mutate`, { json: { mutations: { t: 2 } } }), 404, 'NotFoundError');
    assert.deepEqual((await call('GET', docs('ttl'))).body.documents, []);
    assertError(await call('POST', docs('ttl'), { json: { data: {}, expiresAt: Date.now() - 1 } }), 400, 'ValidationError');
  });

  test('listing pages through every live document by id', async () => {
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push((await create({ i }, { id: `p${i}` }, 'paged')).id);
    await call('DELETE', `${docs('paged')}/p3`);
    const seen = [];
    let cursor = '';
    for (let pages = 0; pages < 10; pages++) {
      const res = await call('GET', `${docs('paged')}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assertJson(res, 200);
      assert.ok(res.body.documents.length <= 2);
      seen.push(...res.body.documents.map((d) => d.id));
      if (res.body.nextCursor === null) break;
      cursor = res.body.nextCursor;
    }
    assert.deepEqual(seen, ['p0', 'p1', 'p2', 'p4', 'p5', 'p6']);
    for (const q of ['limit=0', 'limit=201', 'limit=x', 'cursor=bad%20id']) {
      assertError(await call('GET', `${docs('paged')}?${q}`), 400, 'ValidationError');
    }
  });

  test('bad input -> 400/413/415 and nothing is written', async () => {
    for (const json of [{}, { data: [1] }, { data: 'x' }, { id: 'a/b', data: {} }, { id: 'has space', data: {} }, { data: {}, expiresAt: 'tomorrow' }]) {
      assertError(await call('POST', docs('bad'), { json }), 400, 'ValidationError');
    }
    assertError(await call('POST', docs('Bad-Name'), { json: { data: {} } }), 400, 'ValidationError');
    assertError(await call('POST', docs('bad'), { body: 'not json', headers: { 'content-type': 'application/json' } }), 400, 'ValidationError');
    assertError(await call('POST', docs('bad'), { body: '{"data":{}}', headers: { 'content-type': 'text/plain' } }), 415);
    assertError(await call('POST', docs('bad'), { json: { data: { big: 'x'.repeat(3000) } } }), 413, 'PayloadTooLargeError');
    assertError(await call('POST', docs('bad'), { json: { data: { a: { b: { c: { d: { e: { f: {} } } } } } } } }), 400, 'ValidationError');
    assert.deepEqual((await call('GET', docs('bad'))).body.documents, []);
    const { id } = await create({ s: '' }, {}, 'bad');
    assertError(await call('PATCH', `${docs('bad')}/${id}/merge`, { json: { data: { s: 'y'.repeat(3000) } } }), 413, 'PayloadTooLargeError');
    assert.equal((await call('GET', `${docs('bad')}/${id}`)).body.revision, 1);
    assertError(await call('GET', `${docs('bad')}/missing`), 404, 'NotFoundError');
  });

  test('documents are scoped by application and environment', async () => {
    const app = await call('POST', '/api/applications', { json: { name: `sync-tenant-${Date.now()}` } });
    assertJson(app, 201);
    const other = { 'x-application-id': app.body.id };
    await create({ who: 'default' }, { id: 'shared' }, 'tenancy');
    await create({ who: 'other' }, { id: 'shared' }, 'tenancy', other);
    await create({ who: 'staging' }, { id: 'shared' }, 'tenancy', { 'x-environment': 'staging' });
    assert.equal((await call('GET', `${docs('tenancy')}/shared`)).body.data.who, 'default');
    assert.equal((await call('GET', `${docs('tenancy')}/shared`, { headers: other })).body.data.who, 'other');
    assert.equal((await call('GET', `${docs('tenancy')}/shared`, { headers: { 'x-environment': 'staging' } })).body.data.who, 'staging');
    assertError(await call('GET', `${docs('tenancy')}/shared`, { headers: { 'x-environment': 'production' } }), 404, 'NotFoundError');
  });
});

describe('services', () => {
  test('CRUD with the spec\'s shapes', async () => {
    const res = await call('POST', '/api/services', { json: { name: 'order-tracking', description: 'Orders' } });
    assertJson(res, 201);
    const svc = res.body;
    assert.deepEqual(Object.keys(svc).sort(), ['applicationId', 'createdAt', 'description', 'id', 'name', 'updatedAt']);
    assert.match(svc.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(svc.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(svc.applicationId, 'default');
    const list = await call('GET', '/api/services');
    assertJson(list, 200);
    assert.ok(list.body.services.some((s) => s.id === svc.id));
    assert.deepEqual((await call('GET', `/api/services/${svc.id}`)).body, svc);
    const patched = await call('PATCH', `/api/services/${svc.id}`, { json: { name: 'order-tracking-v2' } });
    assertJson(patched, 200);
    assert.equal(patched.body.name, 'order-tracking-v2');
    assert.equal(patched.body.description, 'Orders');
    const del = await call('DELETE', `/api/services/${svc.id}`);
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    assertError(await call('GET', `/api/services/${svc.id}`), 404, 'NotFoundError');
  });

  test('name rules -> 400, duplicates -> 409', async () => {
    for (const name of ['Session', '123abc', 'my service', '', 7]) {
      assertError(await call('POST', '/api/services', { json: { name } }), 400, 'ValidationError');
    }
    assertJson(await call('POST', '/api/services', { json: { name: 'chat_rooms' } }), 201);
    assertError(await call('POST', '/api/services', { json: { name: 'chat_rooms' } }), 409, 'ConflictError');
  });

  test('strictServices: documents only in registered services', async () => {
    const app = await call('POST', '/api/applications', { json: { name: `strict-${Date.now()}`, config: { strictServices: true } } });
    assertJson(app, 201);
    const h = { 'x-application-id': app.body.id };
    assertError(await call('POST', docs('unregistered'), { json: { data: {} }, headers: h }), 404, 'NotFoundError');
    assertJson(await call('POST', '/api/services', { json: { name: 'registered' }, headers: h }), 201);
    assertJson(await call('POST', docs('registered'), { json: { data: {} }, headers: h }), 201);
  });
});

describe('permissions (production)', () => {
  let prod;
  before(async () => { prod = await startServer({ env: { NODE_ENV: 'production' } }); });
  after(async () => { if (prod) await prod.stop(); });

  test('client reads, service writes, anonymous is refused', async () => {
    const service = await cliToken(prod, ['--app', 'default', '--permissions', 'service']);
    const client = await cliToken(prod, ['--app', 'default', '--permissions', 'client']);
    const subscriber = await cliToken(prod, ['--app', 'default', '--permissions', 'subscribe']);
    const p = (m, path, opts) => api(prod.url, m, path, opts);
    assertError(await p('POST', docs(), { json: { data: {} } }), 401, 'UnauthorizedError');
    assertError(await p('GET', docs()), 401, 'UnauthorizedError');
    assertError(await p('POST', docs(), { json: { data: {} }, headers: bearer(client) }), 403, 'ForbiddenError');
    const created = await p('POST', docs(), { json: { data: { a: 1 } }, headers: bearer(service) });
    assertJson(created, 201);
    assertJson(await p('GET', `${docs()}/${created.body.id}`, { headers: bearer(client) }), 200);
    assertJson(await p('GET', docs(), { headers: bearer(client) }), 200);
    assertError(await p('GET', `${docs()}/${created.body.id}`, { headers: bearer(subscriber) }), 403, 'ForbiddenError');
    assertError(await p('PATCH', `${docs()}/${created.body.id}/merge`, { json: { data: {} }, headers: bearer(client) }), 403, 'ForbiddenError');
    assertError(await p('GET', docs(), { headers: bearer('not.a.token') }), 401, 'UnauthorizedError');
    assertError(await p('POST', '/api/services', { json: { name: 'x' }, headers: bearer(service) }), 403, 'ForbiddenError');
  });
});
