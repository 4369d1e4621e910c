// Flood tests (issue 11, item 6/10): an offender floods or stops reading while well-behaved
// clients run beside it. Each test asserts that the offender is closed (code / reason / counter),
// that the other clients got every event, and that the server's resident memory (VmRSS of the
// real process) grew by less than a stated bound — far less than what the offender pushed.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { killAll, startServer } from './lib/server.mjs';
import { clientPool, getToken, parseFrames, rawWsConnect } from './lib/wsclient.mjs';
import { assertEioError, ioConnect, pollGet, pollOpen, pollPost, sioToken, socketPool } from './lib/sio.mjs';
import { MiB, maskedFrame, metric, rssBytes, writeChunk } from './lib/flood.mjs';

const QUEUE = 262144; // REALTIME_WS_MAX_QUEUE_BYTES for these servers
const RSS_GROWTH_BOUND = 16 * MiB; // what the server may grow by during one test (measured: about 1 MiB)
const FLOOD_BYTES = 96 * MiB; // an offender may push this much before the test gives up

// A timer that does not keep the test process alive once everything else is done.
const later = (ms, value) => new Promise((resolve) => { setTimeout(() => resolve(value), ms).unref(); });

const pool = clientPool();
const sockets = socketPool();
afterEach(() => { pool.closeAll(); sockets.closeAll(); });
after(() => killAll());

