// Renders the results of bench/run.mjs: the side-by-side table (text for the terminal,
// Markdown for bench/results/<date>.md), the issue's targets with met/missed, and the list of
// scenarios that produced no figure (the smoke run's only failure condition).
const PEERS = { 'ours-sio': 'ours (Socket.IO)', ws: 'Node ws@8', sio: 'Node socket.io@4', bare: 'bare Beast (ceiling)' };

const fmtInt = (x) => (x === undefined || Number.isNaN(x) ? '—' : Math.round(x).toLocaleString('en-US'));
const fmtMs = (us) => (us === undefined || Number.isNaN(us) ? '—' : (us / 1000).toFixed(us < 10000 ? 2 : 1) + ' ms');

// Each row: how to read a figure out of one target's result, and whether higher is better.
const ROWS = [
  { scenario: 'fanout', metric: 'deliveries/s (1 topic, N subs, max rate)', get: (r) => r.delivered_per_s, fmt: fmtInt, higher: true },
  { scenario: 'latency', metric: 'max deliveries/s (1 topic)', get: (r) => r.delivered_per_s, fmt: fmtInt, higher: true },
  { scenario: 'latency', metric: 'p99 publish→deliver at ½ max rate', get: (r) => r.half_p99_us, fmt: fmtMs, higher: false, cpu: 'half_server_cpu_pct' },
  { scenario: 'latency', metric: 'p99 publish→deliver at 30 pub/s (same load for all)', get: (r) => r.at30_p99_us, fmt: fmtMs, higher: false, cpu: 'at30_server_cpu_pct', same: true },
  { scenario: 'latency', id: 'lat-wshalf', optional: true, metric: 'p99 publish→deliver at ½ the Node ws peer\'s max rate (same load for both)', get: (r) => r.at_ws_half?.p99_us, fmt: fmtMs, higher: false, cpu: null },
  { scenario: 'many-topics', metric: 'deliveries/s (N topics × 1 sub)', get: (r) => r.delivered_per_s, fmt: fmtInt, higher: true },
  { scenario: 'filtered', metric: 'deliveries/s (filters match 10%)', get: (r) => r.delivered_per_s, fmt: fmtInt, higher: true },
  { scenario: 'idle', metric: 'server RSS bytes per idle connection', get: (r) => r.rss_per_conn_bytes, fmt: fmtInt, higher: false, cpu: null },
  { scenario: 'idle', id: 'idle-cpu', metric: 'server CPU % with N idle connections (default heartbeats)', get: (r) => r.idle_cpu_pct, fmt: (x) => (x === undefined || Number.isNaN(x) ? '—' : `${x.toFixed(2)}%`), higher: false, cpu: null },
  { scenario: 'metrics', metric: 'deliveries/s with metrics on (fanout; vs REALTIME_METRICS=off)', get: (r) => r.delivered_per_s, fmt: fmtInt, higher: true },
  { scenario: 'traces', metric: 'deliveries/s with every event traced (fanout; vs REALTIME_TRACE_SAMPLE=0)', get: (r) => r.delivered_per_s, fmt: fmtInt, higher: true },
  { scenario: 'schema', metric: 'deliveries/s, 10-field schema active (fanout)', get: (r) => r.delivered_per_s, fmt: fmtInt, higher: true },
  { scenario: 'webhooks', id: 'hook-sat', metric: 'signed webhook deliveries/s to a keep-alive receiver (saturated)', get: (r) => r.delivered_per_s, fmt: fmtInt, higher: true },
  { scenario: 'webhooks', id: 'hook-lat', metric: 'p99 enqueue→delivered at a moderate rate (queue empty)', get: (r) => r.p99_us, fmt: fmtMs, higher: false, cpu: 'latency_server_cpu_pct' },
  { scenario: 'webhooks', id: 'hook-pub', metric: 'fanout deliveries/s with an endpoint matching every event', get: (r) => r.publish_on_per_s, fmt: fmtInt, higher: true, cpu: 'publish_on_cpu_pct' },
  { scenario: 'cdc', id: 'cdc-bulk', metric: 'CDC rows/s to 1 subscriber (10k-row transactions)', get: (r) => r.rows_per_s, fmt: fmtInt, higher: true },
  { scenario: 'cdc', id: 'cdc-single', metric: 'CDC rows/s to 1 subscriber (single-row transactions)', get: (r) => r.single_rows_per_s, fmt: fmtInt, higher: true, cpu: 'single_cpu_pct' },
  { scenario: 'cdc', id: 'cdc-lat', metric: 'CDC p99 row write→client at ½ the single-row rate', get: (r) => r.p99_us, fmt: fmtMs, higher: false, cpu: 'latency_cpu_pct' },
  { scenario: 'docs', metric: 'document merges/s (HTTP PATCH …/merge), every merge to N subscribers', get: (r) => r.published_per_s, fmt: fmtInt, higher: true },
  { scenario: 'docs-write', metric: 'document merges/s (HTTP PATCH …/merge), 1 subscriber: the durable write path', get: (r) => r.published_per_s, fmt: fmtInt, higher: true },
  { scenario: 'docs-pg', metric: 'document merges/s, 1 subscriber, on PostgreSQL (fsync on)', get: (r) => r.published_per_s, fmt: fmtInt, higher: true },
  { scenario: 'docs-redis', metric: 'document merges/s, 1 subscriber, Redis write-back', get: (r) => r.published_per_s, fmt: fmtInt, higher: true },
  { scenario: 'cluster', id: 'cluster-redis', metric: 'events/s through Redis (2 instances, subscribers split, publishers on A)', get: (r) => r.redis_events_per_s, fmt: fmtInt, higher: true },
  { scenario: 'cluster', id: 'cluster-cross', metric: 'cross-instance deliveries/s (to B\'s subscribers through Redis)', get: (r) => r.cross_deliveries_per_s, fmt: fmtInt, higher: true, cpu: 'b_cpu_pct' },
  { scenario: 'cluster', id: 'cluster-quiet', metric: 'CPU % of an instance with no subscriber for the published topics', get: (r) => r.quiet_b_cpu_pct, fmt: (x) => (x === undefined || Number.isNaN(x) ? '—' : `${x.toFixed(2)}%`), higher: false, cpu: null },
  { scenario: 'rest', metric: 'requests/s (wrk GET /api/topics/:name)', get: (r) => r.requests_per_s, fmt: fmtInt, higher: true },
  { scenario: 'rooms', id: 'rooms-connect', metric: 'N /ws subscribers of one topic: connect + subscribe wall time (C++ clients)', get: (r) => (r.loadgen_connect?.ms ?? NaN) * 1000, fmt: fmtMs, higher: false, cpu: null },
  { scenario: 'rooms', id: 'rooms-connect-node', metric: 'N /ws subscribers of one topic: connect + subscribe wall time (Node clients)', get: (r) => r.connect_ms * 1000, fmt: fmtMs, higher: false, cpu: null },
  { scenario: 'rooms', id: 'rooms-join', metric: 'server CPU per channel join at the largest room (its presence fan-out included)', get: (r) => r.big?.join_cpu_ms * 1000, fmt: fmtMs, higher: false, cpu: null },
];

