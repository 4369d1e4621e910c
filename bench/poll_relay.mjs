// The cost of Engine.IO polling without sticky sessions (issue 20, item 5; docs/performance.md
// "Polling without sticky sessions"). Two `realtime serve` instances (REALTIME_BIN) on one
// throwaway redis-server; one Socket.IO session over raw HTTP long-polling, owned by A. Each
// sample (see `sample` below) is taken N times through A (the owner: no relay) and N times
// through B (every request relayed to A over Redis and back), interleaved so that both see the
// same machine load.
//   REALTIME_BIN=build/bin/realtime node bench/poll_relay.mjs [--n 200]
import { killAll, startServer, tempDir } from '../tests/e2e/lib/server.mjs';
import { pollGet, pollOpen, pollPost, sioToken, startRedis } from '../tests/e2e/lib/sio.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('n', 200);
const WARMUP = 20;

const pct = (xs, p) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const summary = (xs) => ({ p50: pct(xs, 50), p90: pct(xs, 90), p99: pct(xs, 99), max: Math.max(...xs), mean: xs.reduce((s, x) => s + x, 0) / xs.length });
const fmt = (ms) => `${ms.toFixed(2)} ms`;

const redis = await startRedis();
try {
  const dataDir = tempDir();
  const env = { REDIS_URL: redis.url, REALTIME_WS_RATE_PER_SECOND: '100000', REALTIME_WS_RATE_BURST: '100000' };
  const a = await startServer({ env, dataDir });
  const b = await startServer({ env, dataDir });
  const { sid } = await pollOpen(a);
  await pollPost(a, sid, `40${JSON.stringify({ token: await sioToken(a) })}`);
  const connected = await pollGet(a, sid);
  if (!connected.packets[0]?.startsWith('40{')) throw new Error(`CONNECT failed: ${connected.text}`);

  let ack = 0;
  const time = async (fn) => { const t0 = performance.now(); await fn(); return performance.now() - t0; };
  const mustGet = async (srv) => {
    const g = await pollGet(srv, sid);
    if (g.status !== 200) throw new Error(`GET: ${g.status} ${g.text}`);
    if (g.packets.includes('2')) await pollPost(srv, sid, '3'); // a ping slipped in: answer it
    return g;
  };
  // One sample of each kind through srv: {post, get, total} in ms.
  //   post:  POST of a noop packet ("6"): the request path alone;
  //   get:   GET of an ack already queued on the owner (answered at once, not held);
  //   total: POST an emit (`42n["publish",…]`) then GET until its ack: a client's round trip.
  const sample = async (srv) => {
    const post = await time(async () => {
      const p = await pollPost(srv, sid, '6');
      if (p.text !== 'ok') throw new Error(`POST: ${p.status} ${p.text}`);
    });
    const emit = (id) => pollPost(srv, sid, `42${id}["publish",{"topic":"bench.relay","payload":{"i":${id}}}]`);
    const queued = ++ack;
    await emit(queued);
    await new Promise((r) => setTimeout(r, 20)); // the ack is queued by now
    let g;
    const get = await time(async () => { g = await mustGet(srv); });
    if (!g.packets.some((m) => m.startsWith(`43${queued}[`))) throw new Error(`no ack ${queued} in ${g.text}`);
    const id = ++ack;
    const total = await time(async () => {
      await emit(id);
      while (!(await mustGet(srv)).packets.some((m) => m.startsWith(`43${id}[`)));
    });
    return { post, get, total };
  };

  for (let i = 0; i < WARMUP; i++) await sample(i % 2 ? b : a);
  const direct = [], relayed = [];
  for (let i = 0; i < 2 * N; i++) (i % 2 ? relayed : direct).push(await sample(i % 2 ? b : a));

  const report = {};
  for (const [name, rows] of [['owner (A)', direct], ['relayed (B -> A)', relayed]]) {
    report[name] = Object.fromEntries(['post', 'get', 'total'].map((k) => [k, summary(rows.map((r) => r[k]))]));
  }
  const load = (await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`Engine.IO polling through the owner vs relayed, n = ${N} each, ${new Date().toISOString()}, load ${load}`);
  console.log('| path | request | p50 | p90 | p99 | mean |');
  console.log('|---|---|---|---|---|---|');
  const what = { post: 'POST noop', get: 'GET (ack queued)', total: 'emit + ack round trip' };
  for (const k of ['post', 'get', 'total']) {
    for (const [name, r] of Object.entries(report)) {
      const x = r[k];
      console.log(`| ${name} | ${what[k]} | ${fmt(x.p50)} | ${fmt(x.p90)} | ${fmt(x.p99)} | ${fmt(x.mean)} |`);
    }
  }
  const diff = (ms) => `${ms >= 0 ? '+' : ''}${fmt(ms)}`;
  for (const k of ['post', 'get', 'total']) {
    const d = report['owner (A)'][k], x = report['relayed (B -> A)'][k];
    console.log(`relay cost, ${what[k]}: ${diff(x.p50 - d.p50)} at p50, ${diff(x.p90 - d.p90)} at p90, ${diff(x.p99 - d.p99)} at p99`);
  }
} finally {
  killAll();
  await redis.stop();
}
