// The `cluster` scenario of bench/run.mjs (issue 20 item 4): two `realtime serve` (A and B) on one
// throwaway redis-server, sharing one data directory (the same signing keys).
//   split  the many-topics scenario (one subscriber per topic, one delivery per publish) with the
//          subscribers split across A and B and the publishers on A: A PUBLISHes every event to
//          Redis, B receives the half its subscribers hold. Figures: events/s through Redis (A's
//          realtime_broker_published_total), cross-instance deliveries/s (B's
//          realtime_events_delivered_total), B's received/s, and the loadgen's total.
//   quiet  the same load with every subscriber on A: B has no subscriber for any published
//          topic, so it must receive none of them: B's CPU % over the run (target 0–1 %) and
//          what B received (only the cluster's heartbeats).
//   connect  N /ws connections opened on B (each subscribes its direct:<socketId> topic, one
//          Redis channel per connection, batched): connections/s and B's channels afterwards.
// Rates come from /metrics sampled every 500 ms while the loadgen runs; the best window of the
// loadgen's measuring duration counts (the warm-up and the connects are outside it).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

async function metrics(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const get = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    published: get('realtime_broker_published_total'),
    received: get('realtime_broker_received_total'),
    remote: get('realtime_events_remote_total'),
    delivered: get('realtime_events_delivered_total'),
    channels: get('realtime_broker_channels'),
  };
}

async function redisUp(port, sleep) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`redis-server did not start on ${port}`);
}

// Samples A's and B's metrics and CPU every 500 ms until stopped.
function sampler(ports, pids, cpuTicks, sleep) {
  const samples = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const [a, b] = await Promise.all(ports.map(metrics));
      samples.push({ t: Date.now() / 1000, a, b, cpuA: cpuTicks(pids[0]), cpuB: cpuTicks(pids[1]) });
      await sleep(500);
    }
  })();
  return { samples, stop: async () => { running = false; await done; } };
}

// The window of `secs` seconds with the most events published by A: rates over it.
function bestWindow(samples, secs) {
  let best;
  for (let i = 0; i < samples.length; i++) {
    const j = samples.findIndex((s) => s.t >= samples[i].t + secs);
    if (j < 0) break;
    const s0 = samples[i], s1 = samples[j], dt = s1.t - s0.t;
    const w = {
      seconds: dt,
      redis_events_per_s: (s1.a.published - s0.a.published) / dt,
      b_received_per_s: (s1.b.received - s0.b.received) / dt,
      b_events_per_s: (s1.b.remote - s0.b.remote) / dt,
      cross_deliveries_per_s: (s1.b.delivered - s0.b.delivered) / dt,
      a_deliveries_per_s: (s1.a.delivered - s0.a.delivered) / dt,
      a_cpu_pct: ((s1.cpuA - s0.cpuA) / 100 / dt) * 100,
      b_cpu_pct: ((s1.cpuB - s0.cpuB) / 100 / dt) * 100,
    };
    if (!best || w.redis_events_per_s > best.redis_events_per_s) best = w;
  }
  return best;
}

