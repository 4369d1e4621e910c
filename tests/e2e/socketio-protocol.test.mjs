// Socket.IO v5 packets written by hand over a raw Engine.IO WebSocket (the `ws` package, no
// Socket.IO library): CONNECT and its errors, namespaces, EVENT/ACK, binary attachments,
// DISCONNECT, and malformed or oversized input, which must close only the offending connection.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { killAll, startServer } from './lib/server.mjs';
import { RawSio, parseSio, pollOpen, pollPost, pollGet, sioToken, sleep, socketPool, wsOpen } from './lib/sio.mjs';

const HEARTBEAT = { REALTIME_SOCKETIO_PING_INTERVAL_MS: '300', REALTIME_SOCKETIO_PING_TIMEOUT_MS: '200' };
const pool = socketPool();

/** An Engine.IO WebSocket session (auto-pong) on which no Socket.IO CONNECT was sent yet. */
async function bareSession(srv, params) {
  const { eio } = await wsOpen(srv, params, { autoPong: true });
  return pool.add(eio);
}

/** The CONNECT_ERROR for a refused token: 44{"message":…,"data":{"code":"AUTH_FAILED"}}. */
function assertAuthFailed(packet) {
  const p = parseSio(packet);
  assert.equal(p.type, 4, packet);
  assert.equal(p.nsp, '/');
  assert.equal(typeof p.data.message, 'string', packet);
  assert.ok(p.data.message.length > 0, packet);
  assert.deepEqual(p.data.data, { code: 'AUTH_FAILED' }, packet);
}

