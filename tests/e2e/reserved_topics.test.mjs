// Reserved topics (docs/protocol.md): clients cannot publish to `sync.*` (only the sync service
// does), nor to `presence:*` / `direct:*`, on REST POST /api/events, /ws publish and Socket.IO
// publish (nor as a channel message); the refusal is FORBIDDEN / 403 ForbiddenError and says why,
// and nothing is delivered. Subscribing to sync topics still works, and the sync service's own
// events still arrive.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { bearer, cliToken } from './lib/jwt.mjs';
import { clientPool } from './lib/wsclient.mjs';
import { ioConnect, socketPool } from './lib/sio.mjs';

let srv;
let admin;
let publisher; // a token with publish (service)
const ws = clientPool();
const sockets = socketPool();
before(async () => {
  srv = await startServer();
  admin = await cliToken(srv, ['--app', 'default', '--permissions', 'admin', '--sub', 'e2e-admin']);
  publisher = await cliToken(srv, ['--app', 'default', '--permissions', 'subscribe,publish,service', '--sub', 'svc']);
});
after(async () => {
  ws.closeAll();
  sockets.closeAll();
  if (srv) await srv.stop();
  killAll();
});

const REFUSALS = {
  'sync.board.updated': 'Topic sync.board.updated is reserved: sync events are published by the sync service',
  'presence:chat:1': 'Topic presence:chat:1 is reserved: presence events are published by the platform when members join or leave',
  'direct:abc': 'Topic direct:abc is reserved: send a direct message (direct) to reach one connection',
};

describe('reserved topics', () => {
  test('REST, /ws and Socket.IO publishes are refused with the reason; nothing is delivered', async () => {
    const sub = await ws.connect(srv, { token: publisher });
    await sub.subscribe('sync.board.updated');
    await sub.subscribe('board.open');
    const sioSub = sockets.add(await ioConnect(srv, { token: publisher }));
    await sioSub.emitWithAck('subscribe', { topic: 'sync.board.updated' });
    await sioSub.emitWithAck('subscribe', { topic: 'board.open' });

    const pub = await ws.connect(srv, { token: publisher });
    const sioPub = sockets.add(await ioConnect(srv, { token: publisher }));
    for (const [topic, message] of Object.entries(REFUSALS)) {
      const rest = await api(srv.url, 'POST', '/api/events', { json: { topic, payload: { a: 1 } }, headers: bearer(publisher) });
      assertError(rest, 403, 'ForbiddenError');
      assert.equal(rest.body.message, message);

      const r = await pub.request({ type: 'publish', topic, payload: { a: 1 } });
      assert.deepEqual({ type: r.type, code: r.code, message: r.message }, { type: 'error', code: 'FORBIDDEN', message });

      const ack = await sioPub.emitWithAck('publish', { topic, payload: { a: 1 } });
      assert.deepEqual(ack, { error: { code: 'FORBIDDEN', message } });
    }
    // A channel message onto a sync topic is a publish too.
    const ch = await pub.request({ type: 'channel.publish', channel: 'sync.board.updated', event: 'x', data: {} });
    assert.deepEqual([ch.type, ch.code], ['error', 'FORBIDDEN'], JSON.stringify(ch));
    const sioCh = await sioPub.emitWithAck('channel:publish', { channel: 'sync.board.updated', event: 'x', data: {} });
    assert.equal(sioCh.error?.code, 'FORBIDDEN', JSON.stringify(sioCh));

    // Positive signal first: an allowed publish arrives; then nothing else did.
    await pub.publish('board.open', { ok: true });
    assert.equal((await sub.nextType('event')).topic, 'board.open');
    assert.equal((await sioSub.inbox.next()).topic, 'board.open');
    assert.deepEqual(sub.takeEvents(), []);
    assert.deepEqual(sioSub.inbox.take(), []);
  });

  test('the sync service still publishes sync events to subscribers', async () => {
    const sub = await ws.connect(srv, { token: publisher });
    await sub.subscribe('sync.board.created');
    const created = await api(srv.url, 'POST', '/api/sync/board/documents', { json: { id: 'b1', data: { a: 1 } }, headers: bearer(admin) });
    assertJson(created, 201);
    const ev = await sub.nextType('event');
    assert.deepEqual([ev.topic, ev.data.source, ev.data.payload.documentId], ['sync.board.created', 'sync', 'b1']);
  });

  test('subscribing to presence: and direct: topics stays INVALID_TOPIC', async () => {
    const c = await ws.connect(srv, { token: publisher });
    for (const topic of ['presence:chat:1', 'direct:abc']) {
      const r = await c.request({ type: 'subscribe', topic });
      assert.deepEqual([r.type, r.code], ['error', 'INVALID_TOPIC'], JSON.stringify(r));
    }
  });
});
