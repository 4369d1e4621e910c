#!/usr/bin/env node
// `make bench` / `make bench-smoke`: runs every scenario against our server and the Node.js
// peers in one run, prints the side-by-side table and writes it to bench/results/<date>.md
// (smoke: bench/results/smoke-<date>.tmp). See docs/performance.md.
//   node bench/run.mjs [--smoke] [--only fanout,idle,metrics,traces,schema,webhooks,cdc,rooms,cluster,rest] [--targets ours,ws,sio,bare]
// Exit code: 0 when every scenario printed a figure for our server (docs may skip while the
// sync API is absent), 1 otherwise. Nothing here asserts speed.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderReport } from './report.mjs';
import { runCdc } from './cdc.mjs';
import { runCluster } from './cluster.mjs';
import { runDocsBackends } from './docs_backends.mjs';
import { runRooms } from './rooms.mjs';
import { runWebhooks } from './webhooks.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const bin = path.join(process.env.BUILD_DIR ? path.resolve(root, process.env.BUILD_DIR) : path.join(root, 'build'), 'bin');
const argv = process.argv.slice(2);
const smoke = argv.includes('--smoke');
const opt = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const only = opt('--only')?.split(',');
const onlyTargets = opt('--targets')?.split(',');
// Ports: ours, the ws peer, the socket.io peer, the webhook receiver (BENCH_PORT_BASE moves them all).
const base = Number(process.env.BENCH_PORT_BASE || 3100);
const P = { ours: base, ws: base + 1, sio: base + 2, hook: base + 3, bare: base + 4, beast: base + 6 };

// Sizes: full run (the issue's targets) and smoke (every scenario, tiny, < 2 min).
// hookRate: the `webhooks` latency point (events/s, queue must stay empty); hookSat: its
// saturation publish rate (above the 5,000/s target; doubled once if delivery keeps up;
// BENCH_WEBHOOK_RATE overrides).
const S = smoke
  ? { fanout: 200, latency: 100, many: 200, filtered: 200, idle: 500, docsSubs: 20, docsClients: 8, docsDocs: 64, sameRate: 30, warmup: 700, duration: 1200, wrkSecs: 1,
    hookRate: 200, hookSat: 3000, cdcBulkTx: 2, cdcBulkRows: 2000, cdcSecs: 1 }
  : { fanout: 5000, latency: 1000, many: 5000, filtered: 5000, idle: 19000, docsSubs: 1000, docsClients: 64, docsDocs: 10000, sameRate: 30, warmup: 3000, duration: 10000, wrkSecs: 10,
    hookRate: 2000, hookSat: Number(process.env.BENCH_WEBHOOK_RATE || 6000), cdcBulkTx: 30, cdcBulkRows: 10000, cdcSecs: 5 };

const children = [];
const crashes = [];  // servers that died during the run (reported and fail the run)
let stopping = false;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.log('bench:', ...a);

function start(name, cmd, args, env, cwd) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd });
  const logFile = fs.createWriteStream(path.join(os.tmpdir(), `bench-${name}.log`));
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping && !child.expectedExit) {
      const why = `${name} (pid ${child.pid}) exited unexpectedly: code ${code}, signal ${signal}; log ${path.join(os.tmpdir(), `bench-${name}.log`)}`;
      log(why);
      crashes.push(why);
    }
  });
  return child;
}

async function waitHealthy(port, ms = 20000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      if (r.ok) return;
    } catch {}
    await sleep(100);
  }
  throw new Error(`nothing healthy on port ${port}`);
}

function stopAll() {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
}
process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));

// Runs the load generator; resolves with its RESULT json (or {error}).
function loadgen(args) {
  return new Promise((resolve) => {
    const p = spawn(path.join(bin, 'loadgen'), ['run', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      for (const line of String(d).split('\n')) if (line && !line.startsWith('RESULT ')) console.log('  ' + line);
    });
    const timer = setTimeout(() => p.kill('SIGKILL'), 300000);
    p.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) return resolve({ ok: false, error: `loadgen exited ${code} without a result` });
      resolve(JSON.parse(line.slice(7)));
    });
  });
}

