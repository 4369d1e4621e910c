// Webhooks survive crashes (docs/jobs.md, docs/webhooks.md): a delivery in flight when the server
// is killed with SIGKILL is delivered again after the restart (same X-Webhook-Delivery-Id, after
// its lease expired: at least once, never lost); deliveries enqueued but not yet delivered
// survive a SIGKILL; and `realtime worker` delivers as a separate process on PostgreSQL while
// `serve` runs with REALTIME_WORKERS=off (GET /api/workers lists both; SIGTERM marks it stopped).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { api, BIN, freePort, killAll, startServer, tempDir } from './lib/server.mjs';
import { assertJson } from './lib/expect.mjs';
import {
  ADMIN, JWT_SECRET, createHook, logs, metric, publish, startReceiver, verifySignature, waitForLog, waitUntil,
} from './lib/webhook_receiver.mjs';

const TIMEOUT_MS = 1500;  // REALTIME_WEBHOOK_TIMEOUT_MS: the lease of a job being delivered is this + 5 s
const ENV = { JWT_SECRET, REALTIME_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS), LOG_LEVEL: 'info' };
const eventIdOf = (r) => JSON.parse(r.body).id;

describe('kill -9 of the server mid-delivery', () => {
  let rx;
  after(async () => {
    killAll();
    await rx?.close();
  });

  test('the held delivery arrives again after the restart with the same delivery id, and is logged delivered', async () => {
    let held = null;  // the first request is never answered
    rx = await startReceiver({ handler: (r, res) => { if (!held) held = res; else res.end('ok'); } });
    const dataDir = tempDir();
    let srv = await startServer({ dataDir, env: ENV });
    const hook = await createHook(srv, { url: rx.url('/held'), events: ['socket.message'] });
    const eventId = await publish(srv, 'wh.crash', { once: 'at least' });

    const first = await rx.waitFor((r) => eventIdOf(r) === eventId, 15_000, `event ${eventId}`);
    assert.ok(held, 'the first request is being held');
    verifySignature(first);
    const deliveryId = first.headers['x-webhook-delivery-id'];
    const killed = await srv.stop('SIGKILL');
    assert.equal(killed.signal, 'SIGKILL');
    srv = await startServer({ dataDir, env: ENV });  // same data dir: same queue, endpoints and secret key
    const early = await logs(srv, { webhookId: hook.id });
    assert.ok(!early.some((l) => l.status === 'delivered'), `nothing can be delivered yet: ${JSON.stringify(early)}`);

    const second = await rx.waitFor((r) => r !== first && r.headers['x-webhook-delivery-id'] === deliveryId, 20_000, `redelivery of ${deliveryId}`);
    verifySignature(second);
    assert.equal(second.body, first.body, 'the same event body');
    assert.equal(second.headers['x-webhook-endpoint-id'], hook.id);
    assert.ok(Number(second.headers['x-webhook-attempt']) > Number(first.headers['x-webhook-attempt']),
      `attempt ${first.headers['x-webhook-attempt']} then ${second.headers['x-webhook-attempt']}`);
    // Not before the dead instance's lease (timeout + 5 s from the claim) expired.
    assert.ok(second.at - first.at >= TIMEOUT_MS + 5000 - 500, `redelivered ${second.at - first.at} ms after the first attempt`);

    const log = await waitForLog(srv, hook.id, (l) => l.id === deliveryId && l.status === 'delivered', 'delivered after the restart');
    assert.deepEqual([log.success, log.statusCode, log.eventId], [true, 200, eventId]);
    assert.equal((await logs(srv, { webhookId: hook.id })).length, 1, 'one delivery log for the one event');
    assert.equal(rx.requests.filter((r) => eventIdOf(r) === eventId).length, 2, 'held once, delivered once');
  });
});

describe('kill -9 with enqueued deliveries waiting for a receiver that is down', () => {
  let rx;
  after(async () => {
    killAll();
    await rx?.close();
  });

  test('all 50 events are delivered after the restart, none lost', async () => {
    const N = 50;
    const port = await freePort();  // nothing listens here yet
    const dataDir = tempDir();
    let srv = await startServer({ dataDir, env: ENV });
    const hook = await createHook(srv, { url: `http://127.0.0.1:${port}/down`, events: ['socket.message'] });
    const ids = [];
    for (let i = 0; i < N; i++) ids.push(await publish(srv, 'wh.batch', { i }));
    assert.equal(new Set(ids).size, N);
    // Delivery is at least once from the moment a job is in the queue; the fan-out enqueues off the
    // publish path (webhooks/fanout.h), so a 202 alone is not yet durable: wait until all 50 are.
    await waitUntil(async () => (await metric(srv, 'realtime_webhook_enqueued_total')) >= N, { what: `${N} jobs enqueued` });
    const refused = await waitForLog(srv, hook.id, (l) => /refused/.test(l.error) && l.status === 'retrying', 'a refused attempt');
    const killed = await srv.stop('SIGKILL');
    assert.equal(killed.signal, 'SIGKILL');

    rx = await startReceiver({ port });
    srv = await startServer({ dataDir, env: ENV });
    const delivered = await waitUntil(() => {
      const got = new Set(rx.requests.filter((r) => r.url === '/down').map(eventIdOf));
      return got.size >= N ? got : false;
    }, { ms: 45_000, interval: 200, what: () => `${N} distinct events at the receiver (have ${new Set(rx.requests.map(eventIdOf)).size})` });
    assert.deepEqual([...delivered].sort(), [...ids].sort());
    for (const r of rx.requests) verifySignature(r);
    const all = await waitUntil(async () => {
      const l = await logs(srv, { webhookId: hook.id });
      return l.length === N && l.every((x) => x.status === 'delivered') ? l : false;
    }, { what: `${N} delivery logs, all delivered` });
    assert.deepEqual(all.map((l) => l.eventId).sort(), [...ids].sort());
    for (const l of all) assert.equal(l.history.at(-1)?.statusCode, 200, JSON.stringify(l));
    // The attempt logged before the crash and the delivery after it are one log (one delivery id).
    const same = all.find((l) => l.id === refused.id);
    assert.ok(same, `log ${refused.id} is still there`);
    assert.match(same.history[0].error, /refused/, JSON.stringify(same));
    assert.ok(same.attempts >= 2 && same.history.length >= 2, JSON.stringify(same));
    assert.ok(rx.requests.some((r) => r.headers['x-webhook-delivery-id'] === refused.id), `no request carried ${refused.id}`);
  });
});