/** Counts `event`s of one topic on a /ws client or a socket.io-client; until(n) waits for n. */
function counter(subscribe) {
  const seen = new Set();
  let dupes = 0;
  let wake = () => {};
  subscribe((i) => { if (seen.has(i)) dupes++; seen.add(i); wake(); });
  return {
    seen,
    get dupes() { return dupes; },
    until(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${seen.size} of ${n} events within ${timeoutMs} ms`)), timeoutMs);
        wake = () => { if (seen.size >= n) { clearTimeout(timer); wake = () => {}; resolve(); } };
        wake();
      });
    },
  };
}

/** Publish `n` events (payload {i, pad}) on `topic` from a /ws client, `batch` at a time, waiting for `got` after each batch. */
async function publishPaced(pub, topic, n, got, { batch = 20, pad = '' } = {}) {
  for (let sent = 0; sent < n;) {
    for (let k = 0; k < batch && sent < n; k++, sent++) pub.send({ type: 'publish', topic, payload: { i: sent, pad } });
    await got.until(sent);
  }
}

describe('/ws ping floods (never reading)', () => {
  let srv;
  before(async () => {
    srv = await startServer({ env: { REALTIME_WS_MAX_QUEUE_BYTES: String(QUEUE), REALTIME_WS_RATE_PER_SECOND: '0' } });
  });
  after(async () => { if (srv) await srv.stop(); });

  // Floods with `frame` (repeated in ~1 MiB chunks) without reading, until the server counts a
  // slow consumer or FLOOD_BYTES were sent; then reads what it was sent: {sent, frames, closed}.
  async function flood(tok, frame) {
    const { socket, rest } = await rawWsConnect(srv, tok);
    socket.on('error', () => {});
    const chunk = Buffer.concat(Array(Math.ceil(MiB / frame.length)).fill(frame));
    const before = await metric(srv, 'realtime_websocket_slow_consumer_disconnects_total');
    let sent = 0;
    while (sent < FLOOD_BYTES) {
      try { await writeChunk(socket, chunk); } catch { break; }
      sent += chunk.length;
      if (await metric(srv, 'realtime_websocket_slow_consumer_disconnects_total') > before) break;
    }
    const parts = [rest];
    const closed = new Promise((resolve) => { socket.on('close', () => resolve(true)); socket.on('end', () => resolve(true)); });
    socket.on('data', (d) => parts.push(d));
    socket.resume();
    const how = await Promise.race([closed, later(5000, false)]);
    socket.destroy();
    return { sent, frames: parseFrames(Buffer.concat(parts)).frames, closed: how };
  }

  for (const [name, frame] of [
    ['WebSocket ping frames (125-byte payloads)', maskedFrame(0x9, 'p'.repeat(125))],
    ['{"type":"ping"} messages with long requestIds', maskedFrame(0x1, JSON.stringify({ type: 'ping', requestId: 'r'.repeat(90) }))],
  ]) {
    test(`${name}: the offender is closed with 4008, a subscriber gets every event, RSS stays bounded`, async () => {
      const tok = await getToken(srv);
      const good = await pool.connect(srv, { token: tok });
      const pub = await pool.connect(srv, { token: tok });
      await good.subscribe('flood.topic');
      const got = counter((f) => good.ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.type === 'event') f(m.data.payload.i);
      }));
      const rss0 = rssBytes(srv);
      const N = 500;
      const [off] = await Promise.all([flood(tok, frame), publishPaced(pub, 'flood.topic', N, got)]);
      const rss1 = rssBytes(srv);

      const close = off.frames.find((f) => f.opcode === 8);
      assert.ok(close, `no close frame after flooding ${(off.sent / MiB).toFixed(1)} MiB (read ${off.frames.length} frames)`);
      assert.equal(close.payload.readUInt16BE(0), 4008, `close reason "${close.payload.subarray(2)}"`);
      assert.match(close.payload.subarray(2).toString(), /slow consumer/);
      assert.ok(off.closed, 'the server ended the offender\'s connection');
      assert.ok(off.sent < FLOOD_BYTES, 'closed before the flood ran out');
      await got.until(N);
      assert.equal(got.seen.size, N);
      assert.equal(got.dupes, 0);
      await good.ping();
      assert.ok(rss1 - rss0 < RSS_GROWTH_BOUND,
        `RSS grew by ${((rss1 - rss0) / MiB).toFixed(1)} MiB (bound ${RSS_GROWTH_BOUND / MiB} MiB) while the offender sent ${(off.sent / MiB).toFixed(1)} MiB`);
    });
  }

  test('an Engine.IO client that never polls, subscribed to a busy topic, is closed; others get every event', async () => {
    const tok = await sioToken(srv);
    // The offender: polling, CONNECT + subscribe, then never polls again.
    const { sid } = await pollOpen(srv);
    assert.equal((await pollPost(srv, sid, `40${JSON.stringify({ token: tok })}`)).status, 200);
    assert.match((await pollGet(srv, sid)).text, /^40\{"sid":/);
    assert.equal((await pollPost(srv, sid, '421["subscribe",{"topic":"busy.topic"}]')).status, 200);
    assert.match((await pollGet(srv, sid)).text, /^431\[\{"subscriptionId":"sub_/);

    const good = sockets.add(await ioConnect(srv, { token: tok }));
    const ack = await good.emitWithAck('subscribe', { topic: 'busy.topic' });
    assert.match(ack.subscriptionId, /^sub_/, JSON.stringify(ack));
    const got = counter((f) => good.on('event', (ev) => f(ev.payload.i)));
    const pub = await pool.connect(srv, { token: tok });
    const before = await metric(srv, 'realtime_socketio_slow_consumer_disconnects_total');
    const rss0 = rssBytes(srv);
    // 4000 events of 16 KiB: 64 MiB that the offender's session would have to hold.
    const N = 4000;
    // Six events (~100 KiB) per batch: even with the previous batch's write not yet accounted
    // as done, the well-behaved client's own queue stays under QUEUE.
    await publishPaced(pub, 'busy.topic', N, got, { batch: 6, pad: 'x'.repeat(16 * 1024) });
    const rss1 = rssBytes(srv);

    assert.equal(got.seen.size, N);
    assert.equal(got.dupes, 0);
    assert.equal(await metric(srv, 'realtime_socketio_slow_consumer_disconnects_total'), before + 1);
    assertEioError(await pollGet(srv, sid), 1); // the session is gone: "Session ID unknown"
    const again = await good.emitWithAck('subscribe', { topic: 'other.topic' });
    assert.match(again.subscriptionId, /^sub_/);
    assert.ok(rss1 - rss0 < RSS_GROWTH_BOUND,
      `RSS grew by ${((rss1 - rss0) / MiB).toFixed(1)} MiB (bound ${RSS_GROWTH_BOUND / MiB} MiB) for ${N * 16 / 1024} MiB of events`);
  });
});

describe('Socket.IO message flood', () => {
  let srv;
  before(async () => {
    srv = await startServer({ env: { REALTIME_WS_RATE_PER_SECOND: '50', REALTIME_WS_RATE_BURST: '100' } });
  });
  after(async () => { if (srv) await srv.stop(); });

  test('over the message budget: RATE_LIMITED acks, then an error event and a server disconnect; others keep receiving', async () => {
    const tok = await sioToken(srv);
    const good = sockets.add(await ioConnect(srv, { token: tok }));
    assert.match((await good.emitWithAck('subscribe', { topic: 'calm.topic' })).subscriptionId, /^sub_/);
    const got = counter((f) => good.on('event', (ev) => { if (ev.topic === 'calm.topic') f(ev.payload.i); }));
    const pub = await pool.connect(srv, { token: tok });

    const bad = sockets.add(await ioConnect(srv, { token: tok }));
    const errors = [];
    bad.on('error', (e) => errors.push(e));
    const disconnected = new Promise((resolve) => bad.on('disconnect', resolve));
    const acks = { ok: 0, limited: 0, other: [] };
    const rss0 = rssBytes(srv);
    const FLOOD = 3000;
    for (let i = 0; i < FLOOD; i++) {
      bad.emit('publish', { topic: 'spam.topic', payload: { i, pad: 'y'.repeat(1024) } }, (r) => {
        if (r?.id) acks.ok++;
        else if (r?.error?.code === 'RATE_LIMITED') acks.limited++;
        else acks.other.push(r);
      });
    }
    const N = 100; // within the publisher's own burst
    await publishPaced(pub, 'calm.topic', N, got, { batch: 10 });
    const reason = await Promise.race([disconnected, later(10_000, 'still connected after 10 s')]);
    const rss1 = rssBytes(srv);

    assert.equal(reason, 'io server disconnect');
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0].code, 'RATE_LIMITED');
    assert.match(errors[0].message, /flooding/);
    assert.ok(acks.ok >= 100 && acks.ok < 200, `accepted within the burst (+ refill): ${acks.ok}`);
    assert.ok(acks.limited >= 50, `RATE_LIMITED acks before the disconnect: ${acks.limited}`);
    assert.deepEqual(acks.other, []);
    assert.equal(await metric(srv, 'realtime_flood_disconnects_total{gateway="socketio"}'), 1);
    await got.until(N);
    assert.equal(got.dupes, 0);
    assert.match((await good.emitWithAck('subscribe', { topic: 'calm.topic' })).subscriptionId, /^sub_/);
    assert.ok(rss1 - rss0 < RSS_GROWTH_BOUND, `RSS grew by ${((rss1 - rss0) / MiB).toFixed(1)} MiB`);
  });
});
