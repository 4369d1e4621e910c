// Per-topic cluster interest (issue 20 item 4): two `realtime serve` on one redis-server. An
// instance subscribes in Redis only to the topics its clients hold; a subscription acknowledged
// to a client receives what the other instance publishes right after the ack (never missed,
// /ws and Socket.IO, channels too); tenants with equal topic names stay apart; unsubscribing
// removes the channel from PUBSUB CHANNELS; an instance with no subscriber receives nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { api, killAll, startServer, tempDir } from './lib/server.mjs';
import { connect, getToken } from './lib/wsclient.mjs';
import { eventually, ioConnect, sioToken, socketPool, startRedis } from './lib/sio.mjs';

/** One Redis command over a fresh connection; resolves with the array reply's strings. */
function redisArray(port, args) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      const lines = buf.split('\r\n');
      if (!lines[0].startsWith('*')) return reject(new Error(`not an array: ${lines[0]}`));
      const n = Number(lines[0].slice(1));
      if (lines.length < 1 + 2 * n + 1) return;  // incomplete
      const out = [];
      for (let i = 0; i < n; i++) out.push(lines[2 + 2 * i]);
      sock.end();
      resolve(out.sort());
    });
    sock.on('error', reject);
    sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

const metric = async (srv, name) => {
  const text = await (await fetch(`${srv.url}/metrics`)).text();
  const m = text.match(new RegExp(`^${name} (\\S+)$`, 'm'));
  assert.ok(m, `${name} in /metrics`);
  return Number(m[1]);
};

describe('cluster interest: two instances on one Redis', () => {
  let redis, redisPort, a, b;
  const ws = [];
  const pool = socketPool();
  const open = async (srv, opts) => {
    const c = await connect(srv, opts);
    ws.push(c);
    return c;
  };

  before(async () => {
    redis = await startRedis();
    redisPort = Number(new URL(redis.url).port);
    const dataDir = tempDir();
    a = await startServer({ env: { REDIS_URL: redis.url }, dataDir });
    b = await startServer({ env: { REDIS_URL: redis.url }, dataDir });
  });
  after(async () => {
    for (const c of ws) c.close();
    pool.closeAll();
    killAll();
    await redis?.stop();
  });

  test('/ws: subscribe acked on B, publish on A at once: received, 50 times in a row', async () => {
    const token = await getToken(a);
    const sub = await open(b, { token });
    const pub = await open(a, { token });
    for (let i = 0; i < 50; i++) {
      const topic = `ack.ws.${i}`;  // a fresh topic: B's first subscriber, a new Redis SUBSCRIBE
      await sub.subscribe(topic);
      const id = await pub.publish(topic, { i });
      const ev = await sub.next((m) => m.type === 'event' && m.topic === topic, 3000, `round ${i}'s event`);
      assert.equal(ev.data.id, id);
    }
  });

  test('Socket.IO: subscribe and join acked on B, publish on A at once: received, 30 times each', async () => {
    const sub = pool.add(await ioConnect(b, { token: await sioToken(b, { subject: 'sub' }) }));
    const pub = pool.add(await ioConnect(a, { token: await sioToken(a, { subject: 'pub' }) }));
    for (let i = 0; i < 30; i++) {
      const topic = `ack.sio.${i}`;
      const r = await sub.emitWithAck('subscribe', { topic });
      assert.match(r.subscriptionId, /^sub_/, JSON.stringify(r));
      const p = await pub.emitWithAck('publish', { topic, payload: { i } });
      const ev = await sub.inbox.next((e) => e.topic === topic);
      assert.equal(ev.id, p.id);
    }
    for (let i = 0; i < 30; i++) {
      const channel = `ack.room.${i}`;
      assert.equal((await pub.emitWithAck('join', { channel })).ok, true);
      assert.equal((await sub.emitWithAck('join', { channel })).ok, true);
      const m = await pub.emitWithAck('channel:publish', { channel, event: 'chat', data: { i } });
      const ev = await sub.inbox.next((e) => e.topic === channel && e.type === 'chat');
      assert.equal(ev.id, m.id);
    }
  });

  test('tenants with equal topic names stay apart across instances', async () => {
    const created = await api(a.url, 'POST', '/api/applications', { json: { name: `tenant-${Date.now()}` } });
    assert.equal(created.status, 201, created.text);
    const tokenOther = await getToken(a, { app: created.body.id });
    const tokenDefault = await getToken(a);
    const subDefault = await open(b, { token: tokenDefault });
    const subOther = await open(b, { token: tokenOther });
    await subDefault.subscribe('same.name');
    await subOther.subscribe('same.name');
    const pubOther = await open(a, { token: tokenOther });
    const pubDefault = await open(a, { token: tokenDefault });
    await pubOther.publish('same.name', { from: 'other' });
    assert.equal((await subOther.nextType('event')).data.payload.from, 'other');
    // Published after the other tenant's event, through the same Redis connection: had the
    // default subscriber received the other's event, it would be ahead of this one.
    await pubDefault.publish('same.name', { from: 'default' });
    const ev = await subDefault.nextType('event');
    assert.equal(ev.data.payload.from, 'default');
    const channels = await redisArray(redisPort, ['PUBSUB', 'CHANNELS', 'realtime:event:*:same.name']);
    assert.equal(channels.length, 2, `one channel per tenant: ${channels}`);
  });

  test('unsubscribe (and disconnect) removes the channel from PUBSUB CHANNELS', async () => {
    const token = await getToken(a);
    const sub = await open(b, { token });
    const pattern = 'realtime:event:*:gone.topic';
    const id = await sub.subscribe('gone.topic');
    assert.equal((await redisArray(redisPort, ['PUBSUB', 'CHANNELS', pattern])).length, 1);
    const r = await sub.request({ type: 'unsubscribe', subscriptionId: id });
    assert.equal(r.type, 'unsubscribed');
    await eventually(async () => (await redisArray(redisPort, ['PUBSUB', 'CHANNELS', pattern])).length === 0,
      { what: 'the channel gone after unsubscribe' });

    const other = await open(b, { token });
    await other.subscribe('gone.again');
    assert.equal((await redisArray(redisPort, ['PUBSUB', 'CHANNELS', 'realtime:event:*:gone.again'])).length, 1);
    other.close();
    await eventually(async () => (await redisArray(redisPort, ['PUBSUB', 'CHANNELS', 'realtime:event:*:gone.again'])).length === 0,
      { what: 'the channel gone after disconnect' });
  });

  test('an instance with no subscriber for a topic receives none of its events', async () => {
    const token = await getToken(a);
    const marker = await open(b, { token });
    await marker.subscribe('quiet.marker');
    const before = await metric(b, 'realtime_events_remote_total');
    const pub = await open(a, { token });
    for (let i = 0; i < 100; i++) await pub.publish('quiet.topic', { i });
    await pub.publish('quiet.marker', {});
    await marker.next((m) => m.type === 'event' && m.topic === 'quiet.marker');
    // The marker crossed after the 100 events; B received the marker alone.
    assert.equal(await metric(b, 'realtime_events_remote_total') - before, 1);
  });
});

