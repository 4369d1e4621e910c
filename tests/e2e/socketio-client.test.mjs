// The official socket.io-client@4 (Node) against our server: the three transport setups, auth,
// subscriptions, channels (chat, direct messages, presence), the /api/socket REST endpoints,
// topic restrictions, reconnection after a restart, and a clean SIGTERM with clients connected.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer, tempDir } from './lib/server.mjs';
import { eventually, expectNothing, ioConnect, sioToken, sleep, socketPool } from './lib/sio.mjs';

const pool = socketPool();
const connect = async (srv, opts) => pool.add(await ioConnect(srv, opts));

/** One round trip: subscribe on `sub`, publish on `pub`, `sub` receives it. */
async function roundTrip(sub, pub, topic) {
  const s = await sub.emitWithAck('subscribe', { topic });
  assert.match(s.subscriptionId, /^sub_/, JSON.stringify(s));
  const p = await pub.emitWithAck('publish', { topic, payload: { hello: topic } });
  assert.match(p.id, /^evt_/, JSON.stringify(p));
  const ev = await sub.inbox.next((e) => e.topic === topic);
  assert.equal(ev.id, p.id);
  assert.deepEqual(ev.payload, { hello: topic });
  assert.equal(ev.source, 'socket');
}

const restGet = async (srv, path) => {
  const r = await api(srv.url, 'GET', path);
  assert.equal(r.status, 200, r.text);
  return r.body;
};

