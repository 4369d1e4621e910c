// The admin UI served by the binary (docs/admin-ui.md "Served by the binary"): the files of
// admin-ui/dist embedded at build time answer GET / and every non-API path (index.html for the
// SPA's deep links), hashed /assets/ files cache for a year, brotli/gzip when accepted, ETag ->
// 304, while unknown /api/ paths keep their JSON 404.
//
// The expected bytes are read from the dist the binary was built from: admin-ui/dist, or
// REALTIME_UI_DIST when the build used another one (-DREALTIME_UI_DIST=<dir>). Without a built UI
// this file skips, unless REALTIME_REQUIRE_UI=1 (scripts/run-tests.sh, after `make ui`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { killAll, REPO_ROOT, startServer } from './lib/server.mjs';
import { assertError } from './lib/expect.mjs';

const DIST = path.resolve(REPO_ROOT, process.env.REALTIME_UI_DIST || 'admin-ui/dist');
const BUILT = fs.existsSync(path.join(DIST, 'index.html'));
if (!BUILT && process.env.REALTIME_REQUIRE_UI) {
  throw new Error(`REALTIME_REQUIRE_UI is set but ${DIST}/index.html does not exist: run \`make ui\` and rebuild`);
}
const skip = BUILT ? false : `no built admin UI in ${DIST} (run \`make ui\` and rebuild the server; REALTIME_REQUIRE_UI=1 makes this fail)`;

/** One request with node:http, the body as raw bytes (no decompression). */
function get(baseUrl, urlPath, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(urlPath, baseUrl);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${method} ${urlPath}`)));
    req.on('error', reject);
    req.end();
  });
}

/** The text of an API error response, as the shared assertions expect it. */
const asApi = (r) => {
  const text = r.bytes.toString('utf8');
  let body;
  try { body = JSON.parse(text); } catch { body = undefined; }
  return { status: r.status, headers: r.headers, text, body };
};

/** The largest file under dist/assets (the main bundle: the one compression matters for). */
function largestAsset() {
  const dir = path.join(DIST, 'assets');
  const names = fs.readdirSync(dir).filter((n) => fs.statSync(path.join(dir, n)).isFile());
  assert.ok(names.length > 0, `no files in ${dir}`);
  names.sort((a, b) => fs.statSync(path.join(dir, b)).size - fs.statSync(path.join(dir, a)).size);
  return { urlPath: `/assets/${names[0]}`, bytes: fs.readFileSync(path.join(dir, names[0])) };
}

describe('the admin UI served by the binary', { skip }, () => {
  let srv;
  let index;
  before(async () => {
    srv = await startServer({ env: { NODE_ENV: 'production', JWT_SECRET: 'admin-ui-test-secret-0123456789' } });
    index = fs.readFileSync(path.join(DIST, 'index.html'));
  });
  after(() => killAll());

  test('GET / is the built index.html, with the security headers and no-cache', async () => {
    const r = await get(srv.url, '/');
    assert.equal(r.status, 200, r.bytes.toString());
    assert.match(r.headers['content-type'], /^text\/html; charset=utf-8$/);
    assert.ok(r.bytes.equals(index), `GET / is not ${DIST}/index.html:\n${r.bytes.toString().slice(0, 300)}`);
    assert.match(r.bytes.toString(), /<div id="root">/);
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.match(r.headers.etag, /^"[0-9a-f]+"$/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['referrer-policy'], 'no-referrer');
    const csp = r.headers['content-security-policy'];
    assert.match(csp, /script-src 'self';/);
    assert.match(csp, /style-src 'self' 'unsafe-inline';/);
    assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${srv.port} wss://127\\.0\\.0\\.1:${srv.port};`));
    assert.match(csp, /frame-ancestors 'none'/);
  });

  test('deep links of the SPA answer the same index.html', async () => {
    for (const p of ['/topics', '/invite/abc', '/topics/orders.created', '/index.html']) {
      const r = await get(srv.url, p);
      assert.equal(r.status, 200, p);
      assert.match(r.headers['content-type'], /^text\/html/, p);
      assert.ok(r.bytes.equals(index), `${p} is not index.html`);
    }
  });

  test('a hashed asset is cached for a year; a missing one is a JSON 404, not HTML', async () => {
    const asset = largestAsset();
    const r = await get(srv.url, asset.urlPath);
    assert.equal(r.status, 200);
    assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(r.headers['content-encoding'], undefined);
    assert.ok(r.bytes.equals(asset.bytes), `${asset.urlPath} differs from the dist file`);
    if (asset.urlPath.endsWith('.js')) assert.match(r.headers['content-type'], /^text\/javascript/);
    assertError(asApi(await get(srv.url, '/assets/not-built-00000000.js')), 404, 'NotFoundError');
  });

  test('brotli when accepted, else gzip, else the raw bytes; Vary: Accept-Encoding', async () => {
    const asset = largestAsset();
    const br = await get(srv.url, asset.urlPath, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.status, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers.vary, 'Accept-Encoding');
    assert.ok(br.bytes.length < asset.bytes.length, 'the brotli variant is smaller');
    assert.ok(zlib.brotliDecompressSync(br.bytes).equals(asset.bytes), 'brotli decodes to the raw file');

    const gz = await get(srv.url, asset.urlPath, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.ok(zlib.gunzipSync(gz.bytes).equals(asset.bytes), 'gzip decodes to the raw file');

    const refused = await get(srv.url, asset.urlPath, { headers: { 'accept-encoding': 'br;q=0, gzip;q=0' } });
    assert.equal(refused.headers['content-encoding'], undefined);
    assert.ok(refused.bytes.equals(asset.bytes));

    const html = await get(srv.url, '/invite/abc', { headers: { 'accept-encoding': 'br' } });
    if (html.headers['content-encoding'] === 'br') assert.ok(zlib.brotliDecompressSync(html.bytes).equals(index));
    else assert.ok(html.bytes.equals(index));  // a tiny index.html may have no smaller variant
  });

  test('If-None-Match with the ETag is 304 without a body; another ETag is 200', async () => {
    const first = await get(srv.url, '/', { headers: { 'accept-encoding': 'gzip' } });
    const again = await get(srv.url, '/', { headers: { 'accept-encoding': 'gzip', 'if-none-match': first.headers.etag } });
    assert.equal(again.status, 304);
    assert.equal(again.bytes.length, 0);
    assert.equal(again.headers.etag, first.headers.etag);
    const stale = await get(srv.url, '/', { headers: { 'if-none-match': '"0000"' } });
    assert.equal(stale.status, 200);
    assert.ok(stale.bytes.equals(index));
  });

  test('HEAD / is 200 with the headers and no body', async () => {
    const r = await get(srv.url, '/', { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^text\/html/);
    assert.equal(Number(r.headers['content-length']), index.length);
    assert.equal(r.bytes.length, 0);
  });

  test('API paths keep their JSON answers; other methods on UI paths are 405', async () => {
    assertError(asApi(await get(srv.url, '/api/nope')), 404, 'NotFoundError');
    assertError(asApi(await get(srv.url, '/auth/nope')), 404, 'NotFoundError');
    assertError(asApi(await get(srv.url, '/api/topics')), 401, 'UnauthorizedError');  // a real route, not the UI
    const health = asApi(await get(srv.url, '/health'));
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'ok');
    const post = asApi(await get(srv.url, '/', { method: 'POST' }));
    assertError(post, 405);
    assert.equal(post.headers.allow, 'GET');
  });
});
