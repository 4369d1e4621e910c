// Sync document events over the plain WebSocket (/ws): topics sync.{service}.created|updated|
// deleted, source "sync", metadata.revision/operation, and the payload shape for each
// subscriber's returnMode (full: data, diff: diff, both: both).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertJson } from './lib/expect.mjs';
import { clientPool, getToken } from './lib/wsclient.mjs';

let srv;
const pool = clientPool();
before(async () => { srv = await startServer(); });
after(async () => {
  pool.closeAll();
  if (srv) await srv.stop();
  killAll();
});

const docs = (service) => `/api/sync/${service}/documents`;
const isEvent = (topic) => (m) => m.type === 'event' && m.topic === topic;

describe('sync events over /ws', () => {
  test('each returnMode gets its shape; metadata carries revision and operation', async () => {
    const token = await getToken(srv);
    const subs = {};
    for (const mode of ['full', 'diff', 'both', undefined]) {
      const c = await pool.connect(srv, { token });
      await c.subscribe('sync.board.updated', mode ? { returnMode: mode } : {});
      await c.subscribe('sync.board.created', mode ? { returnMode: mode } : {});
      await c.subscribe('sync.board.deleted', mode ? { returnMode: mode } : {});
      subs[mode ?? 'default'] = c;
    }
    const created = await api(srv.url, 'POST', docs('board'), { json: { id: 'b1', data: { status: 'active', meta: { a: 1 } } } });
    assertJson(created, 201);
    const merged = await api(srv.url, 'PATCH', `${docs('board')}/b1/merge`, { json: { data: { status: 'ended', meta: { a: 2 }, notes: 'x' } } });
    assertJson(merged, 200);

    const data = { status: 'ended', meta: { a: 2 }, notes: 'x' };
    const diff = { added: { notes: 'x' }, removed: [], changed: { status: { from: 'active', to: 'ended' }, 'meta.a': { from: 1, to: 2 } } };
    const base = { service: 'board', documentId: 'b1', revision: 2 };
    const expected = {
      full: { ...base, data },
      default: { ...base, data },
      diff: { ...base, diff },
      both: { ...base, data, diff },
    };
    for (const [mode, client] of Object.entries(subs)) {
      const c = await client.next(isEvent('sync.board.created'), 5000, `created for ${mode}`);
      assert.equal(c.data.source, 'sync');
      assert.equal(c.data.type, 'sync.created');
      assert.equal(c.data.metadata.revision, 1);
      assert.equal(c.data.metadata.operation, 'create');
      const u = await client.next(isEvent('sync.board.updated'), 5000, `updated for ${mode}`);
      assert.match(u.data.id, /^evt_/);
      assert.equal(u.data.topic, 'sync.board.updated');
      assert.equal(u.data.source, 'sync');
      assert.equal(u.data.type, 'sync.updated');
      assert.equal(u.data.metadata.revision, 2);
      assert.equal(u.data.metadata.operation, 'merge');
      assert.deepEqual(u.data.payload, expected[mode], `payload for returnMode ${mode}`);
    }

    assertJson(await api(srv.url, 'DELETE', `${docs('board')}/b1`), 200);
    const d = await subs.both.next(isEvent('sync.board.deleted'));
    assert.equal(d.data.metadata.operation, 'delete');
    assert.equal(d.data.metadata.revision, 3);
    assert.deepEqual(d.data.payload.data, data);
    assert.deepEqual(d.data.payload.diff, { added: {}, removed: ['status', 'meta', 'notes'], changed: {} });
    const dd = await subs.diff.next(isEvent('sync.board.deleted'));
    assert.equal(dd.data.payload.data, undefined);
  });

  test('every write of a document reaches a subscriber once, in revision order', async () => {
    const token = await getToken(srv);
    const c = await pool.connect(srv, { token });
    await c.subscribe('sync.ordered.updated', { returnMode: 'diff' });
    assertJson(await api(srv.url, 'POST', docs('ordered'), { json: { id: 'o', data: { n: 0 } } }), 201);
    for (let i = 1; i <= 20; i++) {
      assertJson(await api(srv.url, 'POST', `${docs('ordered')}/o/mutate`, { json: { mutations: [{ op: 'increment', path: '/n', value: 1 }] } }), 200);
    }
    const revisions = [];
    for (let i = 0; i < 20; i++) revisions.push((await c.next(isEvent('sync.ordered.updated'))).data.metadata.revision);
    assert.deepEqual(revisions, Array.from({ length: 20 }, (_, i) => i + 2));
  });

  test('events stay in their application', async () => {
    const app = await api(srv.url, 'POST', '/api/applications', { json: { name: `sync-ws-${Date.now()}` } });
    assertJson(app, 201);
    const mine = await pool.connect(srv, { token: await getToken(srv) });
    const theirs = await pool.connect(srv, { token: await getToken(srv, { app: app.body.id }) });
    await mine.subscribe('sync.iso.created');
    await theirs.subscribe('sync.iso.created');
    assertJson(await api(srv.url, 'POST', docs('iso'), { json: { data: {} }, headers: { 'x-application-id': app.body.id } }), 201);
    await theirs.next(isEvent('sync.iso.created'));
    await mine.ping();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(mine.takeEvents('sync.iso.created').length, 0);
  });
});
