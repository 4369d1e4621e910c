// The `webhooks` scenario of bench/run.mjs (issue 14: signed deliveries/s to a local keep-alive
// receiver, and enqueue→delivered latency). Ours only: the Node peers have no webhooks.
//
// A receiver process (bench/peers/webhook-receiver.mjs: Node keep-alive HTTP server, answers 204,
// verifies the HMAC of 1 delivery in 100, records receive time − event.metadata.timestamp) sits
// behind endpoints matching every `socket.message` event of the bench application (maxConcurrency
// BENCH_WEBHOOK_MAX_CONCURRENCY, default 100). loadgen publishes on topic bench.webhooks over /ws
// with no subscribers (open loop, ack-paced connections); every publish becomes one delivery job
// per endpoint (BENCH_WEBHOOK_ENDPOINTS, default 1).
//   1. Publish-path cost: `fanout` (N subscribers, max rate) on bench.webhooks with no endpoint,
//      then with the endpoint (2 alternated rounds, best of each, as `schema` does; 1 in smoke).
//   2. Latency: publishes at S.hookRate/s, where the queue does not build up (halved, twice at
//      most, while it does): enqueue→delivered p50/p99 at the receiver over the window.
//   3. Saturation: publishes at S.hookSat/s (doubled once if delivery kept up): the receiver's
//      deliveries/s in steady state after the warm-up; then (full run) the drain rate of the
//      backlog with publishing stopped, which is delivery alone without the enqueue load.
// Windows are timed at the receiver: they start when the first delivery of the phase arrives,
// plus the warm-up; loadgen publishes for warm-up + window + a margin.
import path from 'node:path';

const SECRET = 'bench-webhook-secret-0123456789';
const TOPIC = 'bench.webhooks';

