// The `cdc` scenario of bench/run.mjs (issue 13): rows/s decoded, mapped and delivered to one /ws
// subscriber of one topic, and commit→client latency. Ours only; the ceiling is PostgreSQL's own
// `pg_recvlogical` draining the same changes through the same publication in the same run.
//
// Set-up: a throwaway PostgreSQL 15 cluster (scripts/test-services.sh: wal_level=logical, fsync
// off — the target's disk is not what is measured; synchronous_commit back on), a database
// with `bench_rows (id bigint primary key, ts_us bigint, pad text)`, a `realtime serve` of its own
// with CDC_DATABASE_URL on it and a mapping bench_rows (insert) → topic bench.cdc with payload
// {id, ts}; ts is clock_timestamp() in µs when the row was written. The subscriber runs in this
// process (Node `ws`); it counts frames and parses them only in the latency phase.
//   1. bulk: S.cdcBulkTx transactions of S.cdcBulkRows rows (INSERT … generate_series, one psql
//      session): rows / (first INSERT → last event at the subscriber).
//   2. ceiling: a second pgoutput slot made before phase 1 is drained to the LSN after it by
//      pg_recvlogical (decode + send, nothing else): the same rows / its wall time.
//   3. single-row transactions: pgbench, 8 clients, one INSERT per transaction, for S.cdcSecs:
//      rows / (pgbench start → last event). pgbench's own rate is reported beside it (on 2 cores
//      the generator and PostgreSQL share the CPU with the server).
//   4. latency: pgbench -R at half of phase 3's delivered rate for S.cdcSecs: receive time − ts,
//      p50/p99/max (the row's write time is at most its commit time, so this is an upper bound of
//      commit→client).
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
const TOPIC = 'bench.cdc';