function cpuTicks(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

function parseDuration(s) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(s);
  if (!m) return NaN;
  return Number(m[1]) * { us: 1, ms: 1000, s: 1e6, m: 60e6 }[m[2]];
}

async function wrk(target, urlPath, token) {
  const hasWrk = (() => {
    try {
      execFileSync('sh', ['-c', 'command -v wrk'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (!hasWrk) return { ok: false, skipped: 'wrk is not installed (bench/bench.sh installs it)' };
  const c0 = cpuTicks(target.pid);
  const t0 = Date.now();
  const out = execFileSync('wrk', ['-t2', '-c64', `-d${S.wrkSecs}s`, '--latency', '-H', `Authorization: Bearer ${token}`,
    `http://127.0.0.1:${target.port}${urlPath}`], { encoding: 'utf8' });
  const secs = (Date.now() - t0) / 1000;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] || 0);
  const p99 = parseDuration(/\s99%\s+(\S+)/.exec(out)?.[1] || '');
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] || 0);
  const cpu = ((cpuTicks(target.pid) - c0) / 100 / secs) * 100;
  console.log(`  wrk: ${rps} requests/s, p99 ${p99} us, non-2xx ${non2xx}, server CPU ${cpu.toFixed(0)}%`);
  return { ok: rps > 0 && non2xx === 0, requests_per_s: rps, p99_us: p99, non2xx, server_cpu_pct: cpu, error: non2xx ? `${non2xx} non-2xx responses` : undefined };
}

// The ceiling of `rest` (issue 20 item 2): bench/peers/bare_beast.cpp answering the same path with
// the same body bytes as ours, with as many I/O threads as ours (the number of cores). Resolves
// with {target, stop} or, when it cannot run, {result} (skipped / error).
async function startCeiling(token) {
  const exe = path.join(bin, 'bare_beast');
  if (!fs.existsSync(exe)) return { result: { ok: false, skipped: `no ${path.relative(root, exe)} (cmake --build <dir> --target bare_beast)` } };
  const res = await fetch(`http://127.0.0.1:${P.ours}/api/topics/bench.rest`, { headers: { Authorization: `Bearer ${token}` } });
  if (res.status !== 200) return { result: { ok: false, error: `ours answered ${res.status}: no body to copy` } };
  const bodyFile = path.join(os.tmpdir(), `bench-bare-body-${process.pid}.json`);
  fs.writeFileSync(bodyFile, Buffer.from(await res.arrayBuffer()));
  const child = start('bare-beast', exe, ['--port', String(P.beast), '--path', '/api/topics/bench.rest', '--body-file', bodyFile]);
  const stop = () => {
    child.expectedExit = true;
    child.kill('SIGTERM');
    fs.rmSync(bodyFile, { force: true });
  };
  try {
    await waitHealthy(P.beast);
  } catch (e) {
    stop();
    return { result: { ok: false, error: e.message } };
  }
  return { target: { key: 'bare', port: P.beast, pid: child.pid }, stop };
}

function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  return {
    nproc: os.cpus().length,
    model: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] || 'unknown',
    memGiB: (os.totalmem() / 2 ** 30).toFixed(0),
    kernel: os.release(),
    node: process.version,
    load: os.loadavg().map((x) => x.toFixed(2)).join(' '),
    commit: (() => {
      try {
        const head = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
        const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).trim();
        const built = fs.statSync(path.join(bin, 'realtime')).mtime.toISOString().slice(0, 16).replace('T', ' ');
        return `${head}${dirty ? ' + uncommitted src/ changes' : ''} (binary built ${built} UTC)`;
      } catch {
        return 'unknown';
      }
    })(),
  };
}

