// Connection and per-connection limits (issue 11, item 6): REALTIME_MAX_CONNECTIONS and
// REALTIME_MAX_CONNECTIONS_PER_IP refuse WebSocket upgrades and Engine.IO handshakes with 503
// and a JSON error body; Engine.IO sessions without a Socket.IO CONNECT expire (and free their
// slot); REALTIME_MAX_SUBSCRIPTIONS_PER_CONNECTION / _CHANNELS_ cap one connection with
// LIMIT_EXCEEDED; the accept loop backs off when the process runs out of file descriptors.
import { after, afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import WebSocket from 'ws';
import { api, killAll, startServer } from './lib/server.mjs';
import { clientPool, getToken, sleep, wsUrl } from './lib/wsclient.mjs';
import { RawSio, eioFetch, eventually, ioConnect, pollGet, pollOpen, sioToken, socketPool, wsOpen } from './lib/sio.mjs';
import { cpuSeconds, metric } from './lib/flood.mjs';

const pool = clientPool();
const sockets = socketPool();
afterEach(() => { pool.closeAll(); sockets.closeAll(); });
after(() => killAll());

/** A /ws upgrade: resolves {ws} when open, or {status, body} when refused. */
function tryUpgrade(srv, token, opts = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(srv, { token }), { handshakeTimeout: 5000, ...opts });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (req, res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => { req.destroy(); resolve({ status: res.statusCode, body: JSON.parse(text) }); });
    });
    ws.on('error', reject);
  });
}

function assert503(r, what) {
  assert.equal(r.status, 503, `${what}: expected 503, got ${r.status ?? 'an open connection'}`);
  assert.equal(r.body.error, 'ServiceUnavailableError', JSON.stringify(r.body));
  assert.match(r.body.message, /Too many connections/, JSON.stringify(r.body));
}

describe('REALTIME_MAX_CONNECTIONS', () => {
  test('/ws and Engine.IO share the cap; refusals are 503 JSON; closing or expiring frees a slot', async () => {
    const srv = await startServer({ env: { REALTIME_MAX_CONNECTIONS: '3', REALTIME_SOCKETIO_CONNECT_TIMEOUT_MS: '1500' } });
    const open = [];
    try {
      const tok = await getToken(srv);
      const a = await tryUpgrade(srv, tok);
      const b = await tryUpgrade(srv, tok);
      assert.ok(a.ws && b.ws);
      open.push(a.ws, b.ws);
      const { sid } = await pollOpen(srv); // the third: an Engine.IO session that never CONNECTs
      assert503(await tryUpgrade(srv, tok), '/ws upgrade over the cap');
      const hs = await eioFetch(srv, {});
      assert503({ status: hs.status, body: JSON.parse(hs.text) }, 'Engine.IO polling handshake over the cap');
      await assert.rejects(wsOpen(srv), /HTTP 503/, 'Engine.IO WebSocket handshake over the cap');
      assert.equal(await metric(srv, 'realtime_connections_refused_total'), 3);
      assert.equal(await metric(srv, 'realtime_clients'), 3);

      // The session without CONNECT expires after the connect timeout and frees its slot.
      await eventually(async () => (await pollGet(srv, sid)).status === 400, { timeoutMs: 5000, what: 'the idle session expired' });
      const c = await tryUpgrade(srv, tok);
      assert.ok(c.ws, 'a slot is free again');
      open.push(c.ws);
      assert503(await tryUpgrade(srv, tok), 'full again');
      // Closing a connection frees its slot too.
      a.ws.close();
      await eventually(async () => (await metric(srv, 'realtime_clients')) === 2, { what: 'the closed connection released its slot' });
      const sio = sockets.add(await ioConnect(srv, { token: await sioToken(srv) }));
      assert.ok(sio.connected);
    } finally {
      for (const ws of open) ws.terminate();
      await srv.stop();
    }
  });
});

describe('REALTIME_SOCKETIO_CONNECT_TIMEOUT_MS', () => {
  test('a session whose client left its last namespace (41) is closed after the connect timeout', async () => {
    const srv = await startServer({ env: { REALTIME_SOCKETIO_CONNECT_TIMEOUT_MS: '600' } });
    try {
      const s = sockets.add(await RawSio.connect(srv, await sioToken(srv)));
      assert.match((await s.emitAck('subscribe', { topic: 't' }))[0].subscriptionId, /^sub_/);
      const t0 = Date.now();
      s.eio.send('41');
      await s.eio.expectClosed(3000);
      assert.ok(Date.now() - t0 >= 500, `closed after ${Date.now() - t0} ms, before the timeout`);
    } finally {
      await srv.stop();
    }
  });
});

