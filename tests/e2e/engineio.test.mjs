// Engine.IO v4 at /socket.io/, spoken by hand: fetch for long-polling, the `ws` package for the
// WebSocket transport (no Socket.IO library). Heartbeat 300/200 ms so timeouts are quick.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { killAll, startServer } from './lib/server.mjs';
import { EioWs, RS, assertEioError as assertBad, eioFetch, pollGet, pollOpen, pollPost, sleep, socketPool, wsOpen,
  withoutPings as noPings } from './lib/sio.mjs';

const HEARTBEAT = { REALTIME_SOCKETIO_PING_INTERVAL_MS: '300', REALTIME_SOCKETIO_PING_TIMEOUT_MS: '200' };
const pool = socketPool();

describe('Engine.IO v4 (product mode)', () => {
  let srv;
  before(async () => { srv = await startServer({ env: HEARTBEAT }); });
  after(() => { pool.closeAll(); killAll(); });

  describe('handshake and bad requests', () => {
    test('polling handshake: open packet with sid, websocket upgrade and the configured limits', async () => {
      const r = await eioFetch(srv, {});
      assert.equal(r.status, 200, r.text);
      assert.match(r.headers.get('content-type'), /^text\/plain/);
      assert.equal(r.text[0], '0', r.text);
      const hs = JSON.parse(r.text.slice(1));
      assert.ok(typeof hs.sid === 'string' && hs.sid.length > 0, r.text);
      assert.deepEqual(hs, { sid: hs.sid, upgrades: ['websocket'], pingInterval: 300, pingTimeout: 200, maxPayload: 1000000 });
      const other = await pollOpen(srv);
      assert.notEqual(other.sid, hs.sid, 'every handshake gets a new sid');
    });

    test('websocket handshake: the first message is the open packet, with no upgrades', async () => {
      const { eio, hs } = await wsOpen(srv, {}, { autoPong: true });
      pool.add(eio).close();
      assert.deepEqual(hs, { sid: hs.sid, upgrades: [], pingInterval: 300, pingTimeout: 200, maxPayload: 1000000 });
    });

    test('400 for a missing or unsupported EIO version', async () => {
      assertBad(await eioFetch(srv, { EIO: null }), 5);
      assertBad(await eioFetch(srv, { EIO: '3' }), 5);
      assertBad(await eioFetch(srv, { EIO: 'abc' }), 5);
    });

    test('400 for a missing or unknown transport', async () => {
      assertBad(await eioFetch(srv, { transport: null }), 0);
      assertBad(await eioFetch(srv, { transport: 'carrier-pigeon' }), 0);
    });

    test('400 for a handshake by POST or PUT', async () => {
      assertBad(await eioFetch(srv, {}, { method: 'POST', body: '40' }), 2);
      assertBad(await eioFetch(srv, {}, { method: 'PUT', body: '40' }), 2);
    });

    test('400 for an unknown sid, on GET, POST and a websocket upgrade', async () => {
      assertBad(await eioFetch(srv, { sid: 'no-such-session' }), 1);
      assertBad(await pollPost(srv, 'no-such-session', ['4hello']), 1);
      await assert.rejects(EioWs.open(srv, { sid: 'no-such-session' }), (e) => e.status === 400);
    });
  });

  describe('long-polling', () => {
    test('several client packets in one POST, several server packets in one GET', async () => {
      const { sid } = await pollOpen(srv);
      // Two Socket.IO CONNECTs the server refuses: one reply each, batched into one response.
      const post = await pollPost(srv, sid, ['40', '40/nope,']);
      assert.equal(post.status, 200, post.text);
      assert.equal(post.text, 'ok');
      const get = await pollGet(srv, sid);
      assert.equal(get.status, 200, get.text);
      const packets = noPings(get.packets);
      assert.equal(packets.length, 2, `expected two packets separated by \\x1e: ${JSON.stringify(get.text)}`);
      assert.match(packets[0], /^44\{"message":.*"code":"AUTH_FAILED"/);
      assert.equal(packets[1], '44/nope,{"message":"Invalid namespace"}');
    });

    test('a pending GET is answered as soon as a packet is queued', async () => {
      const { sid } = await pollOpen(srv);
      const get = pollGet(srv, sid);
      await sleep(50);
      assert.equal((await pollPost(srv, sid, '40/nope,')).status, 200);
      const r = await get;
      assert.deepEqual(noPings(r.packets), ['44/nope,{"message":"Invalid namespace"}']);
    });

    test('binary packets: b + base64 is accepted, bad base64 closes the session', async () => {
      const { sid } = await pollOpen(srv);
      const ok = await pollPost(srv, sid, [`b${Buffer.from([1, 2, 3]).toString('base64')}`, '3']);
      // The POST is well-formed Engine.IO; but a binary message while Socket.IO expects no
      // attachment is a Socket.IO error, which closes the session.
      assert.equal(ok.status, 200, ok.text);
      assertBad(await pollGet(srv, sid), 1);
      const { sid: sid2 } = await pollOpen(srv);
      assertBad(await pollPost(srv, sid2, ['b@@not base64@@']));
      assertBad(await pollGet(srv, sid2), 1);
    });

    test('heartbeat: ping 2 arrives on the GET, pong 3 keeps the session alive', async () => {
      const { sid } = await pollOpen(srv);
      const t0 = Date.now();
      for (let i = 0; i < 3; i++) {
        const r = await pollGet(srv, sid);
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.packets, ['2'], `round ${i}`);
        assert.equal((await pollPost(srv, sid, ['3'])).status, 200);
      }
      assert.ok(Date.now() - t0 >= 800, 'pings come every pingInterval');
      const r = await pollGet(srv, sid);
      assert.deepEqual(r.packets, ['2'], 'still alive after three rounds');
    });

    test('no pong within pingTimeout: the session is closed', async () => {
      const { sid } = await pollOpen(srv);
      const r = await pollGet(srv, sid);
      assert.deepEqual(r.packets, ['2']);
      await sleep(400); // > pingTimeout
      const after = await pollGet(srv, sid);
      assertBad(after);
      assertBad(await pollPost(srv, sid, ['3']));
    });

    test('two concurrent GETs: the second gets 400 and the session closes', async () => {
      const { sid } = await pollOpen(srv);
      const first = pollGet(srv, sid);
      await sleep(50);
      const second = await pollGet(srv, sid);
      assertBad(second);
      const r1 = await first;
      assert.equal(r1.status, 200, r1.text);
      assert.deepEqual(r1.packets, ['1'], 'the pending GET is answered with a close packet');
      assertBad(await pollGet(srv, sid), 1);
    });

    test('aborting a pending GET closes the session', async () => {
      const { sid } = await pollOpen(srv);
      const ctl = new AbortController();
      const get = pollGet(srv, sid, { signal: ctl.signal });
      await sleep(50);
      ctl.abort();
      await assert.rejects(get);
      await sleep(100);
      assertBad(await pollGet(srv, sid), 1);
    });

    test('an invalid packet type closes the session', async () => {
      const { sid } = await pollOpen(srv);
      assertBad(await pollPost(srv, sid, ['9oops']));
      assertBad(await pollGet(srv, sid), 1);
      const { sid: sid2 } = await pollOpen(srv);
      await pollPost(srv, sid2, ['0{}']); // "open" is never sent by a client
      const r = await pollGet(srv, sid2);
      assert.ok(r.status === 400 || (r.status === 200 && r.packets.includes('1')), `${r.status} ${r.text}`);
      assertBad(await pollGet(srv, sid2), 1);
    });

    test('close packet from the client: the pending GET gets a noop, then the sid is gone', async () => {
      const { sid } = await pollOpen(srv);
      const get = pollGet(srv, sid);
      await sleep(50);
      assert.equal((await pollPost(srv, sid, ['1'])).status, 200);
      const r = await get;
      assert.equal(r.status, 200, r.text);
      assert.equal(r.text, '6');
      assertBad(await pollGet(srv, sid), 1);
    });
  });

  describe('websocket transport', () => {
    test('heartbeat: pings every pingInterval; without a pong the socket is closed', async () => {
      const eio = pool.add((await wsOpen(srv)).eio);
      assert.equal(await eio.next(() => true, 1000, 'a ping'), '2');
      eio.send('3');
      const t0 = Date.now();
      assert.equal(await eio.next(() => true, 1000, 'a second ping'), '2');
      assert.ok(Date.now() - t0 >= 250, 'the next ping waits for pingInterval after the pong');
      // No pong this time.
      const info = await eio.expectClosed(1500);
      assert.ok(info.code === 1000 || info.code === 1005 || info.code === 1006, JSON.stringify(info));
    });

    test('close packet from the client closes the socket', async () => {
      const eio = pool.add((await wsOpen(srv, {}, { autoPong: true })).eio);
      eio.send('1');
      await eio.expectClosed(2000);
    });

    test('an invalid packet closes the socket', async () => {
      const eio = pool.add((await wsOpen(srv, {}, { autoPong: true })).eio);
      eio.send('x-not-a-packet');
      await eio.expectClosed(2000);
    });
  });

  describe('upgrade from polling to websocket', () => {
    test('probe, noop to the pending GET, upgrade, flush, and the polling transport is closed', async () => {
      const { sid } = await pollOpen(srv);
      const pending = pollGet(srv, sid);
      await sleep(30);
      const ws = pool.add(await EioWs.open(srv, { sid }));
      ws.send('2probe');
      assert.equal(await ws.next(() => true, 2000, 'the probe answer'), '3probe');
      const r = await pending;
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(noPings(r.packets), ['6'], `the pending GET must end with a noop: ${JSON.stringify(r.text)}`);
      // Something queued while upgrading (a refused CONNECT's reply) ...
      assert.equal((await pollPost(srv, sid, ['40/nope,'])).status, 200);
      ws.send('5');
      // ... is flushed over the WebSocket once the upgrade completes.
      assert.equal(await ws.next((m) => m !== '2', 2000, 'the buffered packet'), '44/nope,{"message":"Invalid namespace"}');
      // The heartbeat continues over the WebSocket.
      assert.equal(await ws.next((m) => m === '2', 1000, 'a ping over the websocket'), '2');
      ws.send('3');
      assertBad(await pollGet(srv, sid));
      // Another WebSocket for the same (already upgraded) sid is refused or closed at once.
      try {
        const dup = pool.add(await EioWs.open(srv, { sid }));
        dup.send('2probe');
        await dup.expectClosed(2000);
        assert.ok(!dup.inbox.all.includes('3probe'), 'a second upgrade must not be probed');
      } catch (e) {
        assert.equal(e.status, 400, e.message);
      }
      assert.ok(ws.isOpen, 'the upgraded socket is unaffected');
      ws.send('40/nope,');
      assert.equal(await ws.next((m) => m !== '2', 2000), '44/nope,{"message":"Invalid namespace"}');
    });

    test('a GET during the probe is answered with a noop at once', async () => {
      const { sid } = await pollOpen(srv);
      const ws = pool.add(await EioWs.open(srv, { sid }, { autoPong: true }));
      ws.send('2probe');
      assert.equal(await ws.next(() => true, 2000), '3probe');
      const r = await pollGet(srv, sid, { signal: AbortSignal.timeout(1000) });
      assert.equal(r.text, '6');
      ws.send('5');
      ws.send('40/nope,');
      assert.equal(await ws.next((m) => m !== '2', 2000), '44/nope,{"message":"Invalid namespace"}');
    });
  });

  describe('CORS', () => {
    test('a polling GET from a browser origin is allowed (any origin by default)', async () => {
      const r = await eioFetch(srv, {}, { headers: { origin: 'http://example.com' } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('access-control-allow-origin'), 'http://example.com');
      const { sid } = await pollOpen(srv);
      const post = await pollPost(srv, sid, ['3'], { headers: { origin: 'http://example.com' } });
      assert.equal(post.headers.get('access-control-allow-origin'), 'http://example.com');
    });

    test('OPTIONS preflight gets 204 with the allowed methods', async () => {
      const headers = { origin: 'http://example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' };
      const r = await eioFetch(srv, {}, { method: 'OPTIONS', headers });
      assert.equal(r.status, 204, r.text);
      assert.equal(r.headers.get('access-control-allow-origin'), 'http://example.com');
      assert.match(r.headers.get('access-control-allow-methods') ?? '', /POST/);
      assert.match(r.headers.get('access-control-allow-headers') ?? '', /content-type/i);
    });
  });
});

describe('Engine.IO with CORS_ORIGINS set', () => {
  let srv;
  before(async () => { srv = await startServer({ env: { ...HEARTBEAT, CORS_ORIGINS: 'http://good.example' } }); });
  after(() => killAll());

  test('only the configured origins are allowed', async () => {
    const good = await eioFetch(srv, {}, { headers: { origin: 'http://good.example' } });
    assert.equal(good.headers.get('access-control-allow-origin'), 'http://good.example');
    const bad = await eioFetch(srv, {}, { headers: { origin: 'http://evil.example' } });
    assert.equal(bad.headers.get('access-control-allow-origin'), null);
  });
});

describe('Engine.IO echo (conformance mode): binary and batching from the server side', () => {
  let srv;
  before(async () => { srv = await startServer({ env: { ...HEARTBEAT, REALTIME_SOCKETIO_CONFORMANCE: '1' } }); });
  after(() => killAll());

  const echo = (params, opts = {}) => eioFetch(srv, params, { ...opts, path: '/engine.io/' });

  test('text and b+base64 binary messages come back batched with \\x1e', async () => {
    const { sid } = JSON.parse((await echo({})).text.slice(1));
    const bin = Buffer.from([0, 1, 2, 250, 255]).toString('base64');
    const post = await echo({ sid }, { method: 'POST', body: ['4hello', `b${bin}`, '4€ unicode'].join(RS) });
    assert.equal(post.status, 200, post.text);
    const get = await echo({ sid });
    assert.deepEqual(noPings(get.text.split(RS)), ['4hello', `b${bin}`, '4€ unicode']);
  });

  test('binary over websocket comes back as a binary frame, text as text', async () => {
    const ws = pool.add(await EioWs.open(srv, {}, { autoPong: true, path: '/engine.io/' }));
    assert.match(await ws.nextText('0'), /^0\{"sid"/);
    ws.send(Buffer.from([9, 8, 7]));
    ws.send('4text');
    assert.deepEqual(await ws.next((m) => m !== '2', 2000, 'the binary echo'), Buffer.from([9, 8, 7]));
    assert.equal(await ws.next((m) => m !== '2', 2000, 'the text echo'), '4text');
    ws.close();
  });
});
