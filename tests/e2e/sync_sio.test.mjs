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

describe('document presence', () => {
  test('viewers join the document presence channel; the REST list and presence events follow them', async () => {
    const channel = 'syncdoc:presence:pad:p2';
    const alice = pool.add(await ioConnect(srv, { token: await sioToken(srv, { subject: 'alice' }) }));
    const bob = pool.add(await ioConnect(srv, { token: await sioToken(srv, { subject: 'bob' }) }));
    const a = await alice.emitWithAck('join', { channel });
    assert.equal(a.ok, true, JSON.stringify(a));
    const b = await bob.emitWithAck('join', { channel });
    assert.deepEqual(b.members.map((m) => m.subject).sort(), ['alice', 'bob']);
    const joined = await alice.presence.next((e) => e.type === 'presence.join', 5000);
    assert.equal(joined.payload.socketId, bob.id);

    const list = await api(srv.url, 'GET', '/api/sync/pad/documents/p2/presence');
    assertJson(list, 200);
    assert.equal(list.body.channel, channel);
    assert.deepEqual(list.body.viewers.map((v) => v.socketId).sort(), [alice.id, bob.id].sort());

    bob.disconnect();
    const left = await alice.presence.next((e) => e.type === 'presence.leave', 5000);
    assert.equal(left.payload.socketId, b.members.find((m) => m.subject === 'bob').socketId);
    let viewers;
    for (let i = 0; i < 50; i++) {
      viewers = (await api(srv.url, 'GET', '/api/sync/pad/documents/p2/presence')).body.viewers;
      if (viewers.length === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(viewers.map((v) => v.subject), ['alice']);
  });
});