export async function runWebhooks(ctx) {
  const { t, common, auth, S, smoke, port, here, start, waitHealthy, loadgen, sleep, log, cpuTicks, metricSample, machineBusyTicks } = ctx;
  const api = (method, p, body) => fetch(`http://127.0.0.1:${t.port}${p}`, { method, headers: auth, body: body && JSON.stringify(body) });
  const recvBase = `http://127.0.0.1:${port}`;
  const receiver = start('webhook-receiver', process.execPath, [path.join(here, 'peers/webhook-receiver.mjs')],
    { PORT: String(port), SECRET, VERIFY_EVERY: '100' });
  await waitHealthy(port);
  const stats = async () => (await fetch(`${recvBase}/_stats`)).json();
  const counter = (name) => metricSample(t.port, name);
  const success = () => counter('realtime_webhook_deliveries_total{status="success"}');
  const settled = async () => (await success()) + (await counter('realtime_webhook_deliveries_total{status="dead"}'));
  const enqueued = () => counter('realtime_webhook_enqueued_total');
  const nEndpoints = Math.max(1, Number(process.env.BENCH_WEBHOOK_ENDPOINTS || 1));
  const maxConcurrency = Number(process.env.BENCH_WEBHOOK_MAX_CONCURRENCY || 100);
  const margin = smoke ? 400 : 1500;
  await api('POST', '/api/topics', { name: TOPIC, description: 'bench topic (webhooks scenario)', owner: 'bench' });

  let endpoints = [];
  const addEndpoints = async () => {
    for (let i = 0; i < nEndpoints; i++) {
      const r = await api('POST', '/api/webhooks', { url: `${recvBase}/hook`, secret: SECRET, events: ['socket.message'],
        maxConcurrency, description: `bench ${i}` });
      if (r.status !== 201) throw new Error(`POST /api/webhooks: HTTP ${r.status} ${await r.text()}`);
      endpoints.push((await r.json()).id);
    }
  };
  // Everything enqueued delivered (or dead), within ms; then the endpoints are deleted.
  const drainAndRemove = async (ms) => {
    const until = Date.now() + ms;
    await sleep(200);  // the enqueue buffer's last batch
    let left;
    while ((left = (await enqueued()) - (await settled())) > 0 && Date.now() < until) await sleep(100);
    if (left > 0) log(`webhooks: ${left} jobs still queued${ms ? ` after ${ms} ms` : ''}: deleting the endpoints (their jobs are skipped)`);
    for (const id of endpoints) await api('DELETE', `/api/webhooks/${id}`);
    endpoints = [];
    if (left > 0 && !smoke) {
      // Their jobs are completed without a delivery; the queue gauges are sampled every 5 s.
      await sleep(6000);
      const until2 = Date.now() + 60000;
      const busy = async () => (await counter('realtime_queue_depth{queue="webhook-delivery"}')) + (await counter('realtime_queue_leased{queue="webhook-delivery"}'));
      while ((await busy()) > 0 && Date.now() < until2) await sleep(500);
    }
  };

  // A measurement window at the receiver, started `warmupMs` after the first delivery.
  async function window(warmupMs, durationMs, sinceTotal) {
    const until = Date.now() + 15000;
    while ((await stats()).total === sinceTotal && Date.now() < until) await sleep(20);
    await sleep(warmupMs);
    await fetch(`${recvBase}/_reset`, { method: 'POST' });
    const a = { c: cpuTicks(t.pid), r: cpuTicks(receiver.pid), m: machineBusyTicks(), e: await enqueued(), s: await success(), at: Date.now() };
    await sleep(durationMs);
    const st = await stats();
    const b = { c: cpuTicks(t.pid), r: cpuTicks(receiver.pid), m: machineBusyTicks(), e: await enqueued(), s: await success(), at: Date.now() };
    const secs = (b.at - a.at) / 1000;
    const pct = (ticks) => (ticks / 100 / secs) * 100;
    return {
      delivered_per_s: st.windowCount / st.windowSeconds,
      enqueued_per_s: (b.e - a.e) / secs,
      server_success_per_s: (b.s - a.s) / secs,
      backlog_start: a.e - a.s, backlog_end: b.e - b.s,  // enqueued − delivered: the queue's growth
      p50_us: st.enqueueToDeliveredMs.p50 * 1000, p99_us: st.enqueueToDeliveredMs.p99 * 1000,
      p999_us: st.enqueueToDeliveredMs.p999 * 1000, max_us: st.enqueueToDeliveredMs.max * 1000,
      pub_p50_us: st.publishToDeliveredUs.p50, pub_p99_us: st.publishToDeliveredUs.p99,
      server_cpu_pct: pct(b.c - a.c), receiver_cpu_pct: pct(b.r - a.r),
      other_cpu_pct: Math.max(0, pct(b.m - a.m) - pct(b.c - a.c) - pct(b.r - a.r)),
      seconds: secs,
    };
  }

  // loadgen publishing at `rate`/s with no subscribers while the receiver measures.
  async function phase(name, rate, warmupMs, durationMs) {
    const since = (await stats()).total;
    const d0 = await counter('realtime_webhook_enqueue_dropped_total');
    log(`webhooks on ours: ${name}: ${rate} events/s × ${nEndpoints} endpoint(s)`);
    const lg = loadgen([...common(t), '--scenario', 'fanout', '--subs', '0', '--pace', 'ack', '--rate', String(rate), '--topic', TOPIC,
      '--warmup-ms', String(warmupMs), '--duration-ms', String(durationMs + margin)]);
    const w = await window(warmupMs, durationMs, since);
    const res = await lg;
    const dropped = (await counter('realtime_webhook_enqueue_dropped_total')) - d0;
    const out = { rate, ...w, published_per_s: res.published_per_s, dropped, saturated: w.delivered_per_s < 0.95 * rate * nEndpoints,
      publish_errors: (res.errors || 0) + (res.closed || 0), first_error: res.first_error || res.error };
    const f = (x) => Math.round(x).toLocaleString('en-US');
    console.log(`  ${name}: ${f(out.delivered_per_s)} deliveries/s for ${f(out.published_per_s)} publishes/s` +
      `${out.saturated ? ' (saturated)' : ''}, enqueue→delivered p50 ${(out.p50_us / 1000).toFixed(1)} ms p99 ${(out.p99_us / 1000).toFixed(1)} ms` +
      ` max ${(out.max_us / 1000).toFixed(1)} ms, backlog ${f(w.backlog_start)} → ${f(w.backlog_end)} jobs, server CPU ${f(w.server_cpu_pct)}%,` +
      ` receiver CPU ${f(w.receiver_cpu_pct)}%, others ${f(w.other_cpu_pct)}%${dropped ? `, ${dropped} dropped` : ''}`);
    return out;
  }

  try {
    // 1. Publish-path cost.
    const fanArgs = [...common(t), '--scenario', 'fanout', '--subs', String(S.fanout), '--topic', TOPIC];
    let off, on, enq = 0;
    const best = (a, b) => (!a || (b.delivered_per_s || 0) > (a.delivered_per_s || 0) ? b : a);
    for (let round = 1, rounds = smoke ? 1 : 2; round <= rounds; round++) {
      log(`webhooks on ours (round ${round}/${rounds}): fanout on ${TOPIC} with no endpoint`);
      off = best(off, await loadgen(fanArgs));
      await sleep(smoke ? 300 : 2000);
      await addEndpoints();
      const e0 = await enqueued();
      log(`webhooks on ours (round ${round}/${rounds}): the same with ${nEndpoints} endpoint(s) matching every event`);
      on = best(on, await loadgen(fanArgs));
      await sleep(200);
      enq += (await enqueued()) - e0;
      await drainAndRemove(smoke ? 10000 : 60000);
      await sleep(smoke ? 300 : 2000);
    }
    const ratio = off.delivered_per_s ? on.delivered_per_s / off.delivered_per_s : undefined;
    if (ratio !== undefined)
      console.log(`  fanout with ÷ without a webhook endpoint: ${(100 * ratio).toFixed(0)}% (${Math.round(on.delivered_per_s)} vs ${Math.round(off.delivered_per_s)} deliveries/s; ${enq} jobs enqueued)`);

    // 2. Latency at a moderate rate, 3. saturation.
    await addEndpoints();
    const warm = smoke ? 300 : S.warmup, dur = smoke ? 800 : S.duration;
    // Halved (twice at most) while the queue builds up: the figure is meant without queueing.
    let lat;
    for (let rate = S.hookRate; ; rate /= 2) {
      lat = await phase('latency', rate, warm, dur);
      await drainAndRemove(smoke ? 10000 : 60000);
      if (!lat.saturated || smoke || rate <= S.hookRate / 4) break;
      await addEndpoints();
    }
    await addEndpoints();
    let sat = await phase('saturation', S.hookSat, warm, dur);
    if (!sat.saturated && !smoke) {
      await drainAndRemove(60000);
      await addEndpoints();
      sat = await phase('saturation (doubled rate)', 2 * S.hookSat, warm, dur);
    }
    let drain;
    if (!smoke) {
      // The backlog left by the saturation phase, delivered with no publishing (once the
      // enqueue buffer has reached the database).
      for (let e = -1, until = Date.now() + 20000; Date.now() < until;) {
        const now = await enqueued();
        if (now === e) break;
        e = now;
        await sleep(300);
      }
      await fetch(`${recvBase}/_reset`, { method: 'POST' });
      const c0 = cpuTicks(t.pid), t0 = Date.now();
      await sleep(S.duration / 2);
      const st = await stats();
      const left = (await enqueued()) - (await settled());
      const cpu = ((cpuTicks(t.pid) - c0) / 100 / ((Date.now() - t0) / 1000)) * 100;
      drain = { delivered_per_s: st.windowCount / st.windowSeconds, backlog_end: left, server_cpu_pct: cpu, valid: left > 0 };
      console.log(`  drain (no publishing): ${Math.round(drain.delivered_per_s)} deliveries/s, server CPU ${Math.round(cpu)}%, ${left} jobs left${left > 0 ? '' : ' (queue emptied during the window: not a capacity figure)'}`);
    }
    await drainAndRemove(smoke ? 10000 : 0);  // full run: the rest of the backlog is skipped
    const st = await stats();
    const errors = [];
    if (st.badSignatures) errors.push(`${st.badSignatures} bad signatures: ${st.firstError}`);
    if (st.badBodies) errors.push(`${st.badBodies} bodies without metadata.timestamp: ${st.firstError}`);
    if (!st.verified) errors.push('no signature was verified');
    if (!enq) errors.push('nothing was enqueued with the endpoint active');
    const pubErrors = lat.publish_errors + sat.publish_errors;
    if (pubErrors) log(`webhooks: ${pubErrors} publish errors/closes: ${lat.first_error || sat.first_error}`);
    return {
      // A wrong signature or body leaves the row without a figure: the run fails.
      ok: !errors.length && sat.delivered_per_s > 0, error: errors.join('; ') || undefined,
      endpoints: nEndpoints, max_concurrency: maxConcurrency, publish_errors: pubErrors,
      delivered_per_s: errors.length ? undefined : sat.delivered_per_s, server_cpu_pct: sat.server_cpu_pct, saturation: sat, latency: lat, drain,
      p50_us: lat.p50_us, p99_us: lat.p99_us, latency_rate: lat.rate, latency_delivered_per_s: lat.delivered_per_s,
      latency_server_cpu_pct: lat.server_cpu_pct,
      publish_off: off, publish_on: on, publish_off_per_s: off.delivered_per_s, publish_on_per_s: on.delivered_per_s,
      publish_ratio: ratio, publish_on_cpu_pct: on.server_cpu_pct, publish_enqueued: enq,
      received: st.total, verified: st.verified, bad_signatures: st.badSignatures,
    };
  } catch (e) {
    return { ok: false, error: String(e.message || e) };
  } finally {
    receiver.expectedExit = true;
    receiver.kill('SIGTERM');
  }
}