describe('socket.io-client@4', () => {
  let srv, token;
  before(async () => {
    srv = await startServer();
    token = await sioToken(srv);
  });
  afterEach(() => pool.closeAll());
  after(() => killAll());

  describe('transports and auth', () => {
    test('websocket only', async () => {
      const a = await connect(srv, { token, transports: ['websocket'] });
      assert.equal(a.io.engine.transport.name, 'websocket');
      assert.equal(typeof a.id, 'string');
      await roundTrip(a, a, 'ws.only');
    });

    test('polling, then upgraded to websocket', async () => {
      const a = await connect(srv, { token, transports: ['polling', 'websocket'] });
      if (a.io.engine.transport.name !== 'websocket') {
        await new Promise((resolve) => a.io.engine.once('upgrade', resolve));
      }
      assert.equal(a.io.engine.transport.name, 'websocket');
      const b = await connect(srv, { token });
      await roundTrip(a, b, 'upgraded');
      await roundTrip(b, a, 'upgraded.back');
    });

    test('polling only', async () => {
      const a = await connect(srv, { token, transports: ['polling'] });
      assert.equal(a.io.engine.transport.name, 'polling');
      const b = await connect(srv, { token });
      await roundTrip(a, b, 'polled');
      await roundTrip(b, a, 'polled.back');
      await sleep(200);
      assert.equal(a.io.engine.transport.name, 'polling', 'must not upgrade');
    });

    test('a missing or invalid token: connect_error with data.code AUTH_FAILED', async () => {
      for (const auth of [{}, { token: 'garbage' }]) {
        for (const transports of [['websocket'], ['polling']]) {
          const err = await ioConnect(srv, { auth, transports }).then(() => null, (e) => e);
          assert.ok(err, `connected with ${JSON.stringify(auth)} over ${transports}`);
          assert.equal(err.data?.code, 'AUTH_FAILED', `${err.message} ${JSON.stringify(err.data)}`);
          assert.ok(err.message.length > 0);
        }
      }
    });
  });

  describe('platform events', () => {
    test('subscribe with a filter receives matching events only; returnMode is accepted', async () => {
      const sub = await connect(srv, { token });
      const pub = await connect(srv, { token });
      const s = await sub.emitWithAck('subscribe', { topic: 'sessions', filter: { status: 'active', 'campus.id': { in: [1, 2] } }, returnMode: 'full' });
      assert.equal(s.topic, 'sessions');
      const published = [];
      for (const payload of [{ status: 'ended', campus: { id: 1 } }, { status: 'active', campus: { id: 3 } },
        { status: 'active', campus: { id: 2 } }, { status: 'active' }, { status: 'active', campus: { id: 1 } }]) {
        const r = await pub.emitWithAck('publish', { topic: 'sessions', payload });
        assert.match(r.id, /^evt_/);
        published.push(r.id);
      }
      assert.equal((await sub.inbox.next()).id, published[2]);
      assert.equal((await sub.inbox.next()).id, published[4]);
      await expectNothing(sub.inbox, () => true, 300, 'events not matching the filter');
      for (const returnMode of ['diff', 'both']) {
        assert.match((await sub.emitWithAck('subscribe', { topic: 'docs', returnMode })).subscriptionId, /^sub_/);
      }
      const bad = await sub.emitWithAck('subscribe', { topic: 'docs', returnMode: 'everything' });
      assert.equal(bad.error?.code, 'INVALID_MESSAGE', JSON.stringify(bad));
    });

    test('reserved topics cannot be subscribed, published or joined', async () => {
      const a = await connect(srv, { token });
      for (const topic of ['presence:x', 'direct:x']) {
        assert.equal((await a.emitWithAck('subscribe', { topic })).error?.code, 'INVALID_TOPIC', topic);
        assert.equal((await a.emitWithAck('publish', { topic, payload: {} })).error?.code, 'FORBIDDEN', topic);
        assert.equal((await a.emitWithAck('join', { channel: topic })).error?.code, 'INVALID_TOPIC', topic);
      }
    });
  });

  describe('channels', () => {
    let a, b, c;
    const join = async (s, channel) => {
      const r = await s.emitWithAck('join', { channel });
      assert.equal(r.ok, true, JSON.stringify(r));
      assert.equal(r.channel, channel);
      return r.members;
    };

    before(async () => {
      a = await ioConnect(srv, { token: await sioToken(srv, { subject: 'alice' }) });
      b = await ioConnect(srv, { token: await sioToken(srv, { subject: 'bob' }), transports: ['polling', 'websocket'] });
      c = await ioConnect(srv, { token: await sioToken(srv, { subject: 'carol' }), transports: ['polling'] });
    });
    after(() => { for (const s of [a, b, c]) s.close(); });

    test('chat between three members: everyone but the sender receives it', async () => {
      const m1 = await join(a, 'room1');
      assert.deepEqual(m1.map((m) => m.subject), ['alice']);
      assert.equal(m1[0].socketId, a.id);
      assert.equal(typeof m1[0].joinedAt, 'number');
      await join(b, 'room1');
      const m3 = await join(c, 'room1');
      assert.deepEqual(m3.map((m) => m.socketId).sort(), [a.id, b.id, c.id].sort());
      for (const m of m3) assert.deepEqual(Object.keys(m).sort(), ['joinedAt', 'socketId', 'subject']);

      const r = await a.emitWithAck('channel:publish', { channel: 'room1', event: 'chat.message', data: { text: 'hi' } });
      assert.match(r.id, /^evt_/, JSON.stringify(r));
      for (const s of [b, c]) {
        const ev = await s.inbox.next((e) => e.topic === 'room1');
        assert.equal(ev.id, r.id);
        assert.equal(ev.type, 'chat.message');
        assert.equal(ev.source, 'socket');
        assert.deepEqual(ev.payload, { text: 'hi' });
      }
      // Non-object data is wrapped as {data}.
      await b.emitWithAck('channel:publish', { channel: 'room1', event: 'chat.raw', data: 'plain text' });
      for (const s of [a, c]) assert.deepEqual((await s.inbox.next((e) => e.type === 'chat.raw')).payload, { data: 'plain text' });
      await expectNothing(a.inbox, (e) => e.topic === 'room1', 300, 'echo to the sender');
      await expectNothing(b.inbox, (e) => e.topic === 'room1', 0, 'echo to the sender');
    });

    test('a member that also subscribed to the channel topic receives each message once', async () => {
      await b.emitWithAck('subscribe', { topic: 'room1' });
      const r = await c.emitWithAck('channel:publish', { channel: 'room1', event: 'once', data: { n: 1 } });
      assert.equal((await b.inbox.next((e) => e.type === 'once')).id, r.id);
      await expectNothing(b.inbox, (e) => e.type === 'once', 300, 'duplicate delivery');
    });

    test('direct message reaches only its target, with metadata.from', async () => {
      const r = await a.emitWithAck('direct', { socketId: c.id, event: 'dm', data: { secret: 42 } });
      assert.equal(r.ok, true, JSON.stringify(r));
      const ev = await c.inbox.next((e) => e.type === 'dm');
      assert.equal(ev.id, r.id);
      assert.equal(ev.topic, `direct:${c.id}`);
      assert.equal(ev.metadata.from, a.id);
      assert.deepEqual(ev.payload, { secret: 42 });
      await expectNothing(b.inbox, (e) => e.type === 'dm', 300, 'direct message to a bystander');
      await expectNothing(a.inbox, (e) => e.type === 'dm', 0, 'direct message to the sender');
    });

    test('REST: channels, members, connections, broadcast', async () => {
      const channels = await restGet(srv, '/api/socket/channels');
      assert.deepEqual(channels.find((ch) => ch.name === 'room1'), { name: 'room1', memberCount: 3 });
      const members = await restGet(srv, '/api/socket/channels/room1/members');
      assert.deepEqual(members.map((m) => m.subject).sort(), ['alice', 'bob', 'carol']);
      assert.deepEqual(members.find((m) => m.subject === 'bob'), { socketId: b.id, subject: 'bob', joinedAt: members.find((m) => m.subject === 'bob').joinedAt });
      await eventually(async () => (await restGet(srv, '/api/socket/connections')).count === 3, { what: 'connections = 3' });
      const res = await api(srv.url, 'POST', '/api/socket/broadcast', { json: { channel: 'room1', event: 'announce', data: { v: 1 } } });
      assert.equal(res.status, 202, res.text);
      assert.equal(res.body.channel, 'room1');
      assert.match(res.body.id, /^evt_/);
      for (const s of [a, b, c]) {
        const ev = await s.inbox.next((e) => e.type === 'announce');
        assert.equal(ev.id, res.body.id);
        assert.deepEqual(ev.payload, { v: 1 });
      }
    });

    test('presence: join, leave and an abrupt disconnect reach the other members', async () => {
      a.presence.take(); b.presence.take(); c.presence.take();
      const d = await connect(srv, { token: await sioToken(srv, { subject: 'dave' }) });
      await join(d, 'room1');
      for (const s of [a, b, c]) {
        const ev = await s.presence.next((e) => e.type === 'presence.join' && e.payload.socketId === d.id);
        assert.equal(ev.topic, 'presence:room1');
        assert.equal(ev.source, 'socket');
        assert.deepEqual(Object.keys(ev.payload).sort(), ['channel', 'joinedAt', 'socketId', 'subject']);
        assert.equal(ev.payload.channel, 'room1');
        assert.equal(ev.payload.subject, 'dave');
      }
      await expectNothing(d.presence, (e) => e.payload.socketId === d.id, 200, 'own presence event');
      assert.deepEqual(await d.emitWithAck('leave', { channel: 'room1' }), { ok: true, channel: 'room1' });
      for (const s of [a, b, c]) await s.presence.next((e) => e.type === 'presence.leave' && e.payload.socketId === d.id);
      assert.equal((await restGet(srv, '/api/socket/channels/room1/members')).length, 3);

      await join(d, 'room1');
      for (const s of [a, b, c]) await s.presence.next((e) => e.type === 'presence.join' && e.payload.socketId === d.id);
      const gone = d.id;
      d.io.engine.close(); // the transport dies: no Socket.IO DISCONNECT packet
      for (const s of [a, b, c]) {
        const ev = await s.presence.next((e) => e.type === 'presence.leave' && e.payload.socketId === gone, 5000);
        assert.equal(ev.payload.subject, 'dave');
      }
      await eventually(async () => (await restGet(srv, '/api/socket/channels/room1/members')).every((m) => m.socketId !== gone),
        { what: 'dave removed from the member list' });
      // A client-side disconnect (Socket.IO DISCONNECT, then the transport closes) also announces the leave.
      const e = await connect(srv, { token: await sioToken(srv, { subject: 'erin' }), transports: ['polling'] });
      await join(e, 'room1');
      await a.presence.next((ev) => ev.type === 'presence.join' && ev.payload.socketId === e.id);
      const eid = e.id;
      e.disconnect();
      assert.equal((await a.presence.next((ev) => ev.type === 'presence.leave' && ev.payload.socketId === eid)).payload.subject, 'erin');
      await eventually(async () => (await restGet(srv, '/api/socket/connections')).count === 3, { what: 'connections back to 3' });
    });

    test('a token whose topics exclude the channel cannot join or publish to it', async () => {
      const limited = await connect(srv, { token: await sioToken(srv, { subject: 'eve', topics: ['public:*'] }) });
      assert.equal((await limited.emitWithAck('join', { channel: 'room1' })).error?.code, 'FORBIDDEN');
      const pub = await limited.emitWithAck('channel:publish', { channel: 'room1', event: 'x', data: {} });
      assert.equal(pub.error?.code, 'FORBIDDEN', JSON.stringify(pub));
      assert.equal((await limited.emitWithAck('join', { channel: 'public:lobby' })).ok, true);
      await expectNothing(a.inbox, (e) => e.type === 'x', 200, 'a forbidden message');
    });
  });
});