describe('REALTIME_MAX_CONNECTIONS_PER_IP', () => {
  test('off by default; when set, one address is capped while another still connects', async () => {
    const srv = await startServer({ env: { REALTIME_MAX_CONNECTIONS_PER_IP: '2' } });
    const open = [];
    try {
      const tok = await getToken(srv);
      for (let i = 0; i < 2; i++) open.push((await tryUpgrade(srv, tok)).ws);
      assert.ok(open.every(Boolean));
      const third = await tryUpgrade(srv, tok);
      assert503(third, 'a third connection from 127.0.0.1');
      assert.match(third.body.message, /this address/);
      const other = await tryUpgrade(srv, tok, { localAddress: '127.0.0.2' });
      assert.ok(other.ws, 'a connection from 127.0.0.2 is not affected');
      open.push(other.ws);
    } finally {
      for (const ws of open) ws?.terminate();
      await srv.stop();
    }
    // Default: no per-address cap (behind a load balancer every client has the same address).
    const dflt = await startServer();
    try {
      const tok = await getToken(dflt);
      const many = [];
      for (let i = 0; i < 20; i++) many.push(await tryUpgrade(dflt, tok));
      assert.ok(many.every((r) => r.ws), 'twenty connections from one address');
      for (const r of many) r.ws.terminate();
    } finally {
      await dflt.stop();
    }
  });
});

describe('per-connection caps', () => {
  test('subscriptions and channels are capped with LIMIT_EXCEEDED on /ws and Socket.IO', async () => {
    const srv = await startServer({
      env: { REALTIME_MAX_SUBSCRIPTIONS_PER_CONNECTION: '3', REALTIME_MAX_CHANNELS_PER_CONNECTION: '2' },
    });
    try {
      const tok = await getToken(srv);
      const c = await pool.connect(srv, { token: tok });
      // Channels first: their internal subscriptions do not use the subscription budget.
      for (const ch of ['room:a', 'room:b']) assert.equal((await c.request({ type: 'join', channel: ch })).type, 'joined');
      const ch3 = await c.request({ type: 'join', channel: 'room:c' });
      assert.equal(ch3.code, 'LIMIT_EXCEEDED', JSON.stringify(ch3));
      assert.match(ch3.message, /max 2/);
      const ids = [];
      for (const t of ['t.one', 't.two', 't.three']) ids.push(await c.subscribe(t));
      const sub4 = await c.request({ type: 'subscribe', topic: 't.four' });
      assert.equal(sub4.code, 'LIMIT_EXCEEDED', JSON.stringify(sub4));
      assert.match(sub4.message, /max 3/);
      assert.equal((await c.request({ type: 'unsubscribe', subscriptionId: ids[0] })).type, 'unsubscribed');
      await c.subscribe('t.four'); // a slot was freed

      const s = sockets.add(await ioConnect(srv, { token: await sioToken(srv) }));
      for (const t of ['a', 'b', 'c']) assert.match((await s.emitWithAck('subscribe', { topic: t })).subscriptionId, /^sub_/);
      const over = await s.emitWithAck('subscribe', { topic: 'd' });
      assert.equal(over.error?.code, 'LIMIT_EXCEEDED', JSON.stringify(over));
      for (const ch of ['x', 'y']) assert.equal((await s.emitWithAck('join', { channel: ch })).ok, true);
      assert.equal((await s.emitWithAck('join', { channel: 'z' })).error?.code, 'LIMIT_EXCEEDED');
    } finally {
      await srv.stop();
    }
  });
});

describe('accept loop', () => {
  test('out of file descriptors: one warning, no spinning, and it serves again once descriptors free up', async () => {
    const srv = await startServer({ env: { REALTIME_THREADS: '1' } });
    const held = [];
    try {
      const pid = srv.proc.pid;
      const fds = fs.readdirSync(`/proc/${pid}/fd`).length;
      const soft = /^Max open files\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/limits`, 'utf8'))[1];
      execFileSync('prlimit', ['--pid', String(pid), `--nofile=${fds + 8}:`]); // the soft limit only
      // Open far more connections than descriptors are left; the kernel still completes them (backlog).
      for (let i = 0; i < 40; i++) {
        held.push(await new Promise((resolve, reject) => {
          const s = net.connect(srv.port, '127.0.0.1', () => resolve(s));
          s.on('error', reject);
        }));
      }
      await eventually(async () => /out of file descriptors/.test(srv.stderr() + srv.stdout()), { what: 'the EMFILE warning' });
      const cpu0 = cpuSeconds(srv);
      await sleep(1000);
      const cpu = cpuSeconds(srv) - cpu0;
      assert.ok(cpu < 0.5, `the server used ${cpu.toFixed(2)} s of CPU in 1 s while out of descriptors (spinning?)`);
      for (const s of held.splice(0)) s.destroy();
      execFileSync('prlimit', ['--pid', String(pid), `--nofile=${soft}:`]);
      await eventually(async () => (await api(srv.url, 'GET', '/health')).status === 200, { timeoutMs: 5000, what: '/health' });
      // Logged once per episode (a descriptor freed for a moment, e.g. by SQLite, may start a
      // second one), not once per retry: at 100 ms per retry there were many more retries.
      const warnings = (srv.stderr() + srv.stdout()).match(/out of file descriptors/g).length;
      const retries = await metric(srv, 'realtime_accept_backoffs_total');
      assert.ok(warnings <= 3, `${warnings} warnings`);
      assert.ok(retries >= 5 && retries > warnings * 2, `${retries} retries, ${warnings} warnings`);
    } finally {
      for (const s of held) s.destroy();
      await srv.stop();
    }
  });
});