describe('cluster interest with REDIS_CLUSTER=true (sharded Pub/Sub)', () => {
  let redis, redisPort, a, b;
  const ws = [];
  before(async () => {
    redis = await startRedis();
    redisPort = Number(new URL(redis.url).port);
    const dataDir = tempDir();
    const env = { REDIS_URL: redis.url, REDIS_CLUSTER: 'true' };
    a = await startServer({ env, dataDir });
    b = await startServer({ env, dataDir });
  });
  after(async () => {
    for (const c of ws) c.close();
    killAll();
    await redis?.stop();
  });

  test('subscribe acked on B, publish on A: received 20 times; channels are shard channels', async () => {
    const token = await getToken(a);
    const sub = await connect(b, { token });
    const pub = await connect(a, { token });
    ws.push(sub, pub);
    for (let i = 0; i < 20; i++) {
      const topic = `sharded.${i}`;
      await sub.subscribe(topic);
      const id = await pub.publish(topic, { i });
      const ev = await sub.next((m) => m.type === 'event' && m.topic === topic, 3000, `round ${i}'s event`);
      assert.equal(ev.data.id, id);
    }
    assert.equal((await redisArray(redisPort, ['PUBSUB', 'SHARDCHANNELS', 'realtime:event:*:sharded.*'])).length, 20);
    assert.deepEqual(await redisArray(redisPort, ['PUBSUB', 'CHANNELS', 'realtime:event:*']), [], 'nothing on classic Pub/Sub');
    assert.deepEqual(await redisArray(redisPort, ['PUBSUB', 'SHARDCHANNELS', 'realtime:control']), ['realtime:control']);
  });
});

// B reaches Redis through a proxy that delays every byte by 60 ms each way: B's SUBSCRIBE lands
// well after its client could publish on A. Only an ack sent after Redis confirmed the SUBSCRIBE
// makes the event published right after it arrive (without the wait, every round misses).
function delayingProxy(targetPort, delayMs) {
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pipe = (from, to) => from.on('data', (d) => setTimeout(() => to.writable && to.write(d), delayMs));
    pipe(client, upstream);
    pipe(upstream, client);
    const close = () => { client.destroy(); upstream.destroy(); };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('cluster interest: the ack waits for Redis when the subscriber\'s instance is far from it', () => {
  let redis, proxy, a, b;
  const ws = [];
  before(async () => {
    redis = await startRedis();
    proxy = await delayingProxy(Number(new URL(redis.url).port), 60);
    const dataDir = tempDir();
    a = await startServer({ env: { REDIS_URL: redis.url }, dataDir });
    b = await startServer({ env: { REDIS_URL: `redis://127.0.0.1:${proxy.address().port}` }, dataDir });
  });
  after(async () => {
    for (const c of ws) c.close();
    killAll();
    proxy?.close();
    await redis?.stop();
  });

  test('subscribe on B (slow link), publish on A at once: received, 10 times in a row', async () => {
    const token = await getToken(a);
    const sub = await connect(b, { token });
    const pub = await connect(a, { token });
    ws.push(sub, pub);
    for (let i = 0; i < 10; i++) {
      const topic = `far.${i}`;
      const t0 = Date.now();
      await sub.subscribe(topic);
      assert.ok(Date.now() - t0 >= 100, `the ack came after a Redis round trip through the proxy (${Date.now() - t0} ms)`);
      const id = await pub.publish(topic, { i });
      const ev = await sub.next((m) => m.type === 'event' && m.topic === topic, 3000, `round ${i}'s event`);
      assert.equal(ev.data.id, id);
    }
  });
});
