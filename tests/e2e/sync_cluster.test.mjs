// Sync documents on several `realtime serve` processes sharing one Redis (a private
// redis-server) and one PostgreSQL (a fresh database on REALTIME_TEST_PG_URL's server):
// optimistic concurrency across instances (one winner), no lost update, the write-back flush,
// the sweep of a killed instance's writes, the final flush on SIGTERM, write-through.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import { api, freePort, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { sleep } from './lib/wsclient.mjs';

const PG = process.env.REALTIME_TEST_PG_URL;
const skip = !PG && !process.env.REALTIME_REQUIRE_PG ? 'REALTIME_TEST_PG_URL is not set' : false;

let redisProc;
let redisUrl;
let dbUrl;
let dbName;

const psql = (url, sql) => execFileSync('psql', [url, '-Atc', sql], { encoding: 'utf8' }).trim();
const withDb = (url, db) => { const u = new URL(url); u.pathname = `/${db}`; return u.toString(); };

async function startRedis() {
  const port = await freePort();
  redisProc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    const up = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (up) return `redis://127.0.0.1:${port}`;
    await sleep(100);
  }
  throw new Error('redis-server did not start');
}

/** Revision of a document in PostgreSQL (0 when absent). */
const pgRevision = (service, id) => Number(psql(dbUrl, `SELECT revision FROM sync_documents WHERE service = '${service}' AND id = '${id}'`) || 0);

async function waitForPg(service, id, revision, ms = 12_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (pgRevision(service, id) === revision) return;
    await sleep(100);
  }
  assert.equal(pgRevision(service, id), revision, `${service}/${id} never reached revision ${revision} in PostgreSQL`);
}

const start = (env = {}) => startServer({ env: { DATABASE_URL: dbUrl, REDIS_URL: redisUrl, LOG_LEVEL: 'info', ...env } });
const docs = (service) => `/api/sync/${service}/documents`;
const NO_BACKGROUND_FLUSH = { REALTIME_SYNC_FLUSH_DELAY_MS: '600000', REALTIME_SYNC_SWEEP_INTERVAL_MS: '600000' };

