// Sync document events over Socket.IO: each subscriber's returnMode shapes the payload exactly as
// over /ws (full: data, diff: diff, both: both), with the official socket.io-client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertJson } from './lib/expect.mjs';
import { ioConnect, sioToken, socketPool } from './lib/sio.mjs';

let srv;
const pool = socketPool();
before(async () => { srv = await startServer(); });
after(async () => {
  pool.closeAll();
  if (srv) await srv.stop();
  killAll();
});

describe('sync events over Socket.IO', () => {
  test('each returnMode gets its shape', async () => {
    const token = await sioToken(srv);
    const subs = {};
    for (const mode of ['full', 'diff', 'both']) {
      const s = pool.add(await ioConnect(srv, { token }));
      const ack = await s.emitWithAck('subscribe', { topic: 'sync.pad.updated', returnMode: mode });
      assert.match(ack.subscriptionId, /^sub_/, JSON.stringify(ack));
      subs[mode] = s;
    }
    const bad = await subs.full.emitWithAck('subscribe', { topic: 'sync.pad.updated', returnMode: 'everything' });
    assert.equal(bad.error.code, 'INVALID_MESSAGE');

    assertJson(await api(srv.url, 'POST', '/api/sync/pad/documents', { json: { id: 'p1', data: { a: 1, b: 'x' } } }), 201);
    assertJson(await api(srv.url, 'PATCH', '/api/sync/pad/documents/p1/merge', { json: { data: { a: 2, c: true, b: null } } }), 200);

    const data = { a: 2, c: true };
    const diff = { added: { c: true }, removed: ['b'], changed: { a: { from: 1, to: 2 } } };
    const base = { service: 'pad', documentId: 'p1', revision: 2 };
    const expected = { full: { ...base, data }, diff: { ...base, diff }, both: { ...base, data, diff } };
    for (const [mode, s] of Object.entries(subs)) {
      const ev = await s.inbox.next((e) => e.topic === 'sync.pad.updated', 5000);
      assert.equal(ev.source, 'sync');
      assert.equal(ev.metadata.revision, 2);
      assert.deepEqual(ev.payload, expected[mode], `returnMode ${mode}`);
    }
  });
});
