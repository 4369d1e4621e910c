// The rest of the CDC troubleshooting table (docs/cdc.md) in GET /api/database/status, each
// followed by its fix: no target configured (no_target), a slot of that name made by another
// plugin (slot_exists), a target without wal_level=logical (wal_level, on a second PostgreSQL
// cluster started with wal_level=replica); and a streaming reader that is not restarted while
// nothing changes (its slot stays held by one connection across many refresh cycles).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { freePort, killAll, REPO_ROOT, startServer, tempDir } from './lib/server.mjs';
import { clientPool, getToken } from './lib/wsclient.mjs';
import { waitUntil } from './lib/webhook_receiver.mjs';
import {
  PG, cdcEnv, cleanup, createMapping, createTarget, psql, readers, setCdcConfig, skip, slotName, waitReader,
  waitStreaming, wsCount,
} from './lib/cdc.mjs';

const pool = clientPool();
const mapping = (table, topic) => ({ table, events: ['insert'], topic, payload: { id: '$row.id' } });

describe('troubleshooting: no_target, slot_exists, wal_level', { skip }, () => {
  const targets = [];
  const slots = [slotName(), slotName()];
  let replicaCluster;
  after(() => {
    pool.closeAll();
    killAll();
    if (replicaCluster) {
      try { execFileSync(path.join(REPO_ROOT, 'scripts/test-services.sh'), ['stop'], { env: replicaCluster.env }); } catch (e) { console.error(e.message); }
    }
    cleanup({ slots, targets });
  });

  test('no target: the status names the scope and its mappings; configuring one starts the reader', async () => {
    const srv = await startServer({ env: cdcEnv(slots[0]) });  // no CDC_DATABASE_URL, no config.cdc
    const m = await createMapping(srv, mapping('orders', 'orders.new'));
    const r = await waitReader(srv, (x) => x.failure === 'no_target', 'no_target');
    assert.deepEqual([r.target, r.applicationId, r.environment, r.state, r.mappings], [null, 'default', 'development', 'error', [m.id]]);
    assert.match(r.lastError, /^No CDC database configured for application default, environment development/);

    const target = createTarget('notarget');
    targets.push(target);
    psql(target.url, 'CREATE TABLE orders (id int PRIMARY KEY)');
    await setCdcConfig(srv, { development: target.url });
    await waitStreaming(srv, ['public.orders']);
    assert.equal((await readers(srv)).filter((x) => x.failure === 'no_target').length, 0);
    const ws = await pool.connect(srv, { token: await getToken(srv) });
    await ws.subscribe('orders.new');
    psql(target.url, 'INSERT INTO orders VALUES (5)');
    assert.equal((await wsCount(ws, 'orders.new', 1))[0].payload.id, 5);
  });

  test('a slot of that name made with another plugin: slot_exists; dropping it lets the reader create its own', async () => {
    const target = createTarget('slotexists');
    targets.push(target);
    psql(target.url, 'CREATE TABLE orders (id int PRIMARY KEY)');
    psql(target.url, `SELECT pg_create_logical_replication_slot('${slots[1]}', 'test_decoding')`);
    const srv = await startServer({ env: cdcEnv(slots[1], { CDC_DATABASE_URL: target.url }) });
    await createMapping(srv, mapping('orders', 'orders.new'));
    const r = await waitReader(srv, (x) => x.failure === 'slot_exists', 'slot_exists');
    assert.equal(r.state, 'error');
    assert.match(r.lastError, new RegExp(`replication slot "${slots[1]}" already exists with plugin test_decoding`));

    psql(target.url, `SELECT pg_drop_replication_slot('${slots[1]}')`);
    await waitStreaming(srv, ['public.orders']);
    assert.equal(psql(PG, `SELECT plugin FROM pg_replication_slots WHERE slot_name = '${slots[1]}'`), 'pgoutput');
  });

  test('a target with wal_level=replica: wal_level, with PostgreSQL\'s words', async () => {
    const dir = tempDir('rt-replica-cluster-');
    const env = {
      ...process.env, TEST_SERVICES_DIR: dir, TEST_PG_PORT: String(await freePort()),
      TEST_REDIS_PORT: String(await freePort()), TEST_PG_WAL_LEVEL: 'replica',
    };
    execFileSync(path.join(REPO_ROOT, 'scripts/test-services.sh'), ['start'], { env, stdio: 'pipe' });
    replicaCluster = { env };
    const url = `postgresql://realtime:realtime@127.0.0.1:${env.TEST_PG_PORT}/realtime_test`;
    assert.equal(psql(url, 'SHOW wal_level'), 'replica');
    psql(url, 'CREATE TABLE orders (id int PRIMARY KEY)');
    const srv = await startServer({ env: cdcEnv(slotName(), { CDC_DATABASE_URL: url }) });
    await createMapping(srv, mapping('orders', 'orders.new'));
    const r = await waitReader(srv, (x) => x.failure === 'wal_level', 'wal_level');
    assert.equal(r.state, 'error');
    assert.match(r.lastError, /wal_level/, JSON.stringify(r));
    assert.equal(psql(url, 'SELECT count(*) FROM pg_replication_slots'), '0', 'no slot was created');
  });
});

describe('a streaming reader is left alone', { skip }, () => {
  const slot = slotName();
  let target;
  after(() => {
    pool.closeAll();
    killAll();
    cleanup({ slots: [slot], targets: target ? [target] : [] });
  });

  test('the same connection holds the slot across refresh cycles; rows keep arriving', async () => {
    target = createTarget('steady');
    psql(target.url, 'CREATE TABLE orders (id int PRIMARY KEY)');
    const srv = await startServer({ env: cdcEnv(slot, { CDC_DATABASE_URL: target.url }) });
    await createMapping(srv, mapping('orders', 'orders.new'));
    await waitStreaming(srv, ['public.orders']);
    const pidOf = () => psql(PG, `SELECT active_pid FROM pg_replication_slots WHERE slot_name = '${slot}' AND active`);
    const pid = await waitUntil(() => pidOf() || false, { what: 'the slot held' });
    const ws = await pool.connect(srv, { token: await getToken(srv) });
    await ws.subscribe('orders.new');
    // The module re-checks mappings and targets every 2 s: rows across 3+ cycles, one connection.
    const t0 = Date.now();
    for (let i = 1; Date.now() - t0 < 7_000; i++) {
      psql(target.url, `INSERT INTO orders VALUES (${i})`);
      await wsCount(ws, 'orders.new', i);
      assert.equal(pidOf(), pid, `the slot's connection changed after ${Date.now() - t0} ms (the reader restarted)`);
      await new Promise((r) => setTimeout(r, 250));  // pacing the inserts over the cycles, not a synchronization
    }
    const [r] = await readers(srv);
    assert.equal(r.state, 'streaming');
  });
});
