// The `webhooks` scenario's receiver (bench/run.mjs): a keep-alive HTTP/1.1 server that answers
// every POST /hook with 204, counts it, verifies the X-Webhook-Signature of 1 request in
// VERIFY_EVERY (HMAC-SHA256(SECRET, "<t>.<body>"), docs/webhooks.md) and records per delivery:
//   - enqueue→delivered: receive time − the event's metadata.timestamp (the server's publish
//     time, ms resolution: the figure is rounded up by up to 1 ms);
//   - publish→delivered: process.hrtime − payload.ts when the event came from loadgen (its
//     payload carries CLOCK_MONOTONIC ns, the clock hrtime reads; µs resolution).
// Control routes (same port): GET /_stats → counts and latency quantiles since the last reset;
// POST /_reset → start a new window (counts keep running; latencies restart).
//   PORT=3103 SECRET=… [VERIFY_EVERY=100] node webhook-receiver.mjs
import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

const port = Number(process.env.PORT || 3103);
const secret = process.env.SECRET || '';
const verifyEvery = Math.max(1, Number(process.env.VERIFY_EVERY || 100));

let total = 0;          // deliveries received since start
let verified = 0;       // signatures checked and valid
let badSignatures = 0;  // signatures checked and invalid (or missing)
let badBodies = 0;      // bodies that are not a RealtimeEvent
let firstError = '';
let windowStart = process.hrtime.bigint(), windowCount = 0;
let enqLat = new Float64Array(1 << 16), enqN = 0;  // ms
let pubLat = new Float64Array(1 << 16), pubN = 0;  // µs

function push(arr, n, v) {
  if (n === arr.length) {
    const bigger = new Float64Array(arr.length * 2);
    bigger.set(arr);
    arr = bigger;
  }
  arr[n] = v;
  return arr;
}

function fail(why) {
  if (!firstError) firstError = why;
}

function verify(req, body) {
  const header = String(req.headers['x-webhook-signature'] || '');
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m || req.headers['x-webhook-timestamp'] !== m[1]) {
    ++badSignatures;
    return fail(`malformed signature headers: ${header}`);
  }
  const want = createHmac('sha256', secret).update(`${m[1]}.`).update(body).digest();
  if (timingSafeEqual(want, Buffer.from(m[2], 'hex'))) ++verified;
  else {
    ++badSignatures;
    fail(`signature mismatch for delivery ${req.headers['x-webhook-delivery-id']}`);
  }
}

function onHook(req, res, body) {
  const nowMs = performance.timeOrigin + performance.now();
  const nowNs = process.hrtime.bigint();
  ++total;
  ++windowCount;
  if (total % verifyEvery === 1 || verifyEvery === 1) verify(req, body);
  let ev;
  try {
    ev = JSON.parse(body);
  } catch {}
  const ts = ev?.metadata?.timestamp;
  if (typeof ts !== 'number') {
    ++badBodies;
    fail(`body is not a RealtimeEvent: ${body.toString('utf8', 0, 120)}`);
  } else {
    enqLat = push(enqLat, enqN++, nowMs - ts);
    const p = ev.payload?.ts;
    if (typeof p === 'number' && p > 0) pubLat = push(pubLat, pubN++, Number(nowNs - BigInt(p)) / 1000);
  }
  res.writeHead(204);
  res.end();
}

function quantiles(arr, n) {
  if (!n) return {};
  const s = arr.slice(0, n).sort();
  const q = (x) => s[Math.min(n - 1, Math.floor(x * n))];
  return { p50: q(0.5), p99: q(0.99), p999: q(0.999), max: s[n - 1], n };
}

const server = http.createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');  // bench/run.mjs's waitHealthy
  if (req.method === 'GET' && req.url === '/_stats') {
    const secs = Number(process.hrtime.bigint() - windowStart) / 1e9;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return res.end(JSON.stringify({
      total, verified, badSignatures, badBodies, firstError, windowSeconds: secs, windowCount,
      enqueueToDeliveredMs: quantiles(enqLat, enqN), publishToDeliveredUs: quantiles(pubLat, pubN),
      cpuUs: process.cpuUsage().user + process.cpuUsage().system,
    }));
  }
  if (req.method === 'POST' && req.url === '/_reset') {
    windowStart = process.hrtime.bigint();
    windowCount = 0;
    enqN = pubN = 0;
    res.writeHead(204);
    return res.end();
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/hook') return onHook(req, res, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    res.writeHead(404);
    res.end();
  });
});
server.keepAliveTimeout = 120000;  // the server's pool closes idle connections itself
server.headersTimeout = 125000;
server.listen(port, '127.0.0.1', () => console.log(`webhook receiver on ${port}, verifying 1 in ${verifyEvery}`));
