// Webhook delivery by several workers, FIFO ordering, and connection/presence events
// (docs/webhooks.md): two `realtime worker` processes share one PostgreSQL queue with a
// `realtime serve` (REALTIME_WORKERS=off) and deliver 300 events exactly once, each within the
// endpoint's maxConcurrency; an endpoint with ordering "fifo" gets its events strictly in publish
// order even while the first one is being retried (on SQLite and across the two workers), while
// an unordered endpoint with the same failures does not; a Socket.IO and a /ws connection that
// joins a channel and leaves produce signed socket.connect, presence.updated and
// socket.disconnect deliveries.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { api, BIN, killAll, startServer, tempDir } from './lib/server.mjs';
import { assertJson } from './lib/expect.mjs';
import { ioConnect } from './lib/sio.mjs';
import { connect as wsConnect } from './lib/wsclient.mjs';
import {
  ADMIN, JWT_SECRET, auth, createHook, logs, metric, publish, startReceiver, verifySignature, waitUntil,
} from './lib/webhook_receiver.mjs';

const ENV = { JWT_SECRET, LOG_LEVEL: 'info', REALTIME_WEBHOOK_RETRY_BASE_MS: '100' };
const bodyOf = (r) => JSON.parse(r.body);
const nOf = (r) => bodyOf(r).payload.n;
const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** Every log of `webhookId` once there are `n` of them, all delivered. */
const allDelivered = (srv, webhookId, n, ms = 30_000) => waitUntil(async () => {
  const l = await logs(srv, { webhookId });
  return l.length === n && l.every((x) => x.status === 'delivered') ? l : false;
}, { ms, interval: 200, what: `${n} delivered logs of ${webhookId}` });

/**
 * Which of `pids` owns the TCP connection 127.0.0.1:localPort -> 127.0.0.1:remotePort (Linux:
 * the socket's inode in /proc/net/tcp, then the process whose fd links to it); undefined if not
 * found or without /proc.
 */
function ownerPid(localPort, remotePort, pids) {
  let inode;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try { text = fs.readFileSync(file, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c.length < 10) continue;
      const port = (addr) => parseInt(addr.slice(addr.lastIndexOf(':') + 1), 16);
      if (port(c[1]) === localPort && port(c[2]) === remotePort && c[9] !== '0') { inode = c[9]; break; }
    }
    if (inode) break;
  }
  if (!inode) return undefined;
  for (const pid of pids) {
    let fds = [];
    try { fds = fs.readdirSync(`/proc/${pid}/fd`); } catch { continue; }
    for (const fd of fds) {
      try { if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return pid; } catch { /* closed */ }
    }
  }
  return undefined;
}

/**
 * Publishes n = 1..10 on `topic` (REST, one after the other, each acknowledged) to two endpoints
 * of `srv` whose receiver answers 500 to the first two requests of #1: with ordering "fifo" the
 * receiver gets #1 three times, then #2..#10, each only after the previous one was answered 200;
 * without ordering, #2..#10 arrive before #1 succeeds (so the FIFO assertions can fail).
 */