function cell(row, r) {
  if (!r) return { text: '—' };
  if (r.skipped) return { text: `skipped: ${r.skipped}`, skipped: true };
  const v = row.get(r);
  if (row.optional && (v === undefined || Number.isNaN(v))) return { text: '—' };  // not measured for this target
  if (v === undefined || v === null || Number.isNaN(v) || (r.ok === false && !v)) return { text: `failed: ${r.error || r.first_error || 'no figure'}`, failed: true };
  const cpuKey = row.cpu === undefined ? 'server_cpu_pct' : row.cpu;
  const cpu = cpuKey && r[cpuKey] !== undefined ? ` (${Math.round(r[cpuKey])}% CPU)` : '';
  return { text: row.fmt(v) + cpu, value: v, ok: true };
}

function ratio(row, ours, peer) {
  if (!ours?.value || !peer?.value) return '—';  // (a zero figure has no meaningful ratio)
  const x = row.higher ? ours.value / peer.value : peer.value / ours.value;
  return `${x.toFixed(x < 10 ? 2 : 1)}×`;
}

function notes(scenario, r, row) {
  if (!r || r.skipped) return '';
  const n = [];
  if (r.subs !== undefined) n.push(`${fmtInt(r.subs)} subs${r.subs_failed ? ` (${r.subs_failed} failed)` : ''}`);
  if (r.loadgen_cpu_pct !== undefined) n.push(`loadgen ${Math.round(r.loadgen_cpu_pct)}% CPU`);
  if (r.other_cpu_pct !== undefined) n.push(`other processes ${Math.round(r.other_cpu_pct)}% CPU`);
  if (scenario === 'latency' && row.same) {
    n.length = 0;
    n.push(`p50 ${fmtMs(r.at30_p50_us)}, p99.9 ${fmtMs(r.at30_p999_us)}, max ${fmtMs(r.at30_max_us)}, other processes ${Math.round(r.at30_other_cpu_pct)}% CPU`);
  } else if (scenario === 'latency' && row.higher === false && r.half_rate) {
    n.length = 0;
    n.push(`½ rate = ${fmtInt(r.half_rate)} pub/s: p50 ${fmtMs(r.half_p50_us)}, p99.9 ${fmtMs(r.half_p999_us)}, max ${fmtMs(r.half_max_us)}, loadgen ${Math.round(r.half_loadgen_cpu_pct)}% CPU, other processes ${Math.round(r.half_other_cpu_pct)}% CPU`);
    for (const c of r.curve || []) if (c.fraction !== 0.5 && c.fraction > 0) n.push(`at ${Math.round(c.fraction * 100)}% (${fmtInt(c.rate)} pub/s): p50 ${fmtMs(c.p50_us)}, p99 ${fmtMs(c.p99_us)}`);
  }
  if (row.id === 'lat-wshalf') {
    n.length = 0;
    const h = r.at_ws_half;
    if (h) n.push(`${fmtInt(h.published_per_s)} pub/s × ${fmtInt(h.subs)} subs: p50 ${fmtMs(h.p50_us)}, p99.9 ${fmtMs(h.p999_us)}, server ${Math.round(h.server_cpu_pct)}% CPU, loadgen ${Math.round(h.loadgen_cpu_pct)}% CPU`);
  }
  if (scenario.startsWith('docs') && r.ack_p99_us !== undefined) n.push(`write acknowledged p50 ${fmtMs(r.ack_p50_us)}, p99 ${fmtMs(r.ack_p99_us)}`);
  if (scenario.startsWith('docs') && r.p99_us) n.push(`merge→deliver p99 ${fmtMs(r.p99_us)}, ${fmtInt(r.delivered_per_s)} deliveries/s`);
  if (scenario === 'rest' && r.p99_us) n.push(`p99 ${fmtMs(r.p99_us)}${r.rounds > 1 ? `; best of ${r.rounds} rounds alternated with the peers and the bare Beast ceiling` : ''}`);
  if (row.id === 'idle-cpu' && r.idle_seconds) {
    n.length = 0;
    n.push(`${fmtInt(r.subs)} connections over ${Math.round(r.idle_seconds)} s; ${fmtInt(r.closed)} closed; loadgen + other processes ${Math.round(r.idle_other_cpu_pct)}% CPU`);
  }
  if (scenario === 'traces' && r.bare_per_s) n.push(`with REALTIME_TRACE_SAMPLE=0 ${fmtInt(r.bare_per_s)}/s: traced = ${(100 * r.ratio).toFixed(1)}% (best of ${r.rounds} alternated rounds each, two fresh servers); server CPU per delivery ${fmtInt(r.ns_on)} vs ${fmtInt(r.ns_off)} ns (median)`);
  if (scenario === 'metrics' && r.bare_per_s) n.push(`with REALTIME_METRICS=off ${fmtInt(r.bare_per_s)}/s: on = ${(100 * r.ratio).toFixed(1)}% (best of ${r.rounds} alternated rounds each, two fresh servers); server CPU per delivery ${fmtInt(r.ns_on)} vs ${fmtInt(r.ns_off)} ns (median)`);
  if (scenario === 'schema' && r.unvalidated_per_s) n.push(`without a schema ${fmtInt(r.unvalidated_per_s)}/s: validated = ${(100 * r.ratio).toFixed(0)}%; ${fmtInt(r.validations)} events validated`);
  if (row.id === 'hook-sat') {
    const s = r.saturation || {};
    n.push('ours only: the Node peers have no webhooks');
    n.push(`${r.endpoints} endpoint(s), maxConcurrency ${r.max_concurrency}; ${fmtInt(s.published_per_s)} events/s published${s.saturated ? '' : ' (NOT saturated: delivery kept up)'}, backlog ${fmtInt(s.backlog_start)} → ${fmtInt(s.backlog_end)} jobs`);
    const perDelivery = (x) => (x.delivered_per_s ? `${fmtInt((x.server_cpu_pct * 1e4) / x.delivered_per_s)} µs server CPU per delivery` : '');
    n.push(`${perDelivery(s)}; receiver ${Math.round(s.receiver_cpu_pct)}% CPU, other processes (loadgen incl.) ${Math.round(s.other_cpu_pct)}% CPU`);
    if (r.drain) n.push(`drain with no publishing: ${fmtInt(r.drain.delivered_per_s)}/s (${Math.round(r.drain.server_cpu_pct)}% CPU, ${perDelivery(r.drain)})${r.drain.valid ? '' : ' (queue emptied: lower bound)'}`);
    n.push(`${fmtInt(r.verified)} of ${fmtInt(r.received)} signatures verified (1 in 100), ${r.bad_signatures} bad`);
  }
  if (row.id === 'hook-lat' && r.latency) {
    const l = r.latency;
    n.push(`at ${fmtInt(l.rate)} events/s (${fmtInt(l.delivered_per_s)} delivered/s${l.saturated ? ': the queue built up, the figure includes queueing' : ''}): p50 ${fmtMs(l.p50_us)}, p99.9 ${fmtMs(l.p999_us)}, max ${fmtMs(l.max_us)}; publish→delivered p99 ${fmtMs(l.pub_p99_us)}; receiver ${Math.round(l.receiver_cpu_pct)}% CPU, other processes ${Math.round(l.other_cpu_pct)}% CPU`);
  }
  if (row.id === 'hook-pub' && r.publish_off_per_s)
    n.push(`${fmtInt(r.publish_off?.subs)} subs; with no endpoint ${fmtInt(r.publish_off_per_s)}/s (${Math.round(r.publish_off.server_cpu_pct)}% CPU): with = ${(100 * r.publish_ratio).toFixed(0)}%; ${fmtInt(r.publish_enqueued)} jobs enqueued`);
  if (row.id === 'cdc-bulk' && r.bulk) {
    n.push('ours only; ceiling: PostgreSQL\'s pg_recvlogical on the same changes');
    n.push(`${fmtInt(r.bulk.rows)} rows in ${fmtInt(r.bulk.rows / r.bulk.tx_rows)} transactions (inserts took ${fmtInt(r.bulk.insert_ms)} ms); pg_recvlogical drained them at ${fmtInt(r.ceiling.rows_per_s)} rows/s: ours = ${(100 * r.rows_per_s / r.ceiling.rows_per_s).toFixed(0)}% of the ceiling`);
  }
  if (row.id === 'cdc-single' && r.single) n.push(`pgbench (8 clients) committed ${fmtInt(r.single.pgbench_tps)} tx/s on the same 2 cores`);
  if (row.id === 'cdc-lat' && r.latency) n.push(`at ${fmtInt(r.latency.rate)} rows/s: p50 ${fmtMs(r.latency.p50_us)}, max ${fmtMs(r.latency.max_us)} over ${fmtInt(r.latency.samples)} rows`);
  const errs = (r.errors || 0) + (r.closed || 0) + (r.half_errors || 0) + (r.half_closed || 0);
  if (errs) n.push(`${errs} errors/closes: ${r.first_error || r.half_first_error || ''}`.trim());
  return n.join('; ');
}

