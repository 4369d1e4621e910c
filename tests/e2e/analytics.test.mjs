// Analytics (spec/28 "Analytics Worker", docs/monitoring.md "Analytics"): with
// REALTIME_ANALYTICS_WINDOW=1s the worker writes one row per topic per window, and
// GET /api/metrics/analytics returns them: counts per topic and source (REST publishes are
// source "socket"), the topic and from/to filters, 400 on bad values, 401 without a token and
// 403 without the admin role in production.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { ADMIN, JWT_SECRET, auth, publish, waitUntil } from './lib/webhook_receiver.mjs';

const N = 7;
const M = 4;
const A = 'analytics.alpha';
const B = 'analytics.beta';

async function analytics(srv, query = {}, headers = ADMIN()) {
  return api(srv.url, 'GET', `/api/metrics/analytics?${new URLSearchParams(query)}`, { headers });
}
const sum = (rows, topic) => rows.filter((r) => r.topic === topic).reduce((n, r) => n + r.count, 0);

describe('analytics worker and GET /api/metrics/analytics (REALTIME_ANALYTICS_WINDOW=1s)', () => {
  let srv;
  let t0;
  let rows;
  before(async () => {
    srv = await startServer({ env: { NODE_ENV: 'production', JWT_SECRET, REALTIME_ANALYTICS_WINDOW: '1s' } });
    t0 = Date.now() - 1000;
    for (let i = 0; i < N; i++) await publish(srv, A, { i });
    for (let i = 0; i < M; i++) await publish(srv, B, { i });
    // Rows appear once the window boundary has passed and the worker flushed.
    rows = await waitUntil(async () => {
      const r = await analytics(srv, { from: String(t0) });
      assertJson(r, 200);
      return sum(r.body.data, A) >= N && sum(r.body.data, B) >= M ? r.body : false;
    }, { what: `${N} events of ${A} and ${M} of ${B} in the analytics rows` });
  });
  after(() => killAll());

  test('one row per topic and window, summing to what was published, by source, ordered', () => {
    assert.equal(rows.window, '1s');
    assert.equal(sum(rows.data, A), N);
    assert.equal(sum(rows.data, B), M);
    for (const r of rows.data.filter((x) => x.topic === A || x.topic === B)) {
      assert.deepEqual(Object.keys(r).sort(), ['bySource', 'count', 'endTime', 'latencyP50', 'latencyP95', 'latencyP99',
        'startTime', 'topic', 'window'].sort());
      assert.equal(r.window, '1s');
      assert.ok(Number.isInteger(r.startTime) && r.startTime % 1000 === 0, String(r.startTime));
      const start = r.startTime;
      assert.equal(r.endTime - start, 1000);
      assert.equal(start % 1000, 0, 'windows are aligned to the clock');
      assert.ok(start >= t0 - 1000 && start <= Date.now(), r.startTime);
      assert.ok(r.count > 0);
      assert.deepEqual(r.bySource, { database: 0, sync: 0, socket: r.count }, 'a REST publish is a socket event');
      for (const p of ['latencyP50', 'latencyP95', 'latencyP99']) assert.ok(r[p] === null || typeof r[p] === 'number', p);
    }
    const keys = rows.data.map((r) => [r.startTime, r.topic]);
    const sorted = [...keys].sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
    assert.deepEqual(keys, sorted, 'ordered by startTime, then topic');
    const seen = new Set(rows.data.map((r) => `${r.topic}@${r.startTime}`));
    assert.equal(seen.size, rows.data.length, 'one row per topic and window');
  });

  test('?topic= keeps one topic', async () => {
    const r = await analytics(srv, { topic: B, from: String(t0) });
    assertJson(r, 200);
    assert.ok(r.body.data.length > 0);
    assert.ok(r.body.data.every((x) => x.topic === B), JSON.stringify(r.body.data));
    assert.equal(sum(r.body.data, B), M);
    const none = await analytics(srv, { topic: 'analytics.none', from: String(t0) });
    assertJson(none, 200);
    assert.deepEqual(none.body.data, []);
  });

  test('from/to select the windows that start in [from, to), as ISO-8601 or ms', async () => {
    const first = rows.data[0];
    const last = rows.data[rows.data.length - 1];
    const fromLast = await analytics(srv, { from: new Date(last.startTime).toISOString() });
    assertJson(fromLast, 200);
    assert.ok(fromLast.body.data.length > 0);
    assert.ok(fromLast.body.data.every((x) => x.startTime >= last.startTime));
    const upToFirst = await analytics(srv, { from: String(t0), to: String(first.startTime + 1) });
    assertJson(upToFirst, 200);
    assert.ok(upToFirst.body.data.length > 0);
    assert.ok(upToFirst.body.data.every((x) => x.startTime === first.startTime), JSON.stringify(upToFirst.body.data));
    const before = await analytics(srv, { from: String(t0), to: String(first.startTime) });  // to is exclusive
    assertJson(before, 200);
    assert.equal(before.body.data.filter((x) => x.topic === A || x.topic === B).length, 0);
    const future = await analytics(srv, { from: new Date(Date.now() + 3_600_000).toISOString(),
      to: new Date(Date.now() + 7_200_000).toISOString() });
    assertJson(future, 200);
    assert.deepEqual(future.body.data, []);
    const lastDay = await analytics(srv);  // default: the last 24 h
    assertJson(lastDay, 200);
    assert.equal(sum(lastDay.body.data, A), N);
    const limited = await analytics(srv, { from: String(t0), limit: '1' });
    assertJson(limited, 200);
    assert.equal(limited.body.data.length, 1);
    assert.deepEqual(limited.body.data[0], last, 'the limit keeps the newest rows');
  });

  test('bad values: 400 ValidationError', async () => {
    for (const query of [{ from: 'yesterday' }, { to: '2024-13-01' }, { from: '2024-01-02', to: '2024-01-01' },
      { limit: '0' }, { limit: 'many' }]) {
      assertError(await analytics(srv, query), 400, 'ValidationError');
    }
  });

  test('production: 401 without a token, 403 without the admin role', async () => {
    assertError(await api(srv.url, 'GET', '/api/metrics/analytics'), 401, 'UnauthorizedError');
    assertError(await analytics(srv, {}, auth(['subscribe', 'publish'])), 403, 'ForbiddenError');
  });
});
