// `rooms` (ours only; issue 20, item 7 "Big rooms"), method in docs/performance.md:
//   (a) 20,000 /ws clients connect and subscribe to one topic, wall time until every one is
//       subscribed (target < 5 s): first with the C++ load generator (bench/loadgen, 4 worker
//       processes: the figure compared with the target; Node clients spend ~1 ms of their own CPU
//       per connection, so they measure themselves), then with Node clients (4 processes,
//       bench/peers/rooms-client.mjs), after which one REST publish to the topic proves each
//       subscription delivers and (b) reuses them.
//   (b) 5,000 of them join one channel, in batches of 500: server CPU ms per join (utime+stime
//       of the server from /proc/<pid>/stat, until every presence.join has been delivered).
//       A join = its presence.join's fan-out to the N members already there (inherent: every
//       member is told) + its own work. A line fitted through (N, CPU per join) splits the two:
//       slope = CPU per member told, intercept = a join's own work. Flat = the CPU per member
//       told does not grow with the room (no work per join beyond O(1)/O(page) besides the
//       fan-out). Before the cap a join also read, sorted and sent the whole member list.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// The server's soft limit of open files (Infinity when unreadable).
function fileLimit(pid) {
  const m = /^Max open files\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return m ? Number(m[1]) : Infinity;
}

