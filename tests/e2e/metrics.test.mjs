// Prometheus metrics (docs/monitoring.md, spec/26-operations-monitoring.md): the spec's metric
// names under both scrape paths, counters that move by what was published and delivered, the
// bounded topic label, the broadcast-latency histogram, process metrics, `promtool check
// metrics` on the whole output, and METRICS_TOKEN protecting the scrape.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError } from './lib/expect.mjs';
import { clientPool, getToken } from './lib/wsclient.mjs';

const pool = clientPool();

/** {name{labels}: value} of a Prometheus text exposition. */
function samples(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

describe('Prometheus metrics', () => {
  after(() => {
    pool.closeAll();
    killAll();
  });

  test('counters follow what was published and delivered; the topic label is bounded; promtool accepts it', async () => {
    const srv = await startServer({ env: { NODE_ENV: 'development', REALTIME_METRICS_MAX_TOPICS: '2' } });
    const token = await getToken(srv, { permissions: ['subscribe', 'publish'] });
    const sub = await pool.connect(srv, { token });
    await sub.subscribe('orders.created');
    const N = 48;
    const publish = (topic) => api(srv.url, 'POST', '/api/events', {
      headers: { authorization: `Bearer ${token}` }, json: { topic, payload: { n: 1 } },
    });
    for (let i = 0; i < N; i++) assert.equal((await publish('orders.created')).status, 202);
    for (const t of ['second.topic', 'third.topic', 'fourth.topic']) assert.equal((await publish(t)).status, 202);
    await sub.waitFor(() => sub.all.filter((m) => m.type === 'event').length >= N, 10_000, `${N} events delivered`);

    const text = await (await fetch(`${srv.url}/metrics`)).text();
    const same = await (await fetch(`${srv.url}/api/metrics/prometheus`)).text();
    for (const name of ['realtime_events_received_total', 'realtime_events_delivered_total', 'realtime_events_filtered_total',
      'realtime_broadcast_latency_seconds', 'realtime_websocket_connections', 'realtime_queue_depth',
      'realtime_webhook_deliveries_total', 'realtime_cdc_lag_seconds', 'process_cpu_seconds_total',
      'process_resident_memory_bytes', 'process_open_fds']) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), `${name} is exposed`);
      assert.match(same, new RegExp(`^# TYPE ${name} `, 'm'), `${name} under /api/metrics/prometheus`);
    }
    assert.match(text, /^# TYPE realtime_broadcast_latency_seconds histogram$/m);
    const s = samples(text);
    assert.equal(s.get('realtime_events_received_total{source="socket",topic="orders.created"}'), N);
    assert.equal(s.get('realtime_events_received_total{source="socket",topic="second.topic"}'), 1);
    assert.equal(s.get('realtime_events_received_total{source="socket",topic="other"}'), 2, 'topics past the bound count as other');
    assert.ok(s.get('realtime_events_delivered_total') >= N);
    assert.equal(s.get('realtime_websocket_connections{transport="websocket"}'), 1);
    const count = s.get('realtime_broadcast_latency_seconds_count');
    assert.ok(count >= Math.floor(N / 16) && count <= N, `latency samples: ${count}`);
    let last = 0;
    for (const [k, v] of s) {
      if (!k.startsWith('realtime_broadcast_latency_seconds_bucket')) continue;
      assert.ok(v >= last, 'buckets are cumulative');
      last = v;
    }
    assert.equal(s.get('realtime_broadcast_latency_seconds_bucket{le="+Inf"}'), count);
    assert.ok(s.get('realtime_broadcast_latency_seconds_sum') > 0);
    assert.ok(s.get('process_resident_memory_bytes') > 1e6 && s.get('process_open_fds') > 3);

    const lint = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(lint.trim(), '', `promtool: ${lint}`);
  });

  test('METRICS_TOKEN: the scrape needs it, on both paths', async () => {
    const secret = 'scrape-token-0123456789abcdef';
    const srv = await startServer({ env: { NODE_ENV: 'production', METRICS_TOKEN: secret, JWT_SECRET: 'metrics-test-secret-0123456789' } });
    for (const p of ['/metrics', '/api/metrics/prometheus']) {
      assertError(await api(srv.url, 'GET', p), 401, 'UnauthorizedError');
      assertError(await api(srv.url, 'GET', p, { headers: { authorization: 'Bearer wrong-token-0123456789' } }), 401, 'UnauthorizedError');
      const ok = await fetch(`${srv.url}${p}`, { headers: { authorization: `Bearer ${secret}` } });
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /^# TYPE realtime_events_delivered_total counter$/m);
    }
  });
});