// The ~10-field schema of the `schema` scenario: the loadgen payload {ts, seq, k, pad} plus
// --payload-fields 6 (f1 number, f2 string, ...).
const BENCH_SCHEMA = {
  type: 'object',
  properties: {
    ts: { type: 'integer', minimum: 0 }, seq: { type: 'integer', minimum: 0 }, k: { type: 'integer' },
    pad: { type: 'string', maxLength: 100000 },
    f1: { type: 'number' }, f2: { type: 'string', minLength: 1 }, f3: { type: 'number' },
    f4: { type: 'string', minLength: 1 }, f5: { type: 'number' }, f6: { type: 'string', enum: ['v2', 'v4', 'v6'] },
  },
  required: ['ts', 'seq', 'k', 'pad', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6'],
  additionalProperties: false,
};

async function metricValue(port, name) {
  const text = await (await fetch(`http://127.0.0.1:${port}/api/metrics/prometheus`)).text();
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

// `schema`: the fanout scenario on topic bench.schema with a ~10-field payload, without an
// active schema and then with one, in the same run (the gate must not be the bottleneck:
// issue 12 targets validated ≥ 90% of unvalidated).
async function schemaScenario(targets, common, auth) {
  const t = targets.find((x) => x.key === 'ours');
  if (!t) return { ok: false, skipped: 'needs the ours target' };
  const base = `http://127.0.0.1:${t.port}`;
  const call = (method, p, body) => fetch(base + p, { method, headers: auth, body: JSON.stringify(body) });
  const args = [...common(t), '--scenario', 'fanout', '--subs', String(S.fanout), '--topic', 'bench.schema', '--payload-fields', '6'];
  const reg = await call('POST', '/api/schemas/bench.schema', { schema: BENCH_SCHEMA, compatibilityMode: 'none' });
  if (reg.status !== 201) return { ok: false, error: `schema registration: HTTP ${reg.status} ${await reg.text()}` };
  const version = (await reg.json()).version;
  // Two rounds of off/on, alternated; the best of each counts (the machine is shared: a
  // neighbour's burst during one run must not decide the ratio).
  let off, on, validations = 0, failures = 0;
  const best = (a, b) => (!a || (b.delivered_per_s || 0) > (a.delivered_per_s || 0) ? b : a);
  for (let round = 1; round <= 2; round++) {
    log(`schema on ours (round ${round}/2): fanout on bench.schema without an active schema, load ${os.loadavg()[0].toFixed(2)}`);
    off = best(off, await loadgen(args));
    await sleep(smoke ? 300 : 2000);
    const activate = await call('PATCH', '/api/topics/bench.schema', { activeSchemaVersion: version });
    if (activate.status !== 200) return { ok: false, error: `activeSchemaVersion: HTTP ${activate.status}` };
    const v0 = await metricValue(t.port, 'realtime_schema_validations_total');
    const f0 = await metricValue(t.port, 'realtime_schema_validation_failures_total');
    log(`schema on ours (round ${round}/2): the same with schema v${version} active, load ${os.loadavg()[0].toFixed(2)}`);
    on = best(on, await loadgen(args));
    validations += (await metricValue(t.port, 'realtime_schema_validations_total')) - v0;
    failures += (await metricValue(t.port, 'realtime_schema_validation_failures_total')) - f0;
    await call('PATCH', '/api/topics/bench.schema', { activeSchemaVersion: 0 });
    await sleep(smoke ? 300 : 2000);
  }
  const ratio = off.delivered_per_s ? on.delivered_per_s / off.delivered_per_s : undefined;
  if (ratio !== undefined) console.log(`  validated ÷ unvalidated deliveries/s: ${(100 * ratio).toFixed(0)}% (${validations} events validated, ${failures} refused)`);
  const error = !validations ? 'no event was validated (gate not active?)' : failures ? `${failures} events refused by the schema` : on.error;
  return { ...on, ok: on.ok !== false && validations > 0 && !failures, error, unvalidated: off, unvalidated_per_s: off.delivered_per_s, ratio, validations, failures };
}

// Exact Prometheus sample (name with its labels, e.g. 'm{queue="q"}'); 0 when absent.
async function metricSample(port, sample) {
  const text = await (await fetch(`http://127.0.0.1:${port}/api/metrics/prometheus`)).text();
  for (const line of text.split('\n')) if (line.startsWith(sample + ' ')) return Number(line.slice(sample.length + 1));
  return 0;
}

function machineBusyTicks() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return f[0] + f[1] + f[2] + f[5] + f[6] + f[7];  // user nice system irq softirq steal
}

// `metrics` and `traces`: the cost of one stage of the publish path (issue 16: metrics ≤ 2%;
// issue 17: traces ≤ 5%). The fanout scenario on two fresh copies of our server, identical but
// for the stage turned off on the second (REALTIME_METRICS=off: no per-topic counting, no latency
// samples; REALTIME_TRACE_SAMPLE=0: no trace), alternated; the best of each. Besides
// deliveries/s (bounded by the loadgen sharing the 2 cores) it reports server CPU per delivery,
// the figure the stage changes, and the micro benchmark of the same publish path without sockets
// (bench/micro/hub_bench.cpp), the precise figure.
const STAGES = {
  metrics: { off: { REALTIME_METRICS: 'off' }, micro: 'FanOutMetrics', what: 'metrics' },
  traces: { off: { REALTIME_TRACE_SAMPLE: '0' }, micro: 'FanOutTraced', what: 'tracing' },
};
async function stageScenario(name, targets, common, serverBin) {
  const stage = STAGES[name];
  const t = targets.find((x) => x.key === 'ours');
  if (!t) return { ok: false, skipped: 'needs the ours target' };
  const servers = [];
  const launch = async (key, port, extra) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `realtime-bench-${key}-`));
    const env = { REALTIME_DATA_DIR: dir, PORT: String(port), LOG_LEVEL: 'warn', REALTIME_WS_RATE_PER_SECOND: '0', NODE_ENV: 'development', ...extra };
    const proc = start(key, serverBin, ['serve'], env, dir);
    servers.push({ proc, dir });
    await waitHealthy(port);
    const token = execFileSync(serverBin, ['token', '--app', 'default', '--permissions', 'admin', '--ttl', '2h'],
      { env: { ...process.env, REALTIME_DATA_DIR: dir }, encoding: 'utf8' }).trim();
    const target = { ...t, key, port, pid: proc.pid };
    const args = [...common(target), '--scenario', 'fanout', '--subs', String(S.fanout)];
    args[args.indexOf('--token') + 1] = token;
    return args;
  };
  try {
    const onArgs = await launch(`ours-${name}-on`, P.bare, {});
    const offArgs = await launch(`ours-${name}-off`, P.bare + 1, stage.off);
    const best = (a, b) => (!a || (b.delivered_per_s || 0) > (a.delivered_per_s || 0) ? b : a);
    const cpuPerDelivery = (r) => (r.delivered_per_s ? (r.server_cpu_pct / 100) * 1e9 / r.delivered_per_s : undefined);  // ns
    let on, off;
    const onNs = [], offNs = [];
    const rounds = smoke ? 1 : 3;
    for (let round = 1; round <= rounds; round++) {
      for (const [label, args] of round % 2 ? [['on', onArgs], ['off', offArgs]] : [['off', offArgs], ['on', onArgs]]) {
        log(`${name} (round ${round}/${rounds}): fanout with ${stage.what} ${label}, load ${os.loadavg()[0].toFixed(2)}`);
        const r = await loadgen(args);
        if (label === 'on') { on = best(on, r); onNs.push(cpuPerDelivery(r)); } else { off = best(off, r); offNs.push(cpuPerDelivery(r)); }
        await sleep(smoke ? 300 : 2000);
      }
    }
    let micro;
    try {
      const out = execFileSync(path.join(bin, 'micro_bench'), [`--benchmark_filter=${stage.micro}`, '--benchmark_format=json'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const med = (arg) => JSON.parse(out).benchmarks.find((b) => b.name === `BM_${stage.micro}/${arg}/repeats:5_median`)?.cpu_time;
      micro = { on_ns: med(1), off_ns: med(0) };
      micro.ratio = micro.on_ns && micro.off_ns ? micro.off_ns / micro.on_ns : undefined;
      console.log(`  micro: one publish to 1,000 subscribers ${micro.on_ns?.toFixed(0)} ns with ${stage.what}, ${micro.off_ns?.toFixed(0)} ns without`);
    } catch (e) {
      micro = { error: String(e.message || e) };
    }
    const median = (xs) => { const v = xs.filter((x) => x !== undefined).sort((a, b) => a - b); return v.length ? v[Math.floor(v.length / 2)] : undefined; };
    const ratio = off.delivered_per_s ? on.delivered_per_s / off.delivered_per_s : undefined;
    const ns_on = median(onNs), ns_off = median(offNs);
    const cpu_ratio = ns_on && ns_off ? ns_on / ns_off : undefined;
    if (ratio !== undefined) console.log(`  ${stage.what} on ÷ off: deliveries/s ${(100 * ratio).toFixed(1)}%, server CPU per delivery ${ns_on?.toFixed(0)} vs ${ns_off?.toFixed(0)} ns (${(100 * cpu_ratio).toFixed(1)}%)`);
    return { ...on, ok: on.ok !== false && off.ok !== false && micro.ratio !== undefined, error: micro.error || on.error,
      bare: off, bare_per_s: off.delivered_per_s, ratio, rounds, ns_on, ns_off, cpu_ratio, micro };
  } finally {
    for (const s of servers) {
      s.proc.expectedExit = true;
      s.proc.kill('SIGTERM');
    }
    await sleep(500);
    for (const s of servers) fs.rmSync(s.dir, { recursive: true, force: true });
  }
}

// `webhooks` (ours only: the Node peers have no webhooks; issue 14): see bench/webhooks.mjs.
async function webhooksScenario(targets, common, auth) {
  const t = targets.find((x) => x.key === 'ours');
  if (!t) return { ok: false, skipped: 'needs the ours target' };
  return runWebhooks({ t, common, auth, S, smoke, port: P.hook, here, start, waitHealthy, loadgen, sleep, log, cpuTicks, metricSample, machineBusyTicks });
}

async function main() {
  const started = new Date();
  const mach = machine();
  log(`machine: ${mach.nproc} cores, ${mach.model}, load ${mach.load}${smoke ? ' (smoke mode)' : ''}`);

  // Our server: throwaway data dir, no per-connection rate limit (the bench publishes fast).
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'realtime-bench-'));
  const oursEnv = { REALTIME_DATA_DIR: dataDir, PORT: String(P.ours), LOG_LEVEL: 'warn', REALTIME_WS_RATE_PER_SECOND: '0', NODE_ENV: 'development' };
  // A private copy of the binary: a rebuild during the run must not change what is measured.
  const server = path.join(dataDir, 'realtime');
  fs.copyFileSync(path.join(bin, 'realtime'), server);
  fs.chmodSync(server, 0o755);
  let ours = start('ours', server, ['serve'], oursEnv, dataDir);  // cwd: a core dump lands in dataDir
  const wsPeer = start('ws-peer', process.execPath, [path.join(here, 'peers/ws-peer.mjs')], { PORT: String(P.ws) });
  const sioPeer = start('sio-peer', process.execPath, [path.join(here, 'peers/sio-peer.mjs')], { PORT: String(P.sio) });
  await Promise.all([waitHealthy(P.ours), waitHealthy(P.ws), waitHealthy(P.sio)]);
  const token = execFileSync(server, ['token', '--app', 'default', '--permissions', 'admin', '--ttl', '2h'],
    { env: { ...process.env, REALTIME_DATA_DIR: dataDir }, encoding: 'utf8' }).trim();
  const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  await fetch(`http://127.0.0.1:${P.ours}/api/topics`, { method: 'POST', headers: auth,
    body: JSON.stringify({ name: 'bench.rest', description: 'bench topic', owner: 'bench' }) });
  await fetch(`http://127.0.0.1:${P.ours}/api/topics`, { method: 'POST', headers: auth,
    body: JSON.stringify({ name: 'bench.schema', description: 'bench topic (schema scenario)', owner: 'bench' }) });
  const sioProbe = await fetch(`http://127.0.0.1:${P.ours}/socket.io/?EIO=4&transport=polling`).catch(() => ({ status: 0 }));
  const oursSio = sioProbe.status !== 404 && sioProbe.status !== 0;
  log(`our Socket.IO endpoint: ${oursSio ? 'present' : 'absent (404): Socket.IO figures come from the Node peer only'}`);

  let targets = [
    { key: 'ours', port: P.ours, proto: 'ws', pid: ours.pid },
    ...(oursSio ? [{ key: 'ours-sio', port: P.ours, proto: 'sio', pid: ours.pid }] : []),
    { key: 'ws', port: P.ws, proto: 'ws', pid: wsPeer.pid },
    { key: 'sio', port: P.sio, proto: 'sio', pid: sioPeer.pid },
  ];
  if (onlyTargets) targets = targets.filter((t) => onlyTargets.includes(t.key));
  const common = (t) => ['--port', String(t.port), '--proto', t.proto, '--token', token, '--server-pid', String(t.pid),
    '--warmup-ms', String(S.warmup), '--duration-ms', String(S.duration), '--label', t.key];

  // idle runs first, on fresh processes: memory freed by earlier scenarios would hide its cost.
  const scenarios = [
    ['idle', (t) => ['--scenario', 'idle', '--subs', String(S.idle), '--settle-ms', smoke ? '1000' : '3000', '--idle-cpu-ms', smoke ? '2000' : '30000']],
    ['fanout', (t) => ['--scenario', 'fanout', '--subs', String(S.fanout)]],
    ['latency', (t) => ['--scenario', 'latency', '--subs', String(S.latency), '--latency-rates', String(S.sameRate),
      '--latency-fractions', smoke ? '0.5' : '0.5,0.25,0.1']],
    ['many-topics', (t) => ['--scenario', 'many-topics', '--subs', String(S.many), '--window', '256']],
    // Same deliveries in flight as fanout (32 events × all subscribers): 320 events × 10%.
    ['filtered', (t) => ['--scenario', 'filtered', '--subs', String(S.filtered), '--window', '320']],
  ];
  const results = {};
  for (const [name, args] of scenarios) {
    if (only && !only.includes(name)) continue;
    results[name] = {};
    for (const t of targets) {
      if (name === 'idle' && t.key === 'ours-sio') {
        // Same process as ours (/ws): restart it so the /ws run's freed memory does not count.
        ours.expectedExit = true;
        ours.kill('SIGTERM');
        await new Promise((r) => (ours.exitCode !== null ? r() : ours.on('exit', r)));
        ours = start('ours', server, ['serve'], oursEnv, dataDir);
        await waitHealthy(P.ours);
        for (const x of targets) if (x.port === P.ours) x.pid = ours.pid;
      }
      log(`${name} on ${t.key} (${t.proto}, port ${t.port}), load ${os.loadavg()[0].toFixed(2)}`);
      results[name][t.key] = await loadgen([...common(t), ...args(t)]);
      await sleep(smoke ? 300 : 2000);  // let sockets close and the server settle
    }
  }
  // Like-for-like latency at the load where the Node `ws` peer runs at half its own maximum
  // (issue 20 item 3: our p99 there ≤ ⅓ of its p99): every server at that one open-loop rate.
  const wsMax = results.latency?.ws?.published_per_s;
  if (wsMax && results.latency?.ours) {
    const rate = Math.max(1, Math.round(wsMax / 2));
    for (const t of targets.filter((x) => x.key === 'ours' || x.key === 'ws')) {
      log(`latency on ${t.key} at ${rate} pub/s (½ the Node ws peer's max)`);
      results.latency[t.key].at_ws_half = await loadgen([...common(t), '--scenario', 'latency', '--subs', String(S.latency),
        '--rate', String(rate), '--latency-fractions', 'none']);
      await sleep(smoke ? 300 : 2000);
    }
  }
  if (!only || only.includes('docs')) {
    log('docs on ours (sync document merges)');
    const t = targets.find((x) => x.key === 'ours') || { key: 'ours', port: P.ours, proto: 'ws', pid: ours.pid };
    // Durable merges by keep-alive HTTP clients over many documents (group commit, issue 20 item
    // 1): with every merge fanned out to docsSubs subscribers, and with one subscriber (the write
    // path itself: with 1,000 subscribers the fan-out caps the rate).
    const docs = (subs, prefix) => loadgen([...common(t), '--scenario', 'docs', '--subs', String(subs), '--topic', 'sync.bench.updated',
      '--service', 'bench', '--pubs', String(S.docsClients), '--docs', String(S.docsDocs), '--doc-prefix', prefix]);
    results.docs = { ours: await docs(S.docsSubs, 'doc') };
    log('docs on ours with one subscriber (the durable write path)');
    results['docs-write'] = { ours: await docs(1, 'w') };
    // The same write path on PostgreSQL (fsync on) and on Redis write-back (bench/docs_backends.mjs).
    Object.assign(results, await runDocsBackends({ S, portBase: base, root, serverBin: server, start, waitHealthy, loadgen, log }));
  }
  if (!only || only.includes('metrics')) results.metrics = { ours: await stageScenario('metrics', targets, common, server) };
  if (!only || only.includes('traces')) results.traces = { ours: await stageScenario('traces', targets, common, server) };
  if (!only || only.includes('schema')) results.schema = { ours: await schemaScenario(targets, common, auth) };
  if (!only || only.includes('webhooks')) results.webhooks = { ours: await webhooksScenario(targets, common, auth) };
  if (!only || only.includes('cdc')) {
    // Ours only (a server of its own on a throwaway PostgreSQL); the ceiling is pg_recvlogical.
    log('cdc on ours (PostgreSQL logical replication → /ws)');
    results.cdc = { ours: await runCdc({ S, smoke, portBase: base, root, here, serverBin: server, start, waitHealthy, sleep, log, cpuTicks }) };
  }
  if (!only || only.includes('rooms')) {
    // Ours only: 20,000 subscribers of one topic, then 5,000 members of one channel (bench/rooms.mjs).
    const t = targets.find((x) => x.key === 'ours') || { key: 'ours', port: P.ours, proto: 'ws', pid: ours.pid };
    results.rooms = { ours: await runRooms({ t, token, smoke, here, log, cpuTicks, sleep, loadgen }) };
  }
  if (!only || only.includes('cluster')) {
    // Ours only: two instances on one Redis (issue 20 item 4, bench/cluster.mjs).
    log('cluster on ours (two instances on one Redis)');
    results.cluster = { ours: await runCluster({ S, smoke, portBase: base, serverBin: server, start, waitHealthy, loadgen, sleep, log, cpuTicks }) };
  }
  if (!only || only.includes('rest')) {
    // With a bare Beast server as the ceiling. The targets alternate over rounds and the best of
    // each counts (the machine is shared: a neighbour's burst during one run must not decide).
    results.rest = {};
    const rounds = smoke ? 1 : 2;
    const best = (a, b) => (!a || (b.requests_per_s || 0) > (a.requests_per_s || 0) ? b : a);
    const ceiling = !onlyTargets || onlyTargets.includes('bare') ? await startCeiling(token) : null;
    const restTargets = [...targets.filter((x) => x.proto === 'ws'), ...(ceiling?.target ? [ceiling.target] : [])];
    for (let round = 1; round <= rounds; ++round) {
      for (const t of restTargets) {
        log(`rest on ${t.key}${t.key === 'bare' ? ' (bare Beast, the ceiling)' : ''}: wrk GET /api/topics/bench.rest, round ${round} of ${rounds}`);
        results.rest[t.key] = { ...best(results.rest[t.key], await wrk(t, '/api/topics/bench.rest', token)), rounds };
      }
    }
    ceiling?.stop?.();
    if (ceiling?.result) results.rest.bare = ceiling.result;
  }

  const report = renderReport({ results, machine: mach, smoke, started, finished: new Date(), targets: [...targets.map((t) => t.key), ...(results.rest?.bare ? ['bare'] : [])], crashes });
  console.log('\n' + report.table);
  const day = started.toISOString().slice(0, 10);
  const file = path.join(here, 'results', smoke ? `smoke-${day}.tmp` : `${day}.md`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, report.markdown);
  log(`written to ${path.relative(root, file)}`);
  stopAll();
  if (crashes.length) log(`kept ${dataDir} (server binary, database, any core dump) for the crash`);
  else fs.rmSync(dataDir, { recursive: true, force: true });
  if (report.failures.length) {
    log(`FAILED: ${report.failures.join('; ')}`);
    process.exit(1);
  }
  log('every scenario ran and printed figures');
}

main().catch((e) => {
  console.error('bench:', e.stack || e);
  process.exit(1);
});