// ctx: { S, smoke, portBase, serverBin, start, waitHealthy, loadgen, sleep, log, cpuTicks } from bench/run.mjs.
export async function runCluster(ctx) {
  const { S, smoke, portBase, serverBin, start, waitHealthy, loadgen, sleep, log, cpuTicks } = ctx;
  const redisPort = portBase + 30, portA = portBase + 31, portB = portBase + 32;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'realtime-bench-cluster-'));
  const procs = [];
  const stopAll = async () => {
    for (const p of procs.reverse()) {
      p.expectedExit = true;
      if (p.exitCode === null) p.kill('SIGTERM');
      await new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.on('exit', r)));
    }
  };
  try {
    procs.push(start('cluster-redis', 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '',
      '--appendonly', 'no'], {}, dataDir));
    await redisUp(redisPort, sleep);
    // The ceiling: what this redis-server sustains for unpipelined PUBLISH (50 clients, no subscriber).
    let ceiling;
    try {
      const out = execFileSync('redis-benchmark', ['-p', String(redisPort), '-q', '-n', smoke ? '20000' : '200000',
        'PUBLISH', 'realtime:bench:ceiling', 'x'.repeat(200)], { encoding: 'utf8' });
      ceiling = Number(/([\d.]+) requests per second/.exec(out)?.[1]);
      console.log(`  redis-benchmark: unpipelined PUBLISH ${Math.round(ceiling)}/s (the ceiling)`);
    } catch (e) {
      log(`redis-benchmark unavailable: ${e.message}`);
    }
    const env = { REALTIME_DATA_DIR: dataDir, LOG_LEVEL: 'warn', REALTIME_WS_RATE_PER_SECOND: '0', NODE_ENV: 'development',
      REDIS_URL: `redis://127.0.0.1:${redisPort}`, ...(process.env.BENCH_REDIS_CLUSTER ? { REDIS_CLUSTER: 'true' } : {}) };
    const a = start('cluster-a', serverBin, ['serve'], { ...env, PORT: String(portA) }, dataDir);
    procs.push(a);
    await waitHealthy(portA, 60000);
    const b = start('cluster-b', serverBin, ['serve'], { ...env, PORT: String(portB) }, dataDir);
    procs.push(b);
    await waitHealthy(portB, 60000);
    const token = execFileSync(serverBin, ['token', '--app', 'default', '--permissions', 'admin', '--ttl', '2h'],
      { env: { ...process.env, REALTIME_DATA_DIR: dataDir }, encoding: 'utf8' }).trim();
    const subs = smoke ? 200 : 2000;
    const run = async (label, subPorts) => {
      const s = sampler([portA, portB], [a.pid, b.pid], cpuTicks, sleep);
      const r = await loadgen(['--port', String(portA), '--sub-ports', subPorts.join(','), '--pub-port', String(portA),
        '--proto', 'ws', '--token', token, '--server-pid', String(a.pid), '--warmup-ms', String(S.warmup),
        '--duration-ms', String(S.duration), '--label', label, '--scenario', 'many-topics', '--subs', String(subs),
        '--window', '256', '--pubs', '4']);
      await s.stop();
      return { loadgen: r, w: bestWindow(s.samples, (S.duration / 1000) * 0.8) };
    };

    log(`cluster: split (${subs} subscribers, half on A and half on B, one topic each; publishers on A)`);
    const split = await run('cluster-split', [portA, portB]);
    if (split.w) console.log(`  split: ${Math.round(split.w.redis_events_per_s)} events/s through Redis, ${Math.round(split.w.cross_deliveries_per_s)} cross-instance deliveries/s (B), B received ${Math.round(split.w.b_received_per_s)}/s, A ${Math.round(split.w.a_cpu_pct)}% CPU, B ${Math.round(split.w.b_cpu_pct)}% CPU`);
    await sleep(smoke ? 500 : 2000);

    log('cluster: quiet (every subscriber on A: B has no subscriber for any published topic)');
    const quiet = await run('cluster-quiet', [portA]);
    if (quiet.w) console.log(`  quiet: ${Math.round(quiet.w.redis_events_per_s)} events/s through Redis, B received ${quiet.w.b_received_per_s.toFixed(1)}/s (events ${quiet.w.b_events_per_s.toFixed(1)}/s), B ${quiet.w.b_cpu_pct.toFixed(2)}% CPU`);
    await sleep(smoke ? 500 : 2000);

    log('cluster: connect (idle /ws connections on B, each with its direct:<socketId> channel)');
    const conns = smoke ? 500 : 5000;
    const before = await metrics(portB);
    const c0 = cpuTicks(b.pid), t0 = Date.now();
    let connectSecs, connectCpu, peak = before.channels, done = false;
    const watch = (async () => {  // connected = every connection's direct:<socketId> channel subscribed
      while (!done) {
        const m = await metrics(portB);
        peak = Math.max(peak, m.channels);
        if (connectSecs === undefined && m.channels >= before.channels + conns) {
          connectSecs = (Date.now() - t0) / 1000;
          connectCpu = (cpuTicks(b.pid) - c0) / 100;
        }
        await sleep(50);
      }
    })();
    const idle = await loadgen(['--port', String(portB), '--proto', 'ws', '--token', token, '--server-pid', String(b.pid),
      '--label', 'cluster-connect', '--scenario', 'idle', '--subs', String(conns), '--settle-ms', '2000', '--idle-cpu-ms', '200']);
    done = true;
    await watch;
    connectSecs ??= (Date.now() - t0) / 1000;
    connectCpu ??= (cpuTicks(b.pid) - c0) / 100;
    const after = { channels: peak };
    console.log(`  connect: ${idle.subs} connections in ${connectSecs.toFixed(2)} s (${Math.round(idle.subs / connectSecs)}/s), B's Redis channels ${before.channels} -> ${after.channels} (peak), B CPU ${(1e6 * connectCpu / Math.max(1, idle.subs)).toFixed(0)} µs per connection`);

    const w = split.w || {};
    return {
      ok: !!split.w && !!quiet.w && split.loadgen.ok !== false,
      redis_publish_ceiling_per_s: ceiling,
      error: split.loadgen.error || quiet.loadgen.error,
      subs: split.loadgen.subs,
      published_per_s: split.loadgen.published_per_s,
      delivered_per_s: split.loadgen.delivered_per_s,
      server_cpu_pct: w.a_cpu_pct,
      redis_events_per_s: w.redis_events_per_s,
      cross_deliveries_per_s: w.cross_deliveries_per_s,
      b_received_per_s: w.b_received_per_s,
      b_cpu_pct: w.b_cpu_pct,
      quiet_redis_events_per_s: quiet.w?.redis_events_per_s,
      quiet_b_received_per_s: quiet.w?.b_received_per_s,
      quiet_b_events_per_s: quiet.w?.b_events_per_s,
      quiet_b_cpu_pct: quiet.w?.b_cpu_pct,
      quiet_loadgen: quiet.loadgen,
      connect: { connections: idle.subs, seconds: connectSecs, per_s: idle.subs / connectSecs, cpu_us_per_conn: 1e6 * connectCpu / Math.max(1, idle.subs),
        channels_before: before.channels, channels_after: after.channels },
    };
  } catch (e) {
    return { ok: false, error: e.message };
  } finally {
    await stopAll();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