describe('socket.io-client@4 across server restarts', () => {
  after(() => { pool.closeAll(); killAll(); });

  test('the client reconnects after a restart on the same port and data dir', { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    let srv = await startServer({ dataDir });
    const token = await sioToken(srv);
    const port = srv.port;
    const a = await connect(srv, { token, reconnection: true, reconnectionDelay: 200, reconnectionDelayMax: 500 });
    await roundTrip(a, a, 'before.restart');
    const firstId = a.id;
    const disconnected = new Promise((r) => a.once('disconnect', r));
    assert.equal((await srv.stop('SIGTERM')).code, 0);
    await disconnected;
    const reconnected = new Promise((r) => a.once('connect', r));
    srv = await startServer({ dataDir, port });
    await reconnected;
    assert.notEqual(a.id, firstId, 'a new Socket.IO session');
    await roundTrip(a, a, 'after.restart');
    assert.equal((await srv.stop('SIGTERM')).code, 0);
  });

  test('SIGTERM with clients connected on every transport exits 0', async () => {
    const srv = await startServer();
    const token = await sioToken(srv);
    const clients = [];
    for (const transports of [['websocket'], ['polling'], ['polling', 'websocket']]) {
      const s = await connect(srv, { token, transports });
      await s.emitWithAck('join', { channel: 'lobby' });
      clients.push(s);
    }
    const closed = clients.map((s) => new Promise((r) => s.once('disconnect', r)));
    const r = await srv.stop('SIGTERM');
    assert.equal(r.code, 0, srv.output());
    assert.ok(!r.timedOut, 'the server hung on SIGTERM');
    await Promise.all(closed);
  });
});
