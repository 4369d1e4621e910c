// Durability of acknowledged sync writes in the embedded mode (SQLite, no Redis): a kill -9
// right after the last acknowledged write loses nothing; the documents, revisions and tombstones
// are all there after a restart on the same data directory.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer, tempDir } from './lib/server.mjs';
import { assertJson } from './lib/expect.mjs';

after(killAll);

const docs = '/api/sync/durable/documents';

test('kill -9 after acknowledged writes (embedded) -> all present after restart', async () => {
  const dataDir = tempDir();
  const srv = await startServer({ dataDir });
  const expected = new Map();
  // Concurrent writers: creates, then merges and mutations on every document.
  await Promise.all(Array.from({ length: 20 }, async (_, i) => {
    const id = `d${i}`;
    assertJson(await api(srv.url, 'POST', docs, { json: { id, data: { i, n: 0 } } }), 201);
    const m = await api(srv.url, 'PATCH', `${docs}/${id}/merge`, { json: { data: { merged: true } } });
    assertJson(m, 200);
    const u = await api(srv.url, 'POST', `${docs}/${id}/mutate`, { json: { mutations: [{ op: 'increment', path: '/n', value: i }] } });
    assertJson(u, 200);
    expected.set(id, u.body);
  }));
  const del = await api(srv.url, 'DELETE', `${docs}/d0`);
  assertJson(del, 200);
  expected.delete('d0');
  srv.proc.kill('SIGKILL');
  await srv.exited;

  const again = await startServer({ dataDir });
  try {
    for (const [id, doc] of expected) {
      const got = await api(again.url, 'GET', `${docs}/${id}`);
      assertJson(got, 200);
      assert.deepEqual(got.body, doc, `document ${id}`);
      assert.equal(got.body.revision, 3);
    }
    assert.equal((await api(again.url, 'GET', `${docs}/d0`)).status, 404, 'the delete is durable too');
    const recreated = await api(again.url, 'POST', docs, { json: { id: 'd0', data: {} } });
    assertJson(recreated, 201);
    assert.equal(recreated.body.revision, 5, 'revisions continue after the tombstone');
  } finally {
    await again.stop();
  }
});