export async function runRooms({ t, token, smoke, here, log, cpuTicks, sleep, loadgen }) {
  // The server needs a descriptor per connection plus its own (database, epoll, pipes…): on a
  // machine whose hard limit is 20,000 files per process (this one) the scenario runs 19,500.
  const limit = fileLimit(t.pid);
  const SUBS = smoke ? 400 : Math.min(20000, limit - 500), MEMBERS = smoke ? 300 : 5000, BATCH = smoke ? 100 : 500, PROCS = 4;
  const TICK_MS = 10;  // /proc clock ticks (USER_HZ 100)
  if (SUBS < 20000 && !smoke) log(`rooms: the server may open ${limit} files: ${SUBS} subscribers instead of 20,000 (raise the limit, e.g. prlimit --nofile=65536, for the full figure)`);
  if (SUBS < MEMBERS) return { ok: false, error: `the server may open only ${limit} files` };
  const base = `http://127.0.0.1:${t.port}`;
  const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  await fetch(`${base}/api/topics`, { method: 'POST', headers: auth,
    body: JSON.stringify({ name: 'rooms.big', description: 'bench topic (rooms)', owner: 'bench' }) });
  const url = `ws://127.0.0.1:${t.port}/ws?token=${encodeURIComponent(token)}`;
  const kids = Array.from({ length: PROCS }, () =>
    fork(path.join(here, 'peers/rooms-client.mjs'), [], { env: { ...process.env, ROOMS_URL: url }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  let seq = 0;
  const call = (kid, msg) => new Promise((resolve) => {
    const id = ++seq;
    const on = (m) => {
      if (m.id !== id) return;
      kid.off('message', on);
      resolve(m);
    };
    kid.on('message', on);
    kid.send({ ...msg, id });
  });
  const all = (msgOf) => Promise.all(kids.map((k, i) => call(k, msgOf(i))));
  const counts = async () => (await all(() => ({ cmd: 'counts' }))).reduce((a, c) => ({ presence: a.presence + c.presence, events: a.events + c.events }), { presence: 0, events: 0 });
  const waitFor = async (key, target, ms = smoke ? 15000 : 120000) => {
    const until = Date.now() + ms;
    for (;;) {
      const c = await counts();
      if (c[key] >= target) return true;
      if (Date.now() > until) {
        console.log(`  gave up waiting: ${key} ${c[key]} of ${target}`);
        return false;
      }
      await sleep(20);
    }
  };
  // (a) with the C++ load generator: its workers exit (connections closed) before the Node part.
  log(`rooms on ours: ${SUBS} /ws subscribers of one topic connect and subscribe (C++ load generator, ${PROCS} processes)`);
  const cpuL = cpuTicks(t.pid);
  const lg = await loadgen(['--port', String(t.port), '--proto', 'ws', '--token', token, '--server-pid', String(t.pid),
    '--scenario', 'idle', '--subs', String(SUBS), '--idle-subscribe', '1', '--topic', 'rooms.big', '--procs', String(PROCS),
    '--settle-ms', '0', '--idle-cpu-ms', '0', '--label', 'rooms']);
  const loadgenConnect = { ok: lg.ok !== false && lg.subs === SUBS, ms: lg.ready_ms, connected: lg.subs, failed: lg.subs_failed,
    server_cpu_pct: lg.ready_ms ? ((cpuTicks(t.pid) - cpuL) * TICK_MS * 100) / lg.ready_ms : undefined };
  console.log(`  C++ clients: ${lg.subs} subscribers connected+subscribed in ${((lg.ready_ms || 0) / 1000).toFixed(2)} s (${lg.subs_failed} failed; target < 5 s)`);
  await sleep(smoke ? 500 : 3000);  // let the server close them
  try {
    // (a) connect + subscribe, Node clients
    const share = (i, n) => Math.floor(n / PROCS) + (i < n % PROCS ? 1 : 0);
    log(`rooms on ours: ${SUBS} /ws subscribers of one topic connect and subscribe (${PROCS} client processes)`);
    const t0 = performance.now(), cpu0 = cpuTicks(t.pid);
    const conn = await all((i) => ({ cmd: 'connect', n: share(i, SUBS), topic: 'rooms.big' }));
    const connect_ms = performance.now() - t0;
    const connectCpuPct = ((cpuTicks(t.pid) - cpu0) * TICK_MS * 100) / connect_ms;
    const connected = conn.reduce((a, c) => a + c.connected, 0), connect_failed = conn.reduce((a, c) => a + c.failed, 0);
    const pub = await fetch(`${base}/api/events`, { method: 'POST', headers: auth, body: JSON.stringify({ topic: 'rooms.big', payload: { hello: 1 } }) });
    const delivered = pub.status === 202 && (await waitFor('events', connected, 30000));
    console.log(`  ${connected} subscribers connected+subscribed in ${(connect_ms / 1000).toFixed(2)} s (${connect_failed} failed; target < 5 s; server CPU ${connectCpuPct.toFixed(0)}%); one publish reached ${delivered ? 'all' : 'NOT all'} of them`);

    // (b) joins: keep MEMBERS connections, the rest closes
    const per = MEMBERS / PROCS;
    await all(() => ({ cmd: 'keep', n: per }));
    await sleep(smoke ? 300 : 2000);  // the closes settle
    const rows = [];
    let expectPresence = (await counts()).presence, capped = 0, joinFailed = 0;
    for (let k = 0; k < MEMBERS; k += BATCH) {
      const room = k + BATCH;
      for (let j = k; j < room; j++) expectPresence += j;  // the j-th joiner is announced to j members
      const c0 = cpuTicks(t.pid);
      const joined = await all(() => ({ cmd: 'join', channel: 'rooms:lobby', from: k / PROCS, to: room / PROCS }));
      const ok = await waitFor('presence', expectPresence);
      const joinTicks = cpuTicks(t.pid) - c0;
      capped += joined.reduce((a, r) => a + r.capped, 0);
      joinFailed += joined.reduce((a, r) => a + r.failed, 0) + (ok ? 0 : BATCH);
      const joinMs = (joinTicks * TICK_MS) / BATCH;
      const avgRoom = k + (BATCH - 1) / 2;  // members told of each join of this batch, on average
      rows.push({ room, avg_room: avgRoom, join_cpu_ms: joinMs, join_per_member_us: (joinMs * 1000) / Math.max(1, avgRoom) });
      console.log(`  room ${String(k).padStart(5)}→${String(room).padEnd(5)}: server CPU ${joinMs.toFixed(3)} ms per join ` +
        `(${((joinMs * 1000) / Math.max(1, avgRoom)).toFixed(2)} µs per member told)`);
    }
    // Least squares through (members told, CPU per join): slope = fan-out per member, intercept = own work.
    const n = rows.length, sx = rows.reduce((a, r) => a + r.avg_room, 0), sy = rows.reduce((a, r) => a + r.join_cpu_ms, 0);
    const sxx = rows.reduce((a, r) => a + r.avg_room * r.avg_room, 0), sxy = rows.reduce((a, r) => a + r.avg_room * r.join_cpu_ms, 0);
    const perMemberMs = n > 1 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : sy / Math.max(1, sx);
    const ownMs = (sy - perMemberMs * sx) / n;
    for (const r of rows) r.join_own_ms = r.join_cpu_ms - perMemberMs * r.avg_room;
    console.log(`  fit: CPU per join ≈ ${ownMs.toFixed(3)} ms + ${(perMemberMs * 1000).toFixed(2)} µs × members told; ` +
      `residuals ${rows.map((r) => (r.join_own_ms - ownMs).toFixed(2)).join(' ')} ms`);
    const at = (n) => rows.find((r) => r.room >= n) || rows[rows.length - 1];
    const small = at(smoke ? 200 : 1000), big = rows[rows.length - 1];
    const flat = big.join_per_member_us <= 1.5 * small.join_per_member_us;
    console.log(`  joins capped at 100 members: ${capped} of ${MEMBERS} (expected ${MEMBERS - 100}); failed ${joinFailed}; ` +
      `CPU per member told at ${small.room}: ${small.join_per_member_us.toFixed(2)} µs, at ${big.room}: ${big.join_per_member_us.toFixed(2)} µs (${flat ? 'flat' : 'GROWS'})`);
    return { ok: connected === SUBS && delivered && joinFailed === 0 && capped === MEMBERS - 100 && loadgenConnect.ok, subs: SUBS, connected, connect_ms, loadgen_connect: loadgenConnect,
      members: MEMBERS, batch: BATCH, capped, join_failed: joinFailed, rows, small, big, flat, per_member_us: perMemberMs * 1000, join_own_ms: ownMs, connect_cpu_pct: connectCpuPct,
      error: connected !== SUBS ? `${SUBS - connected} subscribers did not connect` : !delivered ? 'the publish did not reach every subscriber'
        : joinFailed ? `${joinFailed} joins failed` : capped !== MEMBERS - 100 ? `${capped} capped join replies, expected ${MEMBERS - 100}` : undefined };
  } finally {
    for (const k of kids) k.kill('SIGTERM');
  }
}