function targetsSection(results) {
  const o = (s) => results[s]?.ours;
  const fan = o('fanout'), lat = o('latency'), idle = o('idle'), filt = o('filtered');
  const fw = results.fanout?.ws, fs = results.fanout?.sio;
  const out = [];
  const line = (met, text) => out.push(`- ${met === undefined ? '?' : met ? 'MET' : 'MISSED'} — ${text}`);
  if (fan?.delivered_per_s) {
    line(fan.delivered_per_s >= 1e6, `fan-out to ${fmtInt(fan.subs)} subscribers: ${fmtInt(fan.delivered_per_s)} deliveries/s (target ≥ 1,000,000)`);
    if (fw?.delivered_per_s) line(fan.delivered_per_s >= 3 * fw.delivered_per_s, `vs Node ws@8: ${(fan.delivered_per_s / fw.delivered_per_s).toFixed(1)}× (target ≥ 3×)`);
    if (fs?.delivered_per_s) line(fan.delivered_per_s >= 10 * fs.delivered_per_s, `vs Node socket.io@4: ${(fan.delivered_per_s / fs.delivered_per_s).toFixed(1)}× (target ≥ 10×)`);
  }
  if (lat?.half_p99_us !== undefined)
    line(lat.half_p99_us <= 15000, `p99 publish→deliver at ½ max rate (${fmtInt(lat.half_rate)} pub/s × ${fmtInt(lat.subs)} subs): ${fmtMs(lat.half_p99_us)} (target ≤ 15 ms, issue 20 item 3; issue 8 asked ≤ 5 ms)`);
  const latWs = results.latency?.ws?.at_ws_half;
  if (lat?.at_ws_half?.p99_us !== undefined && latWs?.p99_us)
    line(lat.at_ws_half.p99_us <= latWs.p99_us / 3, `p99 at ${fmtInt(lat.at_ws_half.published_per_s)} pub/s (½ the Node ws peer's max): ours ${fmtMs(lat.at_ws_half.p99_us)} vs Node ws@8 ${fmtMs(latWs.p99_us)} = ${(100 * lat.at_ws_half.p99_us / latWs.p99_us).toFixed(0)}% of its p99 (target ≤ 33%, issue 20 item 3)`);
  const many = o('many-topics'), manyWs = results['many-topics']?.ws;
  if (many?.delivered_per_s && manyWs?.delivered_per_s)
    line(many.delivered_per_s >= 4 * manyWs.delivered_per_s, `many-topics (one delivery per publish: the per-publish cost): ${(many.delivered_per_s / manyWs.delivered_per_s).toFixed(2)}× Node ws@8 (${fmtInt(many.delivered_per_s)} vs ${fmtInt(manyWs.delivered_per_s)}/s; target ≥ 4×, issue 20 item 3)`);
  if (fan?.delivered_per_s && fw?.delivered_per_s)
    line(fan.delivered_per_s >= 10 * fw.delivered_per_s, `fanout vs Node ws@8 in the same run: ${(fan.delivered_per_s / fw.delivered_per_s).toFixed(1)}× (target ≥ 10×, issue 20 item 3)`);
  if (idle?.rss_per_conn_bytes !== undefined)
    line(idle.rss_per_conn_bytes <= 8192 && idle.subs >= 19000, `RSS per idle /ws connection at ${fmtInt(idle.subs)} connections: ${fmtInt(idle.rss_per_conn_bytes)} bytes (target ≤ 8,192 at 19,000)`);
  if (idle?.idle_cpu_pct !== undefined)
    line(idle.idle_cpu_pct < 5 && idle.subs >= 19000 && !idle.closed, `server CPU with ${fmtInt(idle.subs)} idle /ws connections over ${Math.round(idle.idle_seconds)} s (default heartbeats): ${idle.idle_cpu_pct.toFixed(2)}% of a core, ${fmtInt(idle.closed)} closed (target < 5%, issue 20 item 6)`);
  if (filt?.delivered_per_s && fan?.delivered_per_s)
    line(filt.delivered_per_s >= 0.5 * fan.delivered_per_s, `filtered (10% match) delivery throughput: ${(100 * filt.delivered_per_s / fan.delivered_per_s).toFixed(0)}% of unfiltered (target ≥ 50%)`);
  const met = o('metrics');
  if (met?.ratio !== undefined)
    line(met.micro?.ratio >= 0.98, `publish path with metrics on: ${(100 * met.micro?.ratio).toFixed(1)}% of the speed with REALTIME_METRICS=off (micro, 1,000 subscribers: ${fmtInt(met.micro?.on_ns)} vs ${fmtInt(met.micro?.off_ns)} ns per publish, median of 5; end to end ${(100 * met.ratio).toFixed(1)}%: ${fmtInt(met.delivered_per_s)} vs ${fmtInt(met.bare_per_s)} deliveries/s, ±10% run to run on 2 shared cores; target ≥ 98%, issue 16)`);
  const tr = o('traces');
  if (tr?.ratio !== undefined)
    line(tr.micro?.ratio >= 0.95, `publish path with every event traced: ${(100 * tr.micro?.ratio).toFixed(1)}% of the speed with REALTIME_TRACE_SAMPLE=0 (micro, 1,000 subscribers: ${fmtInt(tr.micro?.on_ns)} vs ${fmtInt(tr.micro?.off_ns)} ns per publish, median of 5; end to end ${(100 * tr.ratio).toFixed(1)}%: ${fmtInt(tr.delivered_per_s)} vs ${fmtInt(tr.bare_per_s)} deliveries/s, server CPU per delivery ${(100 * tr.cpu_ratio).toFixed(1)}%; target ≥ 95%, issue 17)`);
  const sch = o('schema');
  if (sch?.ratio !== undefined)
    line(sch.ratio >= 0.9, `fan-out with a 10-field schema active: ${(100 * sch.ratio).toFixed(0)}% of the same without (${fmtInt(sch.delivered_per_s)} vs ${fmtInt(sch.unvalidated_per_s)} deliveries/s; target ≥ 90%, issue 12)`);
  const hook = o('webhooks');
  if (hook?.delivered_per_s)
    line(hook.delivered_per_s >= 5000, `signed webhook deliveries to a local keep-alive receiver: ${fmtInt(hook.delivered_per_s)}/s${hook.saturation?.saturated ? '' : ' (not saturated)'}, enqueue→delivered p99 ${fmtMs(hook.p99_us)} at ${fmtInt(hook.latency_rate)} events/s (target ≥ 5,000/s, issue 14)`);
  const dw = o('docs-write'), dd = o('docs');
  if (dw?.published_per_s)
    line(dw.published_per_s >= 10000 && dw.ack_p99_us <= 10000, `durable document merges on embedded SQLite (synchronous=FULL, group commit), ${fmtInt(dw.subs)} subscriber: ${fmtInt(dw.published_per_s)}/s, acknowledged p99 ${fmtMs(dw.ack_p99_us)} (target ≥ 10,000/s with p99 ≤ 10 ms, issue 20 item 1)`);
  if (dd?.published_per_s)
    line(dd.published_per_s >= 10000, `… with every merge delivered to ${fmtInt(dd.subs)} subscribers: ${fmtInt(dd.published_per_s)}/s = ${fmtInt(dd.delivered_per_s)} deliveries/s (target ≥ 10,000/s, issue 20 item 1: the fan-out ceiling, see fanout)`);
  const dpg = o('docs-pg'), drd = o('docs-redis');
  if (dpg?.published_per_s)
    line(dpg.published_per_s >= 5000, `durable document merges on PostgreSQL (fsync ${dpg.pg_fsync ?? '?'}, group commit): ${fmtInt(dpg.published_per_s)}/s, acknowledged p99 ${fmtMs(dpg.ack_p99_us)} (target ≥ 5,000/s, issue 20 item 1)`);
  if (drd?.published_per_s)
    line(drd.published_per_s >= 30000, `document merges with Redis write-back: ${fmtInt(drd.published_per_s)}/s, acknowledged p99 ${fmtMs(drd.ack_p99_us)} (target ≥ 30,000/s, issue 20 item 1)`);
  const rooms = o('rooms');
  if (rooms?.connect_ms !== undefined) {
    const lc = rooms.loadgen_connect;
    if (lc?.ms !== undefined)
      line(lc.ms < 5000 && lc.ok, `${fmtInt(lc.connected)} /ws subscribers of one topic connected and subscribed in ${(lc.ms / 1000).toFixed(2)} s by the C++ load generator (${fmtInt(lc.failed)} failed; server ${Math.round(lc.server_cpu_pct)}% CPU; with Node clients ${(rooms.connect_ms / 1000).toFixed(2)} s, bound by the clients; target < 5 s, issue 20 item 7)`);
    else line(rooms.connect_ms < 5000, `${fmtInt(rooms.connected)} /ws subscribers of one topic connected and subscribed in ${(rooms.connect_ms / 1000).toFixed(2)} s (target < 5 s, issue 20)`);
    if (rooms.big) line(rooms.flat, `server CPU per channel join per member told (its presence fan-out) at ${fmtInt(rooms.small.room)} members ${rooms.small.join_per_member_us.toFixed(2)} µs, at ${fmtInt(rooms.big.room)} ${rooms.big.join_per_member_us.toFixed(2)} µs; fit ${rooms.join_own_ms?.toFixed(3)} ms + ${rooms.per_member_us?.toFixed(2)} µs × members (target: flat, issue 20)`);
  }
  const cl = o('cluster');
  if (cl?.redis_events_per_s !== undefined) {
    line(cl.redis_events_per_s >= 100000, `cluster: ${fmtInt(cl.redis_events_per_s)} events/s through Redis, ${fmtInt(cl.cross_deliveries_per_s)} cross-instance deliveries/s (${fmtInt(cl.subs)} subscribers split over 2 instances, publishers on one; redis-benchmark unpipelined PUBLISH here: ${fmtInt(cl.redis_publish_ceiling_per_s)}/s; target ≥ 100,000 events/s, issue 20 item 4)`);
    line(cl.quiet_b_cpu_pct !== undefined && cl.quiet_b_cpu_pct <= 1, `cluster: an instance with no subscriber for the published topics: ${cl.quiet_b_cpu_pct?.toFixed(2)}% CPU while ${fmtInt(cl.quiet_redis_events_per_s)} events/s went through Redis; it received ${cl.quiet_b_events_per_s?.toFixed(1)} events/s (target 0–1%, issue 20 item 4)`);
    if (cl.connect) out.push(`- (figure) — cluster connect: ${fmtInt(cl.connect.connections)} /ws connections on one instance at ${fmtInt(cl.connect.per_s)}/s, ${cl.connect.cpu_us_per_conn.toFixed(0)} µs server CPU each; Redis channels ${fmtInt(cl.connect.channels_before)} → ${fmtInt(cl.connect.channels_after)} (one direct:<socketId> channel per connection)`);
  }
  const rest = results.rest, restRps = rest?.ours?.requests_per_s;
  if (restRps && rest.bare?.requests_per_s)
    line(restRps >= 0.8 * rest.bare.requests_per_s, `REST GET /api/topics/:name: ${fmtInt(restRps)} requests/s = ${(100 * restRps / rest.bare.requests_per_s).toFixed(0)}% of a bare Beast server's ${fmtInt(rest.bare.requests_per_s)} in the same run (target ≥ 80%, issue 20 item 2)`);
  if (restRps && rest.ws?.requests_per_s)
    line(restRps >= 2 * rest.ws.requests_per_s, `REST GET /api/topics/:name vs the Node peer's node:http handler (${fmtInt(rest.ws.requests_per_s)} requests/s): ${(restRps / rest.ws.requests_per_s).toFixed(2)}× (target ≥ 2×, issue 20 item 2)`);
  const cdc = o('cdc');
  if (cdc?.rows_per_s) {
    line(cdc.rows_per_s >= 100000, `CDC bulk (10k-row transactions): ${fmtInt(cdc.rows_per_s)} rows/s delivered (target ≥ 100,000; pg_recvlogical ${fmtInt(cdc.ceiling?.rows_per_s)} rows/s, issue 13)`);
    line(cdc.single_rows_per_s >= 20000, `CDC single-row transactions: ${fmtInt(cdc.single_rows_per_s)} rows/s delivered (target ≥ 20,000; pgbench committed ${fmtInt(cdc.single?.pgbench_tps)} tx/s)`);
    line(cdc.p99_us <= 50000, `CDC row write→client p99 at ${fmtInt(cdc.latency?.rate)} rows/s: ${fmtMs(cdc.p99_us)} (target ≤ 50 ms)`);
  }
  return out.join('\n');
}

