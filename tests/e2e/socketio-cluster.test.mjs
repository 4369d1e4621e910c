// Socket.IO on two `realtime serve` instances sharing one redis-server (spawned per run on a
// free port): subscriptions, channel chat, direct messages, presence, member lists and the
// connection count work whichever instance each client is on; a dead instance's members expire.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer, tempDir } from './lib/server.mjs';
import { eventually, expectNothing, ioConnect, sioToken, sleep, socketPool, startRedis } from './lib/sio.mjs';

const pool = socketPool();

const restGet = async (srv, path) => {
  const r = await api(srv.url, 'GET', path);
  assert.equal(r.status, 200, r.text);
  return r.body;
};
const memberIds = async (srv, channel) => (await restGet(srv, `/api/socket/channels/${channel}/members`)).map((m) => m.socketId).sort();

describe('Socket.IO across two instances on one Redis', () => {
  let redis, a, b;
  const connect = async (srv, subject = 'alice', opts = {}) => pool.add(await ioConnect(srv, { token: await sioToken(srv, { subject }), ...opts }));
  const join = async (s, channel) => {
    const r = await s.emitWithAck('join', { channel });
    assert.equal(r.ok, true, JSON.stringify(r));
    return r.members;
  };

  before(async () => {
    redis = await startRedis();
    const dataDir = tempDir(); // shared: both instances trust the same signing keys
    a = await startServer({ env: { REDIS_URL: redis.url }, dataDir });
    b = await startServer({ env: { REDIS_URL: redis.url }, dataDir });
  });
  after(async () => {
    pool.closeAll();
    killAll();
    await redis?.stop();
  });

  test('a subscriber on A receives an event published by a client on B, once', async () => {
    const sub = await connect(a);
    const pub = await connect(b, 'bob', { transports: ['polling'] });
    await sub.emitWithAck('subscribe', { topic: 'x.orders' });
    await sleep(200); // A's Redis subscription
    const r = await pub.emitWithAck('publish', { topic: 'x.orders', payload: { n: 1 } });
    const ev = await sub.inbox.next((e) => e.topic === 'x.orders');
    assert.equal(ev.id, r.id);
    assert.deepEqual(ev.payload, { n: 1 });
    await expectNothing(sub.inbox, (e) => e.topic === 'x.orders', 300, 'a duplicate');
  });

  test('channel chat with members on both instances; the sender is excluded', async () => {
    const a1 = await connect(a, 'alice');
    const a2 = await connect(a, 'anna');
    const b1 = await connect(b, 'bob');
    for (const s of [a1, a2, b1]) await join(s, 'xroom');
    await sleep(200);
    const m1 = await a1.emitWithAck('channel:publish', { channel: 'xroom', event: 'chat', data: { from: 'A' } });
    for (const s of [a2, b1]) {
      const ev = await s.inbox.next((e) => e.topic === 'xroom' && e.type === 'chat');
      assert.equal(ev.id, m1.id);
      assert.deepEqual(ev.payload, { from: 'A' });
      assert.equal(ev.source, 'socket');
    }
    const m2 = await b1.emitWithAck('channel:publish', { channel: 'xroom', event: 'chat', data: 'from B' });
    for (const s of [a1, a2]) {
      const ev = await s.inbox.next((e) => e.topic === 'xroom' && e.id === m2.id);
      assert.deepEqual(ev.payload, { data: 'from B' });
    }
    await expectNothing(a1.inbox, (e) => e.id === m1.id, 300, 'echo to the sender on A');
    await expectNothing(b1.inbox, (e) => e.id === m2.id, 0, 'echo to the sender on B');
    await expectNothing(a2.inbox, (e) => e.topic === 'xroom', 0, 'a duplicate');
  });

  test('a REST broadcast on one instance reaches members on both', async () => {
    const a1 = await connect(a, 'alice');
    const b1 = await connect(b, 'bob');
    await join(a1, 'bcast');
    await join(b1, 'bcast');
    await sleep(200);
    const res = await api(b.url, 'POST', '/api/socket/broadcast', { json: { channel: 'bcast', event: 'news', data: { v: 2 } } });
    assert.equal(res.status, 202, res.text);
    for (const s of [a1, b1]) assert.equal((await s.inbox.next((e) => e.type === 'news')).id, res.body.id);
  });

  test('a direct message from a client on A reaches its target on B only', async () => {
    const sender = await connect(a, 'alice');
    const target = await connect(b, 'bob');
    const bystander = await connect(b, 'carol');
    await sleep(200);
    const r = await sender.emitWithAck('direct', { socketId: target.id, event: 'dm', data: { hi: 1 } });
    assert.equal(r.ok, true, JSON.stringify(r));
    const ev = await target.inbox.next((e) => e.type === 'dm');
    assert.equal(ev.topic, `direct:${target.id}`);
    assert.equal(ev.metadata.from, sender.id);
    assert.deepEqual(ev.payload, { hi: 1 });
    await expectNothing(bystander.inbox, (e) => e.type === 'dm', 300, 'a direct message to a bystander');
    await expectNothing(target.inbox, (e) => e.type === 'dm', 0, 'a duplicate');
  });

  test('presence and member lists span both instances', async () => {
    const a1 = await connect(a, 'alice');
    await join(a1, 'proom');
    await sleep(200);
    const b1 = await connect(b, 'bob');
    const members = await join(b1, 'proom');
    assert.deepEqual(members.map((m) => m.socketId).sort(), [a1.id, b1.id].sort(), 'the join ack lists the member on A');
    const ev = await a1.presence.next((e) => e.type === 'presence.join' && e.payload.socketId === b1.id);
    assert.equal(ev.topic, 'presence:proom');
    assert.equal(ev.payload.subject, 'bob');
    for (const srv of [a, b]) {
      const list = await restGet(srv, '/api/socket/channels/proom/members');
      assert.deepEqual(list.map((m) => m.subject).sort(), ['alice', 'bob']);
      assert.deepEqual((await restGet(srv, '/api/socket/channels')).find((c) => c.name === 'proom'), { name: 'proom', memberCount: 2 });
    }
    const gone = b1.id;
    b1.io.engine.close();
    await a1.presence.next((e) => e.type === 'presence.leave' && e.payload.socketId === gone);
    await eventually(async () => (await memberIds(a, 'proom')).length === 1, { what: 'bob gone from the list on A' });
  });

  test('GET /api/socket/connections counts the clients of both instances', async () => {
    pool.closeAll();
    await connect(a, 'alice');
    await connect(b, 'bob');
    await connect(b, 'carol', { transports: ['polling'] });
    for (const srv of [a, b]) {
      await eventually(async () => (await restGet(srv, '/api/socket/connections')).count === 3,
        { timeoutMs: 8000, intervalMs: 200, what: `connections = 3 on ${srv === a ? 'A' : 'B'}` });
    }
  });

  test('members on a killed instance disappear from the list (liveness TTL)', { timeout: 60_000 }, async () => {
    pool.closeAll();
    const a1 = await connect(a, 'alice');
    const b1 = await connect(b, 'bob');
    const b2 = await connect(b, 'carol');
    for (const s of [a1, b1, b2]) await join(s, 'doomed');
    assert.deepEqual(await memberIds(a, 'doomed'), [a1.id, b1.id, b2.id].sort());
    await eventually(async () => (await restGet(a, '/api/socket/connections')).count === 3, { timeoutMs: 8000, what: 'connections = 3' });
    b.proc.kill('SIGKILL');
    await b.exited;
    const t0 = Date.now();
    await eventually(async () => (await memberIds(a, 'doomed')).join() === a1.id,
      { timeoutMs: 30_000, intervalMs: 500, what: 'the members of the killed instance expiring' });
    const took = Date.now() - t0;
    assert.ok(took < 25_000, `took ${took} ms`);
    await eventually(async () => (await restGet(a, '/api/socket/connections')).count === 1,
      { timeoutMs: 25_000, intervalMs: 500, what: 'the killed instance\'s connections expiring' });
    // A still works.
    const r = await a1.emitWithAck('channel:publish', { channel: 'doomed', event: 'still', data: {} });
    assert.match(r.id, /^evt_/);
  });
});
