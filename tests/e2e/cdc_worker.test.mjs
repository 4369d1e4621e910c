// CDC in `realtime worker` (docs/cdc.md, "Where readers run"): `serve` with REALTIME_WORKERS=off
// runs no reader; a `realtime worker` on the same platform PostgreSQL and Redis streams the slot
// and routes the outbox, and serve's /ws clients receive those events through Redis.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { BIN, killAll, runOnce, startServer, tempDir } from './lib/server.mjs';
import { clientPool, getToken } from './lib/wsclient.mjs';
import { startRedis } from './lib/sio.mjs';
import { waitUntil } from './lib/webhook_receiver.mjs';
import {
  PG, cdcEnv, cleanup, createMapping, createTarget, hex, psql, readers, skip, slotName, slotStreamer, withDb, wsCount, wsEvents,
} from './lib/cdc.mjs';

const pool = clientPool();

describe('serve (REALTIME_WORKERS=off) + `realtime worker` on one Redis', { skip }, () => {
  let target;
  let redis;
  let platformDb;
  let worker;
  const slot = slotName();
  after(async () => {
    pool.closeAll();
    if (worker && worker.proc.exitCode === null && worker.proc.signalCode === null) worker.proc.kill('SIGKILL');
    await worker?.exited;
    killAll();
    await redis?.stop();
    cleanup({ slots: [slot], targets: target ? [target] : [], dbs: platformDb ? [platformDb] : [] });
  });

  test('the worker streams the slot and routes the outbox; serve\'s /ws clients get both, once', async () => {
    target = createTarget('worker');
    psql(target.url, 'CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL)');
    platformDb = `cdc_e2e_platform_${hex()}`;
    psql(PG, `CREATE DATABASE ${platformDb}`);
    redis = await startRedis();
    const env = cdcEnv(slot, {
      CDC_DATABASE_URL: target.url, DATABASE_URL: withDb(PG, platformDb), REDIS_URL: redis.url,
      REALTIME_SECRET_KEY: crypto.randomBytes(32).toString('hex'), CDC_POLL_INTERVAL_MS: '100',
    });
    const srv = await startServer({ env: { ...env, REALTIME_WORKERS: 'off' } });
    const install = await runOnce(['outbox', 'install', '--app', 'default', '--env', 'development'], env);
    assert.equal(install.code, 0, install.stderr);

    const proc = spawn(BIN, ['worker'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', REALTIME_DATA_DIR: tempDir(), ...env },
      cwd: tempDir('realtime-e2e-cwd-'), stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = { text: '' };
    proc.stdout.setEncoding('utf8').on('data', (d) => { out.text += d; });
    proc.stderr.setEncoding('utf8').on('data', (d) => { out.text += d; });
    worker = { proc, out, exited: new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal }))) };
    const diag = () => `\n--- worker ---\n${out.text}\n--- serve ---\n${srv.output()}`;

    await createMapping(srv, { table: 'orders', events: ['insert', 'update'], topic: 'orders', payload: { id: '$row.id', status: '$row.status' } });
    const client = await pool.connect(srv, { token: await getToken(srv) });
    await client.subscribe('orders');
    await client.subscribe('outbox.orders');

    // The worker's reader holds the slot (serve has none); its pid is not serve's.
    const holder = await waitUntil(() => slotStreamer(slot) || false, { ms: 20_000, interval: 100, what: () => `the worker streaming slot ${slot}${diag()}` });
    assert.ok(Number(holder) > 0);
    assert.deepEqual(await readers(srv), [], 'serve runs no reader with REALTIME_WORKERS=off');

    psql(target.url, "INSERT INTO orders VALUES (1, 'new'); UPDATE orders SET status = 'paid' WHERE id = 1");
    const events = await wsCount(client, 'orders', 2).catch((e) => { throw new Error(e.message + diag()); });
    assert.deepEqual(events.map((e) => [e.type, e.source, e.payload.id, e.payload.status]),
      [['database.insert', 'database', 1, 'new'], ['database.update', 'database', 1, 'paid']]);

    psql(target.url, `INSERT INTO event_outbox (topic, event_type, payload) SELECT 'outbox.orders', 'order.created',
      jsonb_build_object('n', g) FROM generate_series(1, 50) g`);
    const boxed = await wsCount(client, 'outbox.orders', 50).catch((e) => { throw new Error(e.message + diag()); });
    assert.deepEqual(boxed.map((e) => e.payload.n), Array.from({ length: 50 }, (_, i) => i + 1));
    await waitUntil(() => psql(target.url, 'SELECT count(*) FROM event_outbox WHERE processed_at IS NULL') === '0',
      { what: 'every outbox row marked processed' });

    // Nothing twice: a later row proves the stream is still live, then the counts are exact.
    psql(target.url, "INSERT INTO orders VALUES (2, 'new')");
    await wsCount(client, 'orders', 3);
    await client.ping();
    assert.equal(wsEvents(client, 'orders').length, 3);
    assert.equal(wsEvents(client, 'outbox.orders').length, 50);
    // The slot was held by one connection the whole time (the reader never restarted).
    assert.equal(slotStreamer(slot), holder);

    proc.kill('SIGTERM');
    const exit = await worker.exited;
    assert.equal(exit.code, 0, diag());
    assert.match(out.text, /worker stopped/);
  });
});