export function renderReport({ results, machine, smoke, started, finished, targets, crashes = [] }) {
  const peers = targets.filter((t) => t !== 'ours');
  const head = ['scenario', 'metric', 'ours (/ws)', ...peers.map((p) => PEERS[p] || p), ...peers.filter((p) => p !== 'ours-sio').map((p) => `ours vs ${PEERS[p] || p}`), 'notes (ours)'];
  const rows = [];
  const failures = [...crashes];
  for (const row of ROWS) {
    const res = results[row.scenario];
    if (!res) continue;
    const ours = cell(row, res.ours);
    if (ours.failed || (!ours.ok && !(ours.skipped && row.scenario === 'docs'))) failures.push(`${row.scenario}: ours: ${ours.text}`);
    const cells = peers.map((p) => (res[p] || row.scenario === 'docs' ? cell(row, res[p]) : { text: 'n/a' }));
    peers.forEach((p, i) => {
      if (cells[i].failed) failures.push(`${row.scenario}: ${p}: ${cells[i].text}`);
    });
    const ratios = peers.map((p, i) => (p === 'ours-sio' ? null : ratio(row, ours, cells[i]))).filter((x) => x !== null);
    rows.push([row.scenario, row.metric, ours.text, ...cells.map((c) => c.text), ...ratios, notes(row.scenario, res.ours, row)]);
  }
  if (results.filtered?.ours?.delivered_per_s && results.fanout?.ours?.delivered_per_s) {
    const x = results.filtered.ours.delivered_per_s / results.fanout.ours.delivered_per_s;
    rows.push(['filtered', 'filtered ÷ unfiltered deliveries/s', `${(100 * x).toFixed(0)}%`, ...peers.map((p) => {
      const f = results.filtered[p]?.delivered_per_s, u = results.fanout[p]?.delivered_per_s;
      return f && u ? `${((100 * f) / u).toFixed(0)}%` : '—';
    }), ...peers.filter((p) => p !== 'ours-sio').map(() => ''), 'target ≥ 50%']);
  }
  const md = [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  const machineLine = `${machine.nproc} cores (${machine.model}), ${machine.memGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}; server built from ${machine.commit}; load average at start ${machine.load}`;
  const table = `${md}\n\nMachine: ${machineLine}`;
  const markdown = `# Benchmark results ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC${smoke ? ' (smoke: tiny sizes, figures not meaningful)' : ''}

Produced by \`make bench${smoke ? '-smoke' : ''}\` (bench/run.mjs); method in docs/performance.md.
Machine: ${machineLine}. Run took ${Math.round((finished - started) / 1000)} s.
The load generator runs on the same cores as the server under test: "CPU" in a cell is the
server process's CPU (100% = one core, from /proc/<pid>/stat) over the measurement window;
"other processes" in the notes is the rest of the machine's busy time (other users' builds and
tests, from /proc/stat): a figure measured while it is high is disturbed.
"ours vs X" is how many times better ours is (X's figure ÷ ours where lower is better).

${md}

${crashes.length ? `**Server crashes during the run:**\n${crashes.map((c) => `- ${c}`).join('\n')}\n\n` : ''}## Targets (issues 8, 12, 14)

${targetsSection(results)}

## Raw results

\`\`\`json
${JSON.stringify(results, null, 1)}
\`\`\`
`;
  return { table, markdown, failures };
}
