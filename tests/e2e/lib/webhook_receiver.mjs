// Helpers for the webhook e2e tests: a local HTTP/HTTPS receiver that records every delivery,
// signature verification with node:crypto (spec/23-api-webhooks.md, "Manual Verification"),
// a test CA made with the `openssl` CLI, JWTs signed with the server's JWT_SECRET, and polling
// for a positive signal. Node 20 built-ins only.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { api } from './server.mjs';
import { assertJson } from './expect.mjs';
import { bearer, nowSec, sign } from './jwt.mjs';

export const JWT_SECRET = 'webhooks-e2e-secret-0123456789abcdef';
export const HOOK_SECRET = 'whsec_e2e_shared_secret_42';

/** Authorization header of an HS256 token for `aud` with `permissions` (server started with JWT_SECRET). */
export const auth = (permissions, aud = 'default', extra = {}) => bearer(sign({ alg: 'HS256', typ: 'JWT', kid: 'default' }, {
  iss: 'realtime', iat: nowSec(), exp: nowSec() + 600, sub: 'webhooks-e2e', aud, permissions, ...extra,
}, JWT_SECRET));
export const ADMIN = () => auth(['admin']);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `fn` (async, returns a value or a falsy value) every `interval` ms until it returns
 * something truthy; resolves that value. On timeout throws with `what` (a string, or a function
 * called then) and the last value seen.
 */
export async function waitUntil(fn, { ms = 15_000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) {
      const desc = typeof what === 'function' ? what() : what;
      throw new Error(`timed out after ${ms} ms waiting for ${desc}; last: ${JSON.stringify(last)?.slice(0, 1500)}`);
    }
    await sleep(interval);
  }
}

/**
 * A receiver on 127.0.0.1 (`port`, default: any). `tls`: {key, cert} for HTTPS. `handler(r, res)`
 * answers each request (default: 200 "ok"); r = {method, url, headers, body, at}. Returns
 * {port, url(path), requests, tlsErrors, waitFor(pred, ms, what), close()}.
 */
export async function startReceiver({ port = 0, tls, handler } = {}) {
  const requests = [];
  const tlsErrors = [];
  const waiters = new Set();
  const notify = () => {
    for (const w of waiters) {
      const hit = requests.find(w.pred);
      if (hit) { waiters.delete(w); clearTimeout(w.timer); w.resolve(hit); }
    }
  };
  const onRequest = (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      requests.push(r);
      if (handler) handler(r, res); else res.end('ok');
      notify();
    });
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, onRequest) : http.createServer(onRequest);
  server.on('tlsClientError', (err) => { tlsErrors.push(err); });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = server.address().port;
  const scheme = tls ? 'https' : 'http';
  return {
    port: actual,
    url: (p = '/hook') => `${scheme}://127.0.0.1:${actual}${p}`,
    requests,
    tlsErrors,
    /** Resolves the first request (already received or future) for which pred(r) holds. */
    waitFor(pred = () => true, ms = 15_000, what = 'a delivery') {
      const hit = requests.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve };
        w.timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`receiver: no request matching ${what} within ${ms} ms; got ${requests.length}: ` +
            JSON.stringify(requests.map((q) => ({ url: q.url, id: q.headers['x-webhook-delivery-id'], body: q.body.slice(0, 200) }))).slice(0, 2000)));
        }, ms);
        waiters.add(w);
      });
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Asserts that r carries a valid X-Webhook-Signature for `secret` (t=<ms>,v1=<hex
 * HMAC-SHA256(secret, `${t}.${body}`)>, timestamp within 5 minutes, X-Webhook-Timestamp equal
 * to t) and JSON content; returns the parsed body.
 */
export function verifySignature(r, secret = HOOK_SECRET) {
  const header = r.headers['x-webhook-signature'];
  assert.match(header ?? '', /^t=\d+,v1=[0-9a-f]{64}$/, `X-Webhook-Signature: ${header}`);
  const parts = Object.fromEntries(header.split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  const t = Number(parts.t);
  assert.ok(Math.abs(Date.now() - t) < 300_000, `signature timestamp ${t} is not recent`);
  assert.equal(r.headers['x-webhook-timestamp'], parts.t);
  const expected = crypto.createHmac('sha256', secret).update(`${parts.t}.${r.body}`).digest('hex');
  assert.ok(crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(parts.v1)), `bad signature ${parts.v1}, expected ${expected}`);
  // The signature must not verify with another secret or another body.
  assert.notEqual(crypto.createHmac('sha256', `${secret}x`).update(`${parts.t}.${r.body}`).digest('hex'), parts.v1);
  assert.match(r.headers['content-type'] ?? '', /^application\/json/);
  assert.match(r.headers['x-webhook-delivery-id'] ?? '', /^log_/);
  return JSON.parse(r.body);
}

/**
 * A test CA and a server certificate for 127.0.0.1 and localhost (subjectAltName) in `dir`.
 * Returns {caFile, key, cert} (key and cert as PEM buffers).
 */
export function makeTestCa(dir) {
  const f = (name) => path.join(dir, name);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=Realtime E2E Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=localhost');
  fs.writeFileSync(f('server.ext'), ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth', ''].join('\n'));
  openssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-out', f('server.pem'), '-days', '2', '-extfile', f('server.ext'));
  return { caFile: f('ca.pem'), key: fs.readFileSync(f('server.key')), cert: fs.readFileSync(f('server.pem')) };
}

/** POST /api/webhooks -> 201; returns the endpoint. */
export async function createHook(srv, json, headers = ADMIN()) {
  const r = await api(srv.url, 'POST', '/api/webhooks', { headers, json: { secret: HOOK_SECRET, ...json } });
  assertJson(r, 201);
  assert.match(r.body.id, /^wh_/);
  return r.body;
}

/** POST /api/events -> 202; returns the event id. */
export async function publish(srv, topic, payload = {}, headers = ADMIN()) {
  const r = await api(srv.url, 'POST', '/api/events', { headers, json: { topic, type: 'e2e.webhook', payload } });
  assertJson(r, 202);
  return r.body.id;
}

/** GET /api/webhooks/logs (newest first) with `query` (e.g. {webhookId}). */
export async function logs(srv, query = {}, headers = ADMIN()) {
  const qs = new URLSearchParams({ limit: '1000', ...query }).toString();
  const r = await api(srv.url, 'GET', `/api/webhooks/logs?${qs}`, { headers });
  assertJson(r, 200);
  assert.ok(Array.isArray(r.body), r.text);
  return r.body;
}

/** Polls the logs of `webhookId` until one satisfies pred; returns it. */
export function waitForLog(srv, webhookId, pred, what, ms = 15_000) {
  return waitUntil(async () => (await logs(srv, { webhookId })).find(pred), { ms, what: `log of ${webhookId}: ${what}` });
}

/** The value of one Prometheus sample (`name{labels}` exactly as rendered), or undefined. */
export async function metric(srv, sample) {
  const r = await api(srv.url, 'GET', '/api/metrics/prometheus');
  assert.equal(r.status, 200);
  for (const line of r.text.split('\n')) {
    const i = line.lastIndexOf(' ');
    if (i > 0 && line.slice(0, i) === sample) return Number(line.slice(i + 1));
  }
  return undefined;
}
