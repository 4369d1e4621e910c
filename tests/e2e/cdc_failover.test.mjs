// Database CDC survives crashes (docs/cdc.md, "Guarantees"): kill -9 of `realtime serve` while
// rows are being inserted in many transactions, then a restart, delivers every committed row to
// a `database.event` webhook once (CDC publishes each row once; the webhook retries of one
// delivery are deduplicated by X-Webhook-Delivery-Id); and two instances sharing the platform
// PostgreSQL, one Redis and one target elect one reader through the slot (the other is on
// standby) and the standby takes over within 15 s of a kill -9.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { api, killAll, startServer, tempDir } from './lib/server.mjs';
import { clientPool, getToken } from './lib/wsclient.mjs';
import { startRedis } from './lib/sio.mjs';
import { JWT_SECRET, createHook, metric, startReceiver, verifySignature, waitUntil } from './lib/webhook_receiver.mjs';
import {
  PG, cdcEnv, cleanup, createMapping, createTarget, hex, psql, psqlAsync, readers, skip, slotName, waitStreaming, withDb,
  wsCount, wsEvents,
} from './lib/cdc.mjs';

const pool = clientPool();

describe('kill -9 mid-stream, restart: every committed row is delivered, none twice', { skip }, () => {
  let target;
  let rx;
  const slot = slotName();
  after(async () => {
    killAll();
    await rx?.close();
    cleanup({ slots: [slot], targets: target ? [target] : [] });
  });

  test('1,500 rows in 15 transactions, the server killed while they stream', async (t) => {
    const TX = 15;
    const PER = 100;
    const N = TX * PER;
    target = createTarget('crash');
    psql(target.url, 'CREATE TABLE rows (id int PRIMARY KEY, batch int NOT NULL)');
    rx = await startReceiver();
    const dataDir = tempDir();
    const env = cdcEnv(slot, { CDC_DATABASE_URL: target.url, JWT_SECRET, REALTIME_WEBHOOK_TIMEOUT_MS: '1500' });
    let srv = await startServer({ dataDir, env });
    // FIFO: deliveries in enqueue order, so the sentinel's arrival proves every earlier job was delivered.
    await createHook(srv, { url: rx.url('/cdc'), events: ['database.event'], ordering: 'fifo' });
    await createMapping(srv, { table: 'rows', events: ['insert'], topic: 'rows.inserted', payload: { id: '$row.id', batch: '$row.batch' } });
    await waitStreaming(srv, ['public.rows']);

    let committed = 0;
    const inserting = (async () => {
      for (let b = 0; b < TX; b++) {
        await psqlAsync(target.url, `INSERT INTO rows SELECT g, ${b} FROM generate_series(${b * PER + 1}, ${(b + 1) * PER}) g`);
        committed = (b + 1) * PER;
      }
    })();
    const routedAtKill = await waitUntil(async () => {
      const r = (await readers(srv))[0];
      return r.routed >= 2 * PER ? r.routed : false;
    }, { interval: 10, what: 'two transactions routed' });
    const killed = await srv.stop('SIGKILL');
    assert.equal(killed.signal, 'SIGKILL');
    const committedAtKill = committed;
    await inserting;
    assert.ok(routedAtKill < N, `killed mid-stream (${routedAtKill} of ${N} routed, ${committedAtKill} committed)`);
    const beforeRestart = rx.requests.length;
    t.diagnostic(`killed with ${routedAtKill} routed, ${committedAtKill} committed, ${beforeRestart} webhook requests received`);

    srv = await startServer({ dataDir, env });
    const pks = () => new Set(rx.requests.map((r) => JSON.parse(r.body).payload.id));
    await waitUntil(() => pks().size >= N, { ms: 120_000, interval: 200, what: () => `${N} rows at the receiver (have ${pks().size})` })
      .catch(async (e) => {
        const st = await readers(srv).catch(() => 'status unavailable');
        const dropped = await metric(srv, 'realtime_webhook_enqueue_dropped_total').catch(() => undefined);
        const have = pks();
        const missing = [];
        for (let id = 1; id <= N; id++) if (!have.has(id)) missing.push(id);
        const ranges = missing.reduce((acc, id) => {
          if (acc.length && acc.at(-1)[1] === id - 1) acc.at(-1)[1] = id; else acc.push([id, id]);
          return acc;
        }, []);
        throw new Error(`${e.message}\nmissing rows: ${JSON.stringify(ranges)}\nstatus: ${JSON.stringify(st)}\ndropped: ${dropped}`);
      });
    psql(target.url, `INSERT INTO rows VALUES (${N + 1}, -1)`);  // the sentinel
    await rx.waitFor((r) => JSON.parse(r.body).payload.id === N + 1, 60_000, 'the sentinel row');

    // Distinct deliveries (a retry of one delivery carries the same delivery id and the same event).
    const deliveries = new Map();
    for (const r of rx.requests) {
      const ev = verifySignature(r);
      const id = r.headers['x-webhook-delivery-id'];
      if (deliveries.has(id)) assert.equal(deliveries.get(id).id, ev.id, `delivery ${id} carried two events`);
      else deliveries.set(id, ev);
    }
    const byPk = new Map();
    for (const ev of deliveries.values()) {
      assert.equal(ev.type, 'database.insert');
      assert.equal(ev.source, 'database');
      if (!byPk.has(ev.payload.id)) byPk.set(ev.payload.id, []);
      byPk.get(ev.payload.id).push(ev.id);
    }
    const missing = [];
    for (let id = 1; id <= N + 1; id++) if (!byPk.has(id)) missing.push(id);
    assert.deepEqual(missing, [], 'every committed row arrived');
    // Each row is one event: a transaction routed just before the kill but not yet recorded is
    // published again after the restart (docs/cdc.md, Guarantees) — always with the same event id,
    // so a receiver deduplicates it. Two different event ids for one row would be a real duplicate.
    const twice = [...byPk].filter(([, ids]) => new Set(ids).size !== 1);
    assert.deepEqual(twice.slice(0, 10), [], `${twice.length} rows published as different events`);
    assert.equal(byPk.size, N + 1);
    assert.equal(new Set([...deliveries.values()].map((e) => e.id)).size, N + 1, 'distinct event ids');
    const resent = [...byPk].filter(([, ids]) => ids.length > 1).length;
    t.diagnostic(`${resent} rows resent with their original event id (a transaction interrupted between routing and recording)`);
    assert.ok(beforeRestart < rx.requests.length, 'deliveries after the restart');
  });
});