describe('Socket.IO v5 over a raw WebSocket', () => {
  let srv, token;
  before(async () => {
    srv = await startServer({ env: { ...HEARTBEAT, REALTIME_SOCKETIO_CONNECT_TIMEOUT_MS: '1000' } });
    token = await sioToken(srv);
  });
  after(() => { pool.closeAll(); killAll(); });

  describe('CONNECT', () => {
    test('with auth {token}: 40{"sid"} with a socket id that is not the engine sid', async () => {
      const { eio, hs } = await wsOpen(srv, {}, { autoPong: true });
      pool.add(eio);
      eio.send(`40${JSON.stringify({ token })}`);
      const reply = await eio.nextText('4');
      assert.match(reply, /^40\{"sid":"[^"]+"\}$/);
      const { sid } = JSON.parse(reply.slice(2));
      assert.notEqual(sid, hs.sid);
    });

    test('without a token, or with a bad one: CONNECT_ERROR AUTH_FAILED; the session may retry', async () => {
      const eio = await bareSession(srv);
      eio.send('40');
      assertAuthFailed(await eio.nextText('4'));
      eio.send('40{}');
      assertAuthFailed(await eio.nextText('4'));
      eio.send('40{"token":"not.a.jwt"}');
      assertAuthFailed(await eio.nextText('4'));
      eio.send(`40{"token":"${token.slice(0, -4)}AAAA"}`);
      assertAuthFailed(await eio.nextText('4'));
      assert.ok(eio.isOpen, 'a refused CONNECT does not close the engine session');
      eio.send(`40${JSON.stringify({ token })}`);
      assert.match(await eio.nextText('4'), /^40\{"sid"/);
    });

    test('the token may come from the ?token= query or an Authorization header', async () => {
      const q = await bareSession(srv, { token });
      q.send('40');
      assert.match(await q.nextText('4'), /^40\{"sid"/);
      const h = pool.add((await wsOpen(srv, {}, { autoPong: true, headers: { authorization: `Bearer ${token}` } })).eio);
      h.send('40');
      assert.match(await h.nextText('4'), /^40\{"sid"/);
    });

    test('an unknown namespace is refused with "Invalid namespace"', async () => {
      const eio = await bareSession(srv);
      eio.send('40/nope,');
      assert.equal(await eio.nextText('4'), '44/nope,{"message":"Invalid namespace"}');
      eio.send(`40/nope,${JSON.stringify({ token })}`);
      assert.equal(await eio.nextText('4'), '44/nope,{"message":"Invalid namespace"}');
    });

    test('no CONNECT within the connect timeout (1 s here): the session is closed', async () => {
      const idle = await bareSession(srv);
      const t0 = Date.now();
      await idle.expectClosed(3000);
      assert.ok(Date.now() - t0 >= 800, `closed after ${Date.now() - t0} ms`);
    });

    test('a second CONNECT to a namespace already connected closes the session', async () => {
      const s = pool.add(await RawSio.connect(srv, token));
      s.eio.send(`40${JSON.stringify({ token })}`);
      await s.eio.expectClosed(2000);
    });
  });

  describe('EVENT and ACK', () => {
    test('subscribe with an ack id is acked with {subscriptionId, topic}', async () => {
      const { eio } = pool.add(await RawSio.connect(srv, token));
      eio.send('421["subscribe",{"topic":"t"}]');
      const ack = await eio.nextText('43');
      assert.match(ack, /^431\[\{"subscriptionId":"sub_[^"]+","topic":"t"\}\]$/);
      eio.send('4277["subscribe",{"topic":"t2"}]');
      assert.match(await eio.nextText('43'), /^4377\[\{"subscriptionId":"sub_[^"]+","topic":"t2"\}\]$/);
    });

    test('errors are acked as [{error:{code,message}}] and the connection stays open', async () => {
      const s = pool.add(await RawSio.connect(srv, token));
      const check = (ack, code) => {
        assert.equal(ack.length, 1, JSON.stringify(ack));
        assert.equal(ack[0].error?.code, code, JSON.stringify(ack));
        assert.equal(typeof ack[0].error.message, 'string');
      };
      check(await s.emitAck('subscribe', { topic: 't', filter: { a: { in: 'not-a-list' } } }), 'INVALID_FILTER');
      check(await s.emitAck('no-such-event', {}), 'UNKNOWN_EVENT');
      check(await s.emitAck('subscribe', {}), 'INVALID_MESSAGE');
      check(await s.emitAck('subscribe', 'not an object'), 'INVALID_MESSAGE');
      check(await s.emitAck('subscribe', { topic: 'bad topic!' }), 'INVALID_TOPIC');
      check(await s.emitAck('publish', { topic: 't', payload: 'text' }), 'INVALID_PAYLOAD');
      check(await s.emitAck('unsubscribe', { subscriptionId: 'sub_nope' }), 'NOT_FOUND');
      assert.ok(s.eio.isOpen);
    });

    test('an EVENT without an ack id gets no ack, but is still executed', async () => {
      const s = pool.add(await RawSio.connect(srv, token));
      s.eio.send('42["subscribe",{"topic":"quiet"}]');
      const pub = pool.add(await RawSio.connect(srv, token));
      await sleep(100);
      await pub.emitAck('publish', { topic: 'quiet', payload: { q: 1 } });
      const ev = await s.nextEvent();
      assert.deepEqual(ev.payload, { q: 1 });
      assert.equal(s.eio.inbox.take((m) => typeof m === 'string' && m.startsWith('43')).length, 0);
    });

    test('events arrive as 42["event",RealtimeEvent]', async () => {
      const sub = pool.add(await RawSio.connect(srv, token));
      const [{ subscriptionId }] = await sub.emitAck('subscribe', { topic: 'orders' });
      assert.match(subscriptionId, /^sub_/);
      const pub = pool.add(await RawSio.connect(srv, token));
      const [{ id }] = await pub.emitAck('publish', { topic: 'orders', payload: { n: 7 }, type: 'order.created' });
      assert.match(id, /^evt_/);
      const raw = await sub.eio.nextText('42[');
      assert.ok(raw.startsWith('42["event",{'), raw);
      const [name, ev, ...rest] = JSON.parse(raw.slice(2));
      assert.equal(name, 'event');
      assert.equal(rest.length, 0);
      assert.equal(ev.id, id);
      assert.equal(ev.topic, 'orders');
      assert.equal(ev.source, 'socket');
      assert.equal(ev.type, 'order.created');
      assert.deepEqual(ev.payload, { n: 7 });
      assert.equal(typeof ev.metadata.timestamp, 'number');
      const [ok] = await sub.emitAck('unsubscribe', { subscriptionId });
      assert.deepEqual(ok, { ok: true });
    });

    test('ACK packets from the client are ignored', async () => {
      const s = pool.add(await RawSio.connect(srv, token));
      s.eio.send('435["whatever"]');
      assert.equal((await s.emitAck('subscribe', { topic: 'after-ack' }))[0].topic, 'after-ack');
    });
  });

  describe('DISCONNECT and binary attachments', () => {
    test('DISCONNECT 41 leaves the namespace but keeps the engine session', async () => {
      const s = pool.add(await RawSio.connect(srv, token));
      s.eio.send('41');
      await sleep(50);
      s.eio.send('429["subscribe",{"topic":"t"}]'); // not connected to "/" any more: ignored
      const pingsBefore = s.eio.pings;
      await sleep(800);
      assert.ok(s.eio.isOpen, 'engine session closed after DISCONNECT');
      assert.ok(s.eio.pings > pingsBefore, 'pings keep coming after DISCONNECT');
      assert.equal(s.eio.inbox.take((m) => typeof m === 'string' && m.startsWith('439')).length, 0, 'no ack after DISCONNECT');
      s.eio.send(`40${JSON.stringify({ token })}`);
      assert.match(await s.eio.nextText('40'), /^40\{"sid"/, 'may CONNECT again');
    });

    test('a BINARY_EVENT with an attachment is reassembled and acked; the next ack id works', async () => {
      const s = pool.add(await RawSio.connect(srv, token));
      s.eio.send('451-1["publish",{"topic":"bin","payload":{"_placeholder":true,"num":0}}]');
      await sleep(30);
      s.eio.send(Buffer.from([1, 2, 3, 4]));
      const ack = parseSio(await s.eio.nextText('431'));
      assert.equal(ack.id, 1);
      assert.ok(ack.data[0].id || ack.data[0].error, JSON.stringify(ack.data));
      s.ackSeq = 1;
      assert.equal((await s.emitAck('subscribe', { topic: 'after-binary' }))[0].topic, 'after-binary');
      // Two attachments, in one go.
      s.eio.send('452-3["publish",{"topic":"bin","payload":{"a":{"_placeholder":true,"num":0},"b":{"_placeholder":true,"num":1}}}]');
      s.eio.send(Buffer.from([5]));
      s.eio.send(Buffer.from([6]));
      assert.equal(parseSio(await s.eio.nextText('433')).id, 3);
      s.ackSeq = 3;
      assert.equal((await s.emitAck('subscribe', { topic: 'after-two' }))[0].topic, 'after-two');
    });
  });

  describe('malformed packets close the connection', () => {
    const garbage = {
      'unknown Socket.IO type': '4abc',
      'EVENT data not an array': '42{}',
      'EVENT with junk before the data': '42abc["x"]',
      'EVENT with an empty array': '42[]',
      'EVENT whose name is not a string': '42[1,2]',
      'BINARY_EVENT without an attachment count': '45["x",{"_placeholder":true,"num":0}]',
      'CONNECT_ERROR sent by a client': '44{"message":"x"}',
      'DISCONNECT with a payload': '41{"x":1}',
      'ACK without an id': '43["x"]',
    };
    for (const [what, packet] of Object.entries(garbage)) {
      test(`${what}: ${packet}`, async () => {
        const s = pool.add(await RawSio.connect(srv, token));
        s.eio.send(packet);
        await s.eio.expectClosed(2000);
      });
    }

    test('a text packet while binary attachments are pending', async () => {
      const s = pool.add(await RawSio.connect(srv, token));
      s.eio.send('451-1["publish",{"topic":"bin","payload":{"_placeholder":true,"num":0}}]');
      s.eio.send('422["subscribe",{"topic":"x"}]');
      await s.eio.expectClosed(2000);
    });

    test('a binary message that nothing announced', async () => {
      const s = pool.add(await RawSio.connect(srv, token));
      s.eio.send(Buffer.from([1, 2, 3]));
      await s.eio.expectClosed(2000);
    });

    test('garbage over polling closes the polling session too', async () => {
      const { sid } = await pollOpen(srv, { token });
      assert.equal((await pollPost(srv, sid, ['40', '42{}'])).status, 200);
      await sleep(50);
      const r = await pollGet(srv, sid);
      assert.ok(r.status === 400 || r.packets.includes('1'), `${r.status} ${r.text}`);
      const again = await pollGet(srv, sid);
      assert.equal(again.status, 400, again.text);
    });

    test('the server keeps serving other connections', async () => {
      const bystander = pool.add(await RawSio.connect(srv, token));
      for (const packet of ['4abc', '42{}', '45["x"]']) {
        const s = pool.add(await RawSio.connect(srv, token));
        s.eio.send(packet);
        await s.eio.expectClosed(2000);
      }
      assert.equal((await bystander.emitAck('subscribe', { topic: 'still-here' }))[0].topic, 'still-here');
      const fresh = pool.add(await RawSio.connect(srv, token));
      assert.equal((await fresh.emitAck('subscribe', { topic: 'fresh' }))[0].topic, 'fresh');
    });
  });
});

describe('Socket.IO oversized messages (maxPayload 2048, max body 4096)', () => {
  let srv, token;
  before(async () => {
    srv = await startServer({ env: { ...HEARTBEAT, REALTIME_SOCKETIO_MAX_PAYLOAD: '2048', REALTIME_MAX_BODY_BYTES: '4096' } });
    token = await sioToken(srv);
  });
  after(() => { pool.closeAll(); killAll(); });

  const bigPublish = (n) => `42["publish",{"topic":"big","payload":{"s":"${'x'.repeat(n)}"}}]`;

  test('the handshake advertises maxPayload 2048', async () => {
    const { hs } = await pollOpen(srv);
    assert.equal(hs.maxPayload, 2048);
  });

  test('a WebSocket message larger than maxPayload closes that connection only', async () => {
    const bystander = pool.add(await RawSio.connect(srv, token));
    const s = pool.add(await RawSio.connect(srv, token));
    s.eio.send(bigPublish(3000));
    await s.eio.expectClosed(3000);
    assert.equal((await bystander.emitAck('subscribe', { topic: 'ok' }))[0].topic, 'ok');
  });

  test('a WebSocket message over the WebSocket message limit (1 MiB) closes with 1009', async () => {
    const s = pool.add(await RawSio.connect(srv, token));
    s.eio.send(bigPublish(1100 * 1024));
    assert.equal((await s.eio.expectClosed(5000)).code, 1009);
  });

  test('a polling POST larger than the body limit gets 413; the server keeps serving', async () => {
    const { sid } = await pollOpen(srv, { token });
    const r = await pollPost(srv, sid, ['40', bigPublish(6000)]);
    assert.equal(r.status, 413, r.text);
    const fresh = pool.add(await RawSio.connect(srv, token));
    assert.equal((await fresh.emitAck('subscribe', { topic: 'ok' }))[0].topic, 'ok');
  });

  test('a polling POST larger than maxPayload (but under the body limit) is refused', async () => {
    const { sid } = await pollOpen(srv, { token });
    const r = await pollPost(srv, sid, ['40', bigPublish(3000)]);
    assert.ok(r.status === 413 || r.status === 400, `expected 413 (or 400), got ${r.status} ${r.text}`);
  });
});