async function fifoScenario(srv, topic) {
  const seen = new Map();
  const rx = await startReceiver({
    handler: (r, res) => {
      const key = `${r.url}#${nOf(r)}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      r.status = nOf(r) === 1 && seen.get(key) <= 2 ? 500 : 200;
      res.statusCode = r.status;
      res.end(r.status === 200 ? 'ok' : 'not yet');
      r.answeredAt = Date.now();
    },
  });
  try {
    const fifo = await createHook(srv, { url: rx.url('/fifo'), events: [], topics: [topic], ordering: 'fifo', maxConcurrency: 10 });
    const any = await createHook(srv, { url: rx.url('/any'), events: [], topics: [topic], maxConcurrency: 10 });
    assert.deepEqual([fifo.ordering, any.ordering], ['fifo', 'none']);
    const ids = [];
    for (const n of range(1, 10)) ids.push(await publish(srv, topic, { n }));

    await rx.waitFor((r) => r.url === '/fifo' && nOf(r) === 10, 30_000, 'FIFO #10');
    await rx.waitFor((r) => r.url === '/any' && nOf(r) === 1 && r.status === 200, 30_000, 'unordered #1 answered 200');
    const fifoLogs = await allDelivered(srv, fifo.id, 10);
    const anyLogs = await allDelivered(srv, any.id, 10);
    const of = (url) => rx.requests.filter((r) => r.url === url);
    for (const r of rx.requests) verifySignature(r);

    const f = of('/fifo');
    const show = JSON.stringify(f.map((r) => [nOf(r), r.status, r.at]));
    assert.deepEqual(f.map(nOf), [1, 1, 1, ...range(2, 10)], `FIFO arrival order: ${show}`);
    assert.deepEqual(f.map((r) => r.status), [500, 500, ...Array(10).fill(200)], show);
    assert.deepEqual(f.map((r) => bodyOf(r).id), [ids[0], ids[0], ...ids], show);
    for (let i = 1; i < f.length; i++) {
      assert.ok(f[i].at >= f[i - 1].answeredAt, `FIFO request ${i} (#${nOf(f[i])}) arrived before request ${i - 1} was answered: ${show}`);
    }
    assert.deepEqual(f.slice(0, 3).map((r) => r.headers['x-webhook-attempt']), ['1', '2', '3']);
    assert.equal(new Set(f.slice(0, 3).map((r) => r.headers['x-webhook-delivery-id'])).size, 1, 'one delivery id for #1');
    const first = fifoLogs.find((l) => l.eventId === ids[0]);
    assert.deepEqual([first.attempts, first.history.map((h) => h.statusCode)], [3, [500, 500, 200]], JSON.stringify(first));
    for (const l of fifoLogs.filter((x) => x !== first)) assert.equal(l.attempts, 1, JSON.stringify(l));

    const a = of('/any');
    const ok1 = a.find((r) => nOf(r) === 1 && r.status === 200);
    const early = a.filter((r) => nOf(r) !== 1 && r.at < ok1.at).map(nOf).sort((x, y) => x - y);
    assert.deepEqual(early, range(2, 10), `unordered: #2..#10 before #1 succeeded: ${JSON.stringify(a.map((r) => [nOf(r), r.status, r.at]))}`);
    assert.deepEqual(a.map(nOf).sort((x, y) => x - y), [1, 1, 1, ...range(2, 10)]);
    assert.equal(anyLogs.find((l) => l.eventId === ids[0]).attempts, 3);
  } finally {
    await rx.close();
  }
}

// ---------------------------------------------------------------------------------------------
const PG = process.env.REALTIME_TEST_PG_URL;
const skip = !PG && !process.env.REALTIME_REQUIRE_PG ? 'REALTIME_TEST_PG_URL is not set (scripts/test-services.sh env)' : false;
const psql = (url, sql) => execFileSync('psql', [url, '-Atc', sql], { encoding: 'utf8' }).trim();
const withDb = (url, db) => { const u = new URL(url); u.pathname = `/${db}`; return u.toString(); };

describe('two `realtime worker` processes and serve (REALTIME_WORKERS=off) on PostgreSQL', { skip }, () => {
  let dbName;
  let srv;
  const workers = [];
  let shared;

  /** `realtime worker` with a clean environment; {proc, out, exited}. */
  function spawnWorker() {
    const proc = spawn(BIN, ['worker'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', REALTIME_DATA_DIR: tempDir(), ...ENV, ...shared },
      cwd: tempDir('realtime-e2e-cwd-'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = { text: '' };
    proc.stdout.setEncoding('utf8').on('data', (d) => { out.text += d; });
    proc.stderr.setEncoding('utf8').on('data', (d) => { out.text += d; });
    const w = { proc, out, exited: new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal }))) };
    workers.push(w);
    return w;
  }
  const outputs = () => workers.map((w, i) => `--- worker ${i} (pid ${w.proc.pid}) ---\n${w.out.text}`).join('\n') + (srv ? `\n${srv.output()}` : '');

  before(async () => {
    assert.ok(PG, 'REALTIME_TEST_PG_URL is required (REALTIME_REQUIRE_PG is set)');
    dbName = `webhooks_workers_e2e_${crypto.randomBytes(4).toString('hex')}`;
    psql(PG, `CREATE DATABASE ${dbName}`);
    shared = { DATABASE_URL: withDb(PG, dbName), REALTIME_SECRET_KEY: crypto.randomBytes(32).toString('hex') };
    srv = await startServer({ env: { ...ENV, ...shared, REALTIME_WORKERS: 'off' } });
    spawnWorker();
    spawnWorker();
    const pids = workers.map((w) => w.proc.pid);
    const list = await waitUntil(async () => {
      const r = await api(srv.url, 'GET', '/api/workers', { headers: ADMIN() });
      assertJson(r, 200);
      const running = r.body.filter((w) => w.kind === 'worker' && w.status === 'running' && pids.includes(w.pid));
      return running.length === 2 ? r.body : false;
    }, { what: 'both workers running in GET /api/workers' }).catch((e) => { throw new Error(`${e.message}\n${outputs()}`); });
    assert.equal(list.length, 3, JSON.stringify(list));
    const s = list.find((w) => w.kind === 'serve');
    assert.deepEqual([s?.pid, s?.queues, s?.status], [srv.proc.pid, [], 'running'], JSON.stringify(list));
    for (const w of list.filter((x) => x.kind === 'worker')) assert.deepEqual(w.queues, ['webhook-delivery'], JSON.stringify(w));
  });
  after(async () => {
    for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    killAll();
    if (dbName) {
      try { psql(PG, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`); } catch { /* best effort */ }
    }
  });

  test('300 events, maxConcurrency 20: each delivered exactly once, by both workers, at most 20 at a time per worker', async (t) => {
    const N = 300;
    const pids = workers.map((w) => w.proc.pid);
    const procOk = fs.existsSync('/proc/net/tcp');
    const inFlight = new Map();
    const peak = new Map();
    let rx;
    rx = await startReceiver({
      handler: (r, res) => {
        res.socket.ownerPid ??= (procOk && ownerPid(res.socket.remotePort, rx.port, pids)) || 0;
        const pid = res.socket.ownerPid;
        r.pid = pid;
        inFlight.set(pid, (inFlight.get(pid) ?? 0) + 1);
        peak.set(pid, Math.max(peak.get(pid) ?? 0, inFlight.get(pid)));
        setTimeout(() => { inFlight.set(pid, inFlight.get(pid) - 1); res.end('ok'); }, crypto.randomInt(0, 21));
      },
    });
    try {
      const hook = await createHook(srv, { url: rx.url('/load'), events: [], topics: ['load.*'], maxConcurrency: 20 });
      assert.equal(hook.maxConcurrency, 20);
      const ids = new Array(N);
      let next = 0;
      // 8 publishers at a time (each request is acknowledged once its deliveries are stored).
      await Promise.all(Array.from({ length: 8 }, async () => {
        for (let i = next++; i < N; i = next++) ids[i] = await publish(srv, 'load.run', { n: i });
      }));
      assert.equal(new Set(ids).size, N);

      const delivered = await allDelivered(srv, hook.id, N, 60_000)
        .catch((e) => { throw new Error(`${e.message}; receiver has ${rx.requests.length}\n${outputs()}`); });
      // A marker published afterwards arrives too: later duplicates would have had their chance.
      const marker = await publish(srv, 'load.marker', { n: -1 });
      await rx.waitFor((r) => bodyOf(r).id === marker, 20_000, 'the marker');
      await allDelivered(srv, hook.id, N + 1);

      const load = rx.requests.filter((r) => bodyOf(r).topic === 'load.run');
      const perDelivery = new Map();
      for (const r of load) {
        verifySignature(r);
        assert.equal(r.headers['x-webhook-attempt'], '1', `nothing failed, so no retry: ${r.headers['x-webhook-delivery-id']}`);
        const id = r.headers['x-webhook-delivery-id'];
        perDelivery.set(id, (perDelivery.get(id) ?? 0) + 1);
      }
      const dupes = [...perDelivery].filter(([, c]) => c !== 1);
      assert.deepEqual(dupes, [], 'every delivery id exactly once');
      assert.equal(load.length, N, `${load.length} requests for ${N} events`);
      assert.deepEqual(load.map((r) => bodyOf(r).id).sort(), [...ids].sort(), 'every event exactly once');
      assert.deepEqual(delivered.map((l) => l.id).sort(), [...perDelivery.keys()].sort(), 'the logs are the delivery ids');
      for (const l of delivered) assert.deepEqual([l.attempts, l.history.length, l.statusCode], [1, 1, 200], JSON.stringify(l));

      // serve consumes nothing; the workers expose no HTTP, so who delivered is read from /proc.
      assert.equal(await metric(srv, 'realtime_webhook_deliveries_total{status="success"}'), undefined);
      const byPid = Object.fromEntries(pids.map((p) => [p, load.filter((r) => r.pid === p).length]));
      t.diagnostic(`deliveries per worker pid: ${JSON.stringify(byPid)}; peak in flight: ${JSON.stringify([...peak])}`);
      if (!procOk) {
        t.diagnostic('no /proc/net/tcp: which worker delivered is not checked');
        return;
      }
      assert.equal(load.filter((r) => !pids.includes(r.pid)).length, 0, `requests from an unknown process: ${JSON.stringify(byPid)}`);
      for (const p of pids) assert.ok(byPid[p] > 0, `worker ${p} delivered nothing: ${JSON.stringify(byPid)}`);
      for (const p of pids) assert.ok(peak.get(p) <= 20, `worker ${p} had ${peak.get(p)} deliveries in flight (maxConcurrency 20)`);
    } finally {
      await rx.close();
    }
  });

  test('FIFO across the two workers: strictly in publish order while #1 is retried; unordered: #2..#10 first', async () => {
    await fifoScenario(srv, 'fifo.pg');
  });
});

// ---------------------------------------------------------------------------------------------
describe('one serve with its own workers (SQLite)', () => {
  let srv;
  let rx;
  before(async () => {
    srv = await startServer({ env: ENV });
    rx = await startReceiver();
  });
  after(async () => {
    killAll();
    await rx?.close();
  });

  test('FIFO: strictly in publish order while #1 is retried; unordered: #2..#10 first', async () => {
    await fifoScenario(srv, 'fifo.sqlite');
  });

  const LIFECYCLE = ['socket.connect', 'socket.disconnect', 'presence.updated'];
  const token = (sub) => auth(['subscribe', 'publish'], 'default', { sub }).authorization.slice('Bearer '.length);

  /**
   * The deliveries to `path` about socket `sid` once the connect, join, leave and disconnect are
   * all there (a FIFO endpoint: in the order they were enqueued); each signature verified.
   */
  async function lifecycle(path, sid, sub, channel) {
    const mine = () => rx.requests.filter((r) => r.url === path && bodyOf(r).payload?.socketId === sid);
    const got = await waitUntil(() => {
      const m = mine();
      const has = (type) => m.some((r) => bodyOf(r).type === type);
      return has('socket.disconnect') && has('presence.leave') ? m : false;
    }, { what: () => `connect, join, leave and disconnect of ${sid} at ${path}: ${JSON.stringify(mine().map((r) => bodyOf(r).type))}` });
    const seq = got.map((r) => [r.headers['x-webhook-event'], bodyOf(r).type]);
    // Connect, then the join; the leave and the disconnect last, in either order: the leave is
    // announced by the presence thread, the disconnect by the closing connection (no order is promised).
    const leaveFirst = seq[2]?.[1] === 'presence.leave';
    assert.deepEqual(seq, [['socket.connect', 'socket.connect'], ['presence.updated', 'presence.join'],
      ...(leaveFirst ? [['presence.updated', 'presence.leave'], ['socket.disconnect', 'socket.disconnect']]
        : [['socket.disconnect', 'socket.disconnect'], ['presence.updated', 'presence.leave']])], JSON.stringify(seq));
    const bodies = got.map((r) => verifySignature(r));
    const [conn, join] = bodies;
    const [leave, disc] = leaveFirst ? bodies.slice(2) : bodies.slice(2).reverse();
    for (const e of [conn, disc]) {
      assert.deepEqual([e.topic, e.source, e.payload], [e.type, 'socket', { socketId: sid, userId: sub }], JSON.stringify(e));
    }
    for (const e of [join, leave]) {
      assert.equal(e.topic, `presence:${channel}`, JSON.stringify(e));
      assert.deepEqual([e.payload.channel, e.payload.socketId, e.payload.subject], [channel, sid, sub], JSON.stringify(e));
    }
    assert.equal(join.payload.joinedAt, leave.payload.joinedAt);
    assert.equal(new Set([conn, join, leave, disc].map((e) => e.id)).size, 4);
    // The message published meanwhile is not one of the listed types: it was never delivered.
    assert.deepEqual(rx.requests.filter((r) => r.url === path && bodyOf(r).topic === channel), []);
    return got;
  }

  test('socket.io-client: connect, join, publish, disconnect -> socket.connect, presence join and leave, socket.disconnect', async () => {
    const hook = await createHook(srv, { url: rx.url('/sio'), events: LIFECYCLE, ordering: 'fifo' });
    assert.deepEqual(hook.events, LIFECYCLE);
    const s = await ioConnect(srv, { token: token('carol') });
    try {
      const sid = s.id;
      assert.equal(typeof sid, 'string');
      await rx.waitFor((r) => r.url === '/sio' && bodyOf(r).payload?.socketId === sid, 10_000, 'the socket.connect');
      const joined = await s.emitWithAck('join', { channel: 'room.sio' });
      assert.equal(joined.ok, true, JSON.stringify(joined));
      const published = await s.emitWithAck('publish', { topic: 'room.sio', payload: { hi: 1 } });
      assert.match(published.id ?? '', /^evt_/, JSON.stringify(published));
      s.disconnect();
      await lifecycle('/sio', sid, 'carol', 'room.sio');
    } finally {
      s.close();
    }
  });

  test('/ws: connect, join, publish, close -> socket.connect, presence join and leave, socket.disconnect', async () => {
    const hook = await createHook(srv, { url: rx.url('/ws'), events: LIFECYCLE, ordering: 'fifo' });
    const c = await wsConnect(srv, { token: token('dave') });
    try {
      const who = await c.request({ type: 'whoami' });
      assert.equal(who.subject, 'dave', JSON.stringify(who));
      const sid = who.socketId;
      await rx.waitFor((r) => r.url === '/ws' && bodyOf(r).payload?.socketId === sid, 10_000, 'the socket.connect');
      const joined = await c.request({ type: 'join', channel: 'room.ws' });
      assert.equal(joined.type, 'joined', JSON.stringify(joined));
      await c.publish('room.ws', { hi: 2 });
      c.ws.close(1000, 'bye');
      await c.closed;
      await lifecycle('/ws', sid, 'dave', 'room.ws');
      // The /sio endpoint of the previous test is in the same scope: it got this socket's events as well.
      await rx.waitFor((r) => r.url === '/sio' && bodyOf(r).payload?.socketId === sid && bodyOf(r).type === 'socket.disconnect',
        10_000, `the /sio endpoint's socket.disconnect of ${sid}`);
      const delivered = await allDelivered(srv, hook.id, 4);
      assert.deepEqual(delivered.map((l) => l.event).sort(), ['presence.updated', 'presence.updated', 'socket.connect', 'socket.disconnect']);
    } finally {
      c.close();
    }
  });
});