// ---------------------------------------------------------------------------------------------
// `realtime worker` on PostgreSQL.
const PG = process.env.REALTIME_TEST_PG_URL;
const skip = !PG && !process.env.REALTIME_REQUIRE_PG ? 'REALTIME_TEST_PG_URL is not set (scripts/test-services.sh env)' : false;
const psql = (url, sql) => execFileSync('psql', [url, '-Atc', sql], { encoding: 'utf8' }).trim();
const withDb = (url, db) => { const u = new URL(url); u.pathname = `/${db}`; return u.toString(); };

/** `realtime worker` with a clean environment; {proc, out, exited}. */
function spawnWorker(env) {
  const proc = spawn(BIN, ['worker'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', REALTIME_DATA_DIR: tempDir(), ...env },
    cwd: tempDir('realtime-e2e-cwd-'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { text: '' };
  proc.stdout.setEncoding('utf8').on('data', (d) => { out.text += d; });
  proc.stderr.setEncoding('utf8').on('data', (d) => { out.text += d; });
  const exited = new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal })));
  return { proc, out, exited };
}

describe('realtime worker as a separate process (PostgreSQL)', { skip }, () => {
  let dbName;
  let dbUrl;
  let worker;
  let rx;
  before(() => {
    assert.ok(PG, 'REALTIME_TEST_PG_URL is required (REALTIME_REQUIRE_PG is set)');
    dbName = `webhooks_e2e_${crypto.randomBytes(4).toString('hex')}`;
    psql(PG, `CREATE DATABASE ${dbName}`);
    dbUrl = withDb(PG, dbName);
  });
  after(async () => {
    if (worker && worker.proc.exitCode === null && worker.proc.signalCode === null) worker.proc.kill('SIGKILL');
    killAll();
    await rx?.close();
    if (dbName) {
      try { psql(PG, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`); } catch { /* best effort */ }
    }
  });

  test('serve (REALTIME_WORKERS=off) enqueues, the worker delivers; GET /api/workers lists both; SIGTERM: stopped', async () => {
    const shared = { DATABASE_URL: dbUrl, REALTIME_SECRET_KEY: crypto.randomBytes(32).toString('hex'), LOG_LEVEL: 'info' };
    rx = await startReceiver();
    const srv = await startServer({ env: { ...ENV, ...shared, REALTIME_WORKERS: 'off' } });
    worker = spawnWorker({ ...shared, REALTIME_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) });
    const workers = async () => {
      const r = await api(srv.url, 'GET', '/api/workers', { headers: ADMIN() });
      assertJson(r, 200);
      return r.body;
    };
    const both = await waitUntil(async () => {
      const list = await workers();
      return list.some((w) => w.kind === 'worker' && w.pid === worker.proc.pid && w.status === 'running') ? list : false;
    }, { what: 'the worker in GET /api/workers', ms: 15_000 }).catch((e) => { throw new Error(`${e.message}\n--- worker output ---\n${worker.out.text}`); });
    assert.equal(both.length, 2, JSON.stringify(both));
    const s = both.find((w) => w.kind === 'serve');
    const w = both.find((x) => x.kind === 'worker');
    assert.deepEqual([s.pid, s.queues, s.status], [srv.proc.pid, [], 'running'], JSON.stringify(s));
    assert.deepEqual(w.queues, ['webhook-delivery'], JSON.stringify(w));
    assert.notEqual(w.id, s.id);

    const hook = await createHook(srv, { url: rx.url('/worker'), events: ['socket.message'] });
    const eventId = await publish(srv, 'wh.worker', { by: 'worker' });
    const got = await rx.waitFor((r) => eventIdOf(r) === eventId, 20_000, `event ${eventId}`)
      .catch((e) => { throw new Error(`${e.message}\n--- worker output ---\n${worker.out.text}\n${srv.output()}`); });
    assert.deepEqual(verifySignature(got).payload, { by: 'worker' });
    const log = await waitForLog(srv, hook.id, (l) => l.eventId === eventId && l.status === 'delivered', 'delivered by the worker');
    assert.equal(log.id, got.headers['x-webhook-delivery-id']);
    // serve consumes nothing: it has no delivery counters at all.
    assert.equal(await metric(srv, 'realtime_webhook_deliveries_total{status="success"}'), undefined);
    assert.ok(await metric(srv, 'realtime_webhook_enqueued_total') >= 1);

    worker.proc.kill('SIGTERM');
    const ended = await worker.exited;
    assert.equal(ended.code, 0, worker.out.text);
    const after = await workers();
    const stopped = after.find((x) => x.id === w.id);
    assert.equal(stopped?.status, 'stopped', JSON.stringify(after));
    assert.equal(typeof stopped.stoppedAt, 'number');
    assert.equal(after.find((x) => x.id === s.id)?.status, 'running');
  });
});