describe('sync documents across instances (Redis + PostgreSQL)', { skip }, () => {
  before(async () => {
    assert.ok(PG, 'REALTIME_TEST_PG_URL is required (REALTIME_REQUIRE_PG is set)');
    dbName = `sync_e2e_${crypto.randomBytes(4).toString('hex')}`;
    psql(PG, `CREATE DATABASE ${dbName}`);
    dbUrl = withDb(PG, dbName);
    redisUrl = await startRedis();
  });
  after(async () => {
    killAll();
    if (redisProc) redisProc.kill('SIGKILL');
    if (dbName) {
      try { psql(PG, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`); } catch { /* best effort */ }
    }
  });

  describe('the final flush on SIGTERM (one instance, no background flush)', () => {
    test('writes that only Redis has are in PostgreSQL after a graceful shutdown', async () => {
      const srv = await start(NO_BACKGROUND_FLUSH);
      for (let i = 0; i < 30; i++) {
        assertJson(await api(srv.url, 'POST', docs('shutdown'), { json: { id: `s${i}`, data: { i } } }), 201);
      }
      assertJson(await api(srv.url, 'PATCH', `${docs('shutdown')}/s0/merge`, { json: { data: { last: true } } }), 200);
      assert.equal(pgRevision('shutdown', 's0'), 0, 'nothing should be flushed yet (flush delay and sweep are 10 min)');
      const r = await srv.stop('SIGTERM');
      assert.equal(r.code, 0, srv.output());
      assert.match(srv.stdout(), /"msg":"sync documents flushed","documents":(\d+)/);
      assert.equal(pgRevision('shutdown', 's0'), 2);
      for (let i = 1; i < 30; i++) assert.equal(pgRevision('shutdown', `s${i}`), 1, `s${i}`);
      assert.equal(JSON.parse(psql(dbUrl, "SELECT data FROM sync_documents WHERE id = 's0'")).last, true);
    });
  });

  describe('two instances', () => {
    let a;
    let b;
    before(async () => {
      a = await start();
      b = await start();
    });
    after(async () => {
      await a?.stop();
      await b?.stop();
    });

    test('50 clients racing merge with the same expectedRevision: exactly one wins, 49 get 409', async () => {
      assertJson(await api(a.url, 'POST', docs('race'), { json: { id: 'r', data: { n: 0 } } }), 201);
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => api(i % 2 ? a.url : b.url, 'PATCH',
        `${docs('race')}/r/merge`, { json: { data: { winner: i }, expectedRevision: 1 } })));
      const wins = results.filter((r) => r.status === 200);
      const conflicts = results.filter((r) => r.status === 409);
      assert.equal(wins.length, 1, results.map((r) => r.status).join(','));
      assert.equal(conflicts.length, 49);
      for (const c of conflicts) {
        assertError(c, 409, 'ConflictError');
        assert.equal(c.body.currentRevision, 2);
      }
      const onB = await api(b.url, 'GET', `${docs('race')}/r`);
      assert.deepEqual(onB.body, wins[0].body);
      await waitForPg('race', 'r', 2);
    });

    test('50 racing writes without expectedRevision: every one applied once, revisions contiguous', async () => {
      assertJson(await api(b.url, 'POST', docs('counter'), { json: { id: 'c', data: { count: 0 } } }), 201);
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => api(i % 2 ? a.url : b.url, 'POST',
        `${docs('counter')}/c/mutate`, { json: { mutations: [{ op: 'increment', path: '/count', value: 1 }, { op: 'set', path: `/by/w${i}`, value: true }] } })));
      for (const r of results) assertJson(r, 200);
      const revisions = results.map((r) => r.body.revision).sort((x, y) => x - y);
      assert.deepEqual(revisions, Array.from({ length: 50 }, (_, i) => i + 2));
      for (const srv of [a, b]) {
        const doc = (await api(srv.url, 'GET', `${docs('counter')}/c`)).body;
        assert.equal(doc.revision, 51);
        assert.equal(doc.data.count, 50);
        assert.equal(Object.keys(doc.data.by).length, 50);
      }
      await waitForPg('counter', 'c', 51);
      assert.equal(JSON.parse(psql(dbUrl, "SELECT data FROM sync_documents WHERE service = 'counter' AND id = 'c'")).count, 50);
    });

    test('the sweep of another instance flushes what a killed instance left in Redis', async () => {
      const doomed = await start(NO_BACKGROUND_FLUSH);
      for (let i = 0; i < 10; i++) {
        assertJson(await api(doomed.url, 'POST', docs('orphans'), { json: { id: `o${i}`, data: { i } } }), 201);
      }
      assertJson(await api(doomed.url, 'PATCH', `${docs('orphans')}/o9/merge`, { json: { data: { more: 1 } } }), 200);
      doomed.proc.kill('SIGKILL');
      await doomed.exited;
      // A and B sweep every 5 s.
      await waitForPg('orphans', 'o9', 2);
      for (let i = 0; i < 9; i++) await waitForPg('orphans', `o${i}`, 1);
      assert.equal((await api(a.url, 'GET', `${docs('orphans')}/o9`)).body.data.more, 1);
    });
  });

  test('SYNC_WRITE_MODE=write-through: durable in PostgreSQL before the response', async () => {
    const srv = await start({ SYNC_WRITE_MODE: 'write-through', ...NO_BACKGROUND_FLUSH });
    try {
      assertJson(await api(srv.url, 'POST', docs('through'), { json: { id: 't', data: { n: 0 } } }), 201);
      assert.equal(pgRevision('through', 't'), 1);
      for (let rev = 2; rev <= 5; rev++) {
        const r = await api(srv.url, 'POST', `${docs('through')}/t/mutate`, { json: { mutations: [{ op: 'increment', path: '/n', value: 1 }] } });
        assertJson(r, 200);
        assert.equal(pgRevision('through', 't'), rev);
      }
    } finally {
      await srv.stop();
    }
  });
});