// Runs a command to completion: its trimmed stdout, or an error with its stderr (also bench/docs_backends.mjs).
export const run = (cmd, args, env) => new Promise((resolve, reject) => {
  execFile(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 26 },
    (err, stdout, stderr) => (err ? reject(new Error(`${cmd} ${args.slice(0, 3).join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout.trim())));
});

function percentile(sorted, p) {
  if (!sorted.length) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function runCdc(ctx) {
  const { S, smoke, portBase, root, here, serverBin, start, waitHealthy, sleep, log, cpuTicks } = ctx;
  const require = createRequire(path.join(here, 'peers/package.json'));
  const WebSocket = require('ws');
  const pgPort = portBase + 10;
  const svcDir = fs.mkdtempSync(path.join(os.tmpdir(), 'realtime-bench-pg-'));
  const svcEnv = { TEST_SERVICES_DIR: svcDir, TEST_PG_PORT: String(pgPort), TEST_REDIS_PORT: String(portBase + 11) };
  const services = path.join(root, 'scripts/test-services.sh');
  const pgAdmin = `postgresql://realtime:realtime@127.0.0.1:${pgPort}/realtime_test`;
  const target = `postgresql://realtime:realtime@127.0.0.1:${pgPort}/bench_cdc`;
  const psql = (url, sql) => run(path.join(PG_BIN, 'psql'), [url, '-v', 'ON_ERROR_STOP=1', '-Atqc', sql]);
  const port = portBase + 4;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'realtime-bench-cdc-'));
  let server;
  let ws;
  try {
    execFileSync(services, ['start'], { env: { ...process.env, ...svcEnv }, stdio: 'pipe' });
    // The test cluster runs with synchronous_commit off, which holds a commit back from the
    // walsender until the WAL writer's next flush (up to 200 ms): back on, as in production.
    await psql(pgAdmin, 'ALTER SYSTEM SET synchronous_commit = on');
    await psql(pgAdmin, 'SELECT pg_reload_conf()');
    await psql(pgAdmin, 'CREATE DATABASE bench_cdc');
    await psql(target, `CREATE TABLE bench_rows (id bigint PRIMARY KEY, ts_us bigint NOT NULL, pad text);
      CREATE SEQUENCE bench_seq START 10000000`);
    server = start('ours-cdc', serverBin, ['serve'], {
      REALTIME_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'development',
      CDC_DATABASE_URL: target, CDC_SLOT_NAME: 'bench_cdc_slot', REALTIME_WS_RATE_PER_SECOND: '0',
    }, dataDir);
    await waitHealthy(port);
    const token = execFileSync(serverBin, ['token', '--app', 'default', '--permissions', 'admin', '--ttl', '2h'],
      { env: { ...process.env, REALTIME_DATA_DIR: dataDir }, encoding: 'utf8' }).trim();
    const api = async (method, p, body) => {
      const r = await fetch(`http://127.0.0.1:${port}${p}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: body && JSON.stringify(body) });
      const text = await r.text();
      if (r.status >= 300) throw new Error(`${method} ${p}: HTTP ${r.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    await api('POST', '/api/database/mappings', { table: 'bench_rows', events: ['insert'], topic: TOPIC, payload: { id: '$row.id', ts: '$row.ts_us' } });
    for (let i = 0; ; i++) {
      const st = await api('GET', '/api/database/status');
      if (st.some((r) => r.state === 'streaming')) break;
      if (i > 300) throw new Error(`the CDC reader is not streaming: ${JSON.stringify(st)}`);
      await sleep(100);
    }

    // The subscriber: counts every event frame; collects latencies only while `timing`.
    let count = 0;
    let lastAt = 0;
    let timing = false;
    const lat = [];
    ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(token)}`);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const subscribed = new Promise((resolve) => {
      ws.on('message', (buf) => {
        const s = buf.toString();
        if (s.startsWith('{"type":"event"')) {
          count++;
          lastAt = performance.now();
          if (timing) {
            const nowUs = (performance.timeOrigin + performance.now()) * 1000;
            const m = /"ts":(\d+)/.exec(s);
            if (m) lat.push(nowUs - Number(m[1]));
          }
        } else if (s.includes('"subscribed"')) resolve();
      });
    });
    ws.send(JSON.stringify({ type: 'subscribe', topic: TOPIC }));
    await subscribed;
    const waitCount = async (n, ms) => {
      const until = Date.now() + ms;
      while (count < n && Date.now() < until) await sleep(5);
      if (count < n) throw new Error(`${n - count} of ${n} events did not arrive within ${ms} ms`);
    };
    const insertSql = (from, n) => `INSERT INTO bench_rows SELECT g, (extract(epoch from clock_timestamp()) * 1e6)::bigint, 'x' FROM generate_series(${from}, ${from + n - 1}) g;`;

    // Warm-up (also proves the path end to end).
    await psql(target, insertSql(1, 1000));
    await waitCount(1000, 30000);

    // 1. bulk, with the ceiling's slot made just before it.
    await psql(target, "SELECT pg_create_logical_replication_slot('bench_ceiling', 'pgoutput')");
    const bulkRows = S.cdcBulkTx * S.cdcBulkRows;
    const script = Array.from({ length: S.cdcBulkTx }, (_, i) => insertSql(1_000_000 + i * S.cdcBulkRows, S.cdcBulkRows)).join('\n');
    const base = count;
    const c0 = cpuTicks(server.pid);
    const t0 = performance.now();
    await psql(target, script);
    const insertMs = performance.now() - t0;
    const endLsn = await psql(target, 'SELECT pg_current_wal_lsn()');
    await waitCount(base + bulkRows, 120000);
    const bulkMs = lastAt - t0;
    const bulk = { rows: bulkRows, tx_rows: S.cdcBulkRows, rows_per_s: bulkRows / (bulkMs / 1000), insert_ms: insertMs, ms: bulkMs,
      server_cpu_pct: ((cpuTicks(server.pid) - c0) / 100 / (bulkMs / 1000)) * 100 };
    log(`  cdc bulk: ${bulkRows} rows in ${S.cdcBulkTx} tx: ${Math.round(bulk.rows_per_s)} rows/s delivered (inserts took ${Math.round(insertMs)} ms), server ${Math.round(bulk.server_cpu_pct)}% CPU`);

    // 2. ceiling: pg_recvlogical drains the same changes.
    const r0 = performance.now();
    await run(path.join(PG_BIN, 'pg_recvlogical'), ['-d', target, '--slot', 'bench_ceiling', '--start', '--endpos', endLsn,
      '-o', 'proto_version=1', '-o', 'publication_names=realtime_cdc_pub', '-f', '/dev/null', '--no-loop']);
    const ceilingMs = performance.now() - r0;
    await psql(target, "SELECT pg_drop_replication_slot('bench_ceiling')");
    const ceiling = { rows_per_s: bulkRows / (ceilingMs / 1000), ms: ceilingMs };
    log(`  cdc ceiling: pg_recvlogical drained the same ${bulkRows} rows in ${Math.round(ceilingMs)} ms: ${Math.round(ceiling.rows_per_s)} rows/s`);

    // 3. single-row transactions, as fast as pgbench goes.
    const pgbenchScript = path.join(dataDir, 'insert.sql');
    fs.writeFileSync(pgbenchScript, "INSERT INTO bench_rows VALUES (nextval('bench_seq'), (extract(epoch from clock_timestamp()) * 1e6)::bigint, 'x');\n");
    const pgbench = async (extra) => {
      const out = await run(path.join(PG_BIN, 'pgbench'), ['-n', '-f', pgbenchScript, '-c', '8', '-j', '2', '-T', String(S.cdcSecs), ...extra, target]);
      const tx = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1]);
      const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
      return { tx, tps };
    };
    let base2 = count;
    const c1 = cpuTicks(server.pid);
    const s0 = performance.now();
    const pb = await pgbench([]);
    await waitCount(base2 + pb.tx, 120000);
    const singleMs = lastAt - s0;
    const single = { rows: pb.tx, rows_per_s: pb.tx / (singleMs / 1000), pgbench_tps: pb.tps,
      server_cpu_pct: ((cpuTicks(server.pid) - c1) / 100 / (singleMs / 1000)) * 100 };
    log(`  cdc single-row: ${pb.tx} tx: ${Math.round(single.rows_per_s)} rows/s delivered (pgbench ${Math.round(pb.tps)} tps), server ${Math.round(single.server_cpu_pct)}% CPU`);

    // 4. latency at half of that rate.
    const rate = Math.max(100, Math.round(single.rows_per_s / 2));
    base2 = count;
    timing = true;
    const c2 = cpuTicks(server.pid);
    const l0 = performance.now();
    const pl = await pgbench(['-R', String(rate)]);
    await waitCount(base2 + pl.tx, 60000);
    timing = false;
    const lMs = performance.now() - l0;
    lat.sort((a, b) => a - b);
    const latency = { rate, rows: pl.tx, samples: lat.length, p50_us: percentile(lat, 50), p99_us: percentile(lat, 99),
      max_us: lat[lat.length - 1], server_cpu_pct: ((cpuTicks(server.pid) - c2) / 100 / (lMs / 1000)) * 100 };
    log(`  cdc latency at ${rate} rows/s: p50 ${(latency.p50_us / 1000).toFixed(2)} ms, p99 ${(latency.p99_us / 1000).toFixed(2)} ms, max ${(latency.max_us / 1000).toFixed(1)} ms`);

    const status = await api('GET', '/api/database/status');
    return {
      ok: true, rows_per_s: bulk.rows_per_s, server_cpu_pct: bulk.server_cpu_pct, bulk, ceiling, single, latency,
      single_rows_per_s: single.rows_per_s, single_cpu_pct: single.server_cpu_pct,
      p99_us: latency.p99_us, latency_cpu_pct: latency.server_cpu_pct, delivered: count,
      routed: status.find((r) => r.state === 'streaming')?.routed, smoke,
    };
  } catch (e) {
    return { ok: false, error: String(e.message || e) };
  } finally {
    ws?.terminate();
    if (server) {
      server.expectedExit = true;
      server.kill('SIGTERM');
      await new Promise((r) => (server.exitCode !== null ? r() : server.on('exit', r)));
    }
    try { execFileSync(services, ['stop'], { env: { ...process.env, ...svcEnv }, stdio: 'pipe' }); } catch (e) { log(`cdc: stopping PostgreSQL: ${e.message}`); }
    fs.rmSync(svcDir, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
