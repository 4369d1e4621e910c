// HTTP behaviour of `realtime serve`: health/ready, error bodies, limits, keep-alive.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { api, killAll, rawRequest, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => {
  if (srv) await srv.stop();
  killAll();
});

/** Nothing changed: the only application is still the built-in `default` one. */
async function assertOnlyDefaultApplication() {
  const res = await api(srv.url, 'GET', '/api/applications');
  assertJson(res, 200);
  assert.ok(Array.isArray(res.body), `GET /api/applications must return an array; got ${res.text}`);
  assert.deepEqual(res.body.map((a) => a.id), ['default'], `applications changed: ${res.text}`);
}

describe('health and readiness', () => {
  test('GET /health -> 200 {"status":"ok"}', async () => {
    const res = await api(srv.url, 'GET', '/health');
    assertJson(res, 200);
    assert.deepEqual(res.body, { status: 'ok' });
  });

  test('GET /ready -> 200 ready, database up (embedded SQLite)', async () => {
    const res = await api(srv.url, 'GET', '/ready');
    assertJson(res, 200);
    assert.equal(res.body.status, 'ready', res.text);
    assert.equal(typeof res.body.checks, 'object', res.text);
    assert.equal(res.body.checks?.database?.status, 'up', res.text);
  });
});

describe('routing errors', () => {
  test('unknown route -> 404 NotFoundError', async () => {
    const res = await api(srv.url, 'GET', '/api/nope');
    assertError(res, 404, 'NotFoundError');
  });

  test('wrong method on a known path -> 405 MethodNotAllowedError with Allow: GET', async () => {
    const res = await api(srv.url, 'PUT', '/health', { json: {} });
    assertError(res, 405, 'MethodNotAllowedError');
    const allow = res.headers.get('allow');
    assert.ok(allow, 'a 405 must carry an Allow header');
    assert.ok(allow.split(',').map((m) => m.trim().toUpperCase()).includes('GET'), `Allow: ${allow}`);
  });
});

describe('request errors change nothing', () => {
  test('starts with only the default application', async () => {
    await assertOnlyDefaultApplication();
  });

  test('malformed JSON -> 400 ValidationError', async () => {
    const res = await api(srv.url, 'POST', '/api/applications', {
      body: '{"name": "Broken",',
      headers: { 'content-type': 'application/json' },
    });
    assertError(res, 400, 'ValidationError');
    await assertOnlyDefaultApplication();
  });

  test('valid JSON sent as text/plain -> 415 UnsupportedMediaTypeError', async () => {
    const res = await api(srv.url, 'POST', '/api/applications', {
      body: JSON.stringify({ name: 'PlainText' }),
      headers: { 'content-type': 'text/plain' },
    });
    assertError(res, 415, 'UnsupportedMediaTypeError');
    await assertOnlyDefaultApplication();
  });

  test('2 MiB body -> 413 PayloadTooLargeError (default limit 1 MiB)', async () => {
    // A valid application, so that a server ignoring the limit would create it.
    const body = JSON.stringify({ name: 'Huge', description: 'x'.repeat(2 * 1024 * 1024) });
    const res = await rawRequest(srv.url, 'POST', '/api/applications', {
      body,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    assertError(res, 413, 'PayloadTooLargeError');
    await assertOnlyDefaultApplication();
  });

  test('64 KiB request header -> 431', async () => {
    const body = JSON.stringify({ name: 'BigHeader' });
    const res = await rawRequest(srv.url, 'POST', '/api/applications', {
      body,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'x-filler': 'a'.repeat(64 * 1024),
      },
    });
    assert.equal(res.status, 431, `got ${res.status} ${res.text.slice(0, 300)}`);
    await assertOnlyDefaultApplication();
  });

  test('the server still serves after the errors above', async () => {
    const res = await api(srv.url, 'GET', '/health');
    assert.equal(res.status, 200);
  });
});

describe('keep-alive', () => {
  test('two sequential requests reuse one connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const sockets = new Set();
      agent.on('free', (socket) => sockets.add(socket));
      const first = await rawRequest(srv.url, 'GET', '/health', { agent });
      assert.equal(first.status, 200, first.text);
      assert.equal(first.reusedSocket, false);
      assert.notEqual(String(first.headers.connection).toLowerCase(), 'close', 'server asked to close');
      // Let the socket go back to the agent's free pool.
      await new Promise((r) => setImmediate(r));
      const second = await rawRequest(srv.url, 'GET', '/api/applications', { agent });
      assert.equal(second.status, 200, second.text);
      assert.equal(second.reusedSocket, true, 'second request must reuse the first connection');
      assert.equal(sockets.size, 1, 'exactly one socket was used');
    } finally {
      agent.destroy();
    }
  });
});