describe('two instances, one slot: one streams, one stands by and takes over', { skip }, () => {
  let target;
  let redis;
  let platformDb;
  const slot = slotName();
  after(async () => {
    pool.closeAll();
    killAll();
    await redis?.stop();
    cleanup({ slots: [slot], targets: target ? [target] : [], dbs: platformDb ? [platformDb] : [] });
  });

  test('exactly one reader streams; kill -9 it: the other streams within 15 s and delivers a new row', async (t) => {
    target = createTarget('ha');
    psql(target.url, 'CREATE TABLE ticks (id int PRIMARY KEY)');
    platformDb = `cdc_e2e_platform_${hex()}`;
    psql(PG, `CREATE DATABASE ${platformDb}`);
    redis = await startRedis();
    const env = cdcEnv(slot, {
      CDC_DATABASE_URL: target.url, DATABASE_URL: withDb(PG, platformDb), REDIS_URL: redis.url,
      REALTIME_SECRET_KEY: crypto.randomBytes(32).toString('hex'),
    });
    const a = await startServer({ env });
    const b = await startServer({ env });
    await createMapping(a, { table: 'ticks', events: ['insert'], topic: 'ticks', payload: { id: '$row.id' } });

    const states = async () => Promise.all([a, b].map(async (s) => (await readers(s))[0]));
    const [ra, rb] = await waitUntil(async () => {
      const st = await states();
      return st.every(Boolean) && st.some((r) => r.state === 'streaming') && st.some((r) => r.state === 'standby') ? st : false;
    }, { what: 'one streaming reader and one standby' });
    const [leader, follower] = ra.state === 'streaming' ? [a, b] : [b, a];
    const standby = ra.state === 'standby' ? ra : rb;
    assert.equal(standby.failure, 'slot_in_use', JSON.stringify(standby));
    assert.match(standby.lastError, /is active for PID/, JSON.stringify(standby));
    assert.equal(standby.slot, slot);

    const onLeader = await pool.connect(leader, { token: await getToken(leader) });
    const onFollower = await pool.connect(follower, { token: await getToken(follower) });
    await onLeader.subscribe('ticks');
    await onFollower.subscribe('ticks');
    psql(target.url, 'INSERT INTO ticks VALUES (1)');
    assert.equal((await wsCount(onLeader, 'ticks', 1))[0].payload.id, 1);
    assert.equal((await wsCount(onFollower, 'ticks', 1))[0].payload.id, 1, 'through Redis to the other instance');
    await onFollower.ping();
    await onLeader.ping();
    assert.deepEqual(wsEvents(onFollower, 'ticks').map((e) => e.payload.id), [1], 'once on the follower before the kill');
    assert.deepEqual(wsEvents(onLeader, 'ticks').map((e) => e.payload.id), [1], 'once on the leader');
    // Still exactly one streams.
    assert.deepEqual((await states()).map((r) => r.state).sort(), ['standby', 'streaming']);

    const positions = () => psql(withDb(PG, platformDb), 'SELECT target, routed_lsn FROM cdc_reader_positions')
      + ` slot: ${psql(PG, `SELECT confirmed_flush_lsn, confirmed_flush_lsn - '0/0'::pg_lsn FROM pg_replication_slots WHERE slot_name = '${slot}'`)}`;
    const killed = await leader.stop('SIGKILL');
    assert.equal(killed.signal, 'SIGKILL');
    const atKill = positions();
    const t0 = Date.now();
    await waitUntil(async () => (await readers(follower))[0]?.state === 'streaming', {
      ms: 15_000, interval: 100, what: 'the standby instance streaming',
    });
    const took = Date.now() - t0;
    assert.ok(took < 15_000, `took over after ${took} ms`);
    psql(target.url, 'INSERT INTO ticks VALUES (2)');
    const events = await wsCount(onFollower, 'ticks', 2);
    await onFollower.ping();
    // A transaction routed just before the kill but not yet recorded is resent (at least once,
    // docs/cdc.md): such a duplicate must carry the same evt_ id. Distinct ids: rows 1 and 2, once.
    const seen = wsEvents(onFollower, 'ticks');
    const byId = new Map(seen.map((e) => [e.id, e.payload.id]));
    assert.deepEqual([...byId.values()], [1, 2], `${JSON.stringify(seen.map((e) => [e.payload.id, e.id]))}; `
      + `positions after the kill: ${atKill}; now: ${positions()}`);
    if (seen.length !== 2) t.diagnostic(`row 1 published again after the takeover (same id): ${JSON.stringify(seen.map((e) => [e.payload.id, e.id]))}`);
    assert.equal(events[1].type, 'database.insert');
    const st = (await readers(follower))[0];
    assert.equal(st.failure, '', JSON.stringify(st));
    assert.equal((await api(follower.url, 'GET', '/health')).status, 200);
  });
});
