// Secure by default (docs/security.md): the route table in that page is the one the server runs
// with, and every row holds in NODE_ENV=production: no token -> 401, another application's token
// -> 403/404, a weaker role -> 403, and no secret in any answer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { api, killAll, REPO_ROOT, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { bearer, decode, nowSec, sign } from './lib/jwt.mjs';

const SECRET = 'security-test-secret-0123456789';
const DB_PASSWORD = 'SuperSecret123';
const CDC_URL = `postgresql://shop:${DB_PASSWORD}@db.internal:5432/shop`;

const token = (claims) => sign({ alg: 'HS256', typ: 'JWT', kid: 'default' }, {
  iss: 'realtime', iat: nowSec(), exp: nowSec() + 600, sub: 'tester', ...claims,
}, SECRET);

/** The rows of the route table in docs/security.md: {method, path, who, dev}. */
function routeTable() {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'docs/security.md'), 'utf8');
  const rows = [];
  for (const line of text.split('\n')) {
    const m = line.match(/^\| `([A-Z]+)` \| `([^`]+)` \| ([^|]+) \| (yes|no) \| ([^|]+) \|$/);
    if (m) rows.push({ method: m[1], path: m[2], who: m[3].trim().split(' ')[0], dev: m[4] === 'yes' });
  }
  return rows;
}

/** The route table the server logged at start (LOG_LEVEL=debug): one `route` line per route. */
function loggedRoutes(stdout) {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((l) => l.msg === 'route');
}

const weakerThan = { admin: 'service', service: 'client', client: 'publish', publish: 'client' };
const WEAK_PERMISSIONS = { service: ['service'], client: ['client'], publish: ['publish'] };

describe('production: the route table of docs/security.md', () => {
  let srv;
  let otherApp;
  const ids = {};
  const seen = [];  // every response text, checked for secrets at the end
  const call = async (method, p, opts) => {
    const r = await api(srv.url, method, p, opts);
    seen.push(`${method} ${p} -> ${r.status} ${r.text}`);
    return r;
  };
  const admin = () => bearer(token({ aud: 'default', permissions: ['admin'] }));

  before(async () => {
    srv = await startServer({ env: { NODE_ENV: 'production', JWT_SECRET: SECRET, LOG_LEVEL: 'debug' } });
    const created = await call('POST', '/api/applications', { headers: admin(), json: { name: 'Other' } });
    assertJson(created, 201);
    otherApp = created.body.id;
    assertJson(await call('PATCH', '/api/applications/default', { headers: admin(), json: { config: { cdc: { production: CDC_URL } } } }), 200);
    assertJson(await call('POST', '/api/topics', { headers: admin(), json: { name: 'orders.created', description: 'd', owner: 'o' } }), 201);
    assertJson(await call('POST', '/api/services', { headers: admin(), json: { name: 'carts' } }), 201);
    const doc = await call('POST', '/api/sync/carts/documents', { headers: admin(), json: { id: 'cart1', data: { n: 1 } } });
    assertJson(doc, 201);
    const keys = await call('GET', '/api/admin/keys', { headers: admin() });
    assertJson(keys, 200);
    ids.key = keys.body[0]?.keyId ?? 'default';
  });
  after(() => killAll());

  const fill = (p) => p.replace(':id/presence', 'cart1/presence').replace('/applications/:id', '/applications/default')
    .replace('/keys/:id', `/keys/${ids.key}`).replace(':name', 'orders.created').replace('/services/:id', '/services/carts')
    .replace(':service', 'carts').replace('documents/:id', 'documents/cart1').replace(':channel', 'room1');
  const restRows = () => routeTable().filter((r) => !r.path.startsWith('/socket.io') && r.path !== '/ws');

  test('docs/security.md lists exactly the routes the server registered, with the same access', () => {
    const logged = loggedRoutes(srv.stdout());
    assert.ok(logged.length > 30, `expected the route lines at debug level\n${srv.stdout().slice(0, 2000)}`);
    const fromServer = logged.map((r) => `${r.method} ${r.path} ${r.access} ${r.devAnonymous ? 'yes' : 'no'}`).sort();
    const fromDocs = routeTable().filter((r) => r.path !== '/ws').map((r) => `${r.method} ${r.path} ${r.who} ${r.dev ? 'yes' : 'no'}`).sort();
    assert.deepEqual(fromDocs, fromServer);
  });

  test('every non-public route refuses a request without a token: 401', async () => {
    for (const row of restRows().filter((r) => r.who !== 'public')) {
      const r = await call(row.method, fill(row.path), { json: row.method === 'GET' || row.method === 'DELETE' ? undefined : {} });
      assertError(r, 401, 'UnauthorizedError');
    }
  });

  test("every non-public route refuses another application's token: 403, and its own scope does not see the data: 404", async () => {
    const other = bearer(token({ aud: otherApp, permissions: ['service'] }));
    for (const row of restRows().filter((r) => r.who !== 'public')) {
      const json = row.method === 'GET' || row.method === 'DELETE' ? undefined : {};
      const r = await call(row.method, fill(row.path), { json, headers: { ...other, 'x-application-id': 'default' } });
      assertError(r, 403, 'ForbiddenError');
    }
    // Without the header it acts on its own application, where the other one's data is not found.
    assertError(await call('GET', '/api/topics/orders.created', { headers: other }), 404, 'NotFoundError');
    assertError(await call('GET', '/api/sync/carts/documents/cart1', { headers: other }), 404, 'NotFoundError');
  });

  test('every route that needs a role refuses a weaker one: 403', async () => {
    for (const row of restRows().filter((r) => weakerThan[r.who])) {
      const weak = bearer(token({ aud: 'default', permissions: WEAK_PERMISSIONS[weakerThan[row.who]] }));
      const r = await call(row.method, fill(row.path), { json: row.method === 'GET' || row.method === 'DELETE' ? undefined : {}, headers: weak });
      assertError(r, 403, 'ForbiddenError');
    }
  });

  test('nothing was changed by the refused requests', async () => {
    assertJson(await call('GET', '/api/topics/orders.created', { headers: admin() }), 200);
    const doc = await call('GET', '/api/sync/carts/documents/cart1', { headers: admin() });
    assertJson(doc, 200);
    assert.equal(doc.body.revision, 1);
    const apps = await call('GET', '/api/applications', { headers: admin() });
    assert.deepEqual(apps.body.map((a) => a.id).sort(), ['default', otherApp].sort());
  });

  test('secrets are masked for everyone, revealed to an admin only on request', async () => {
    const client = bearer(token({ aud: 'default', permissions: ['client'] }));
    const current = await call('GET', '/api/applications/current', { headers: client });
    assertJson(current, 200);
    assert.equal(current.body.application.config.cdc.production, 'postgresql://shop:****@db.internal:5432/shop');
    const asAdmin = await call('GET', '/api/applications/default', { headers: admin() });
    assert.equal(asAdmin.body.config.cdc.production, 'postgresql://shop:****@db.internal:5432/shop');
    assertError(await call('GET', '/api/applications/current?reveal=true', { headers: client }), 403, 'ForbiddenError');
    const revealed = await api(srv.url, 'GET', '/api/applications/default?reveal=true', { headers: admin() });
    assertJson(revealed, 200);
    assert.equal(revealed.body.config.cdc.production, CDC_URL);
    for (const text of seen) assert.ok(!text.includes(DB_PASSWORD), `secret leaked: ${text.slice(0, 300)}`);
  });

  test('/api/applications/current without a token: 401, and X-Application-Id alone is not a credential', async () => {
    assertError(await call('GET', '/api/applications/current', { headers: { 'x-application-id': 'default' } }), 401, 'UnauthorizedError');
  });

  test('a token whose iss is not realtime is refused', async () => {
    const forged = bearer(token({ aud: 'default', permissions: ['admin'], iss: 'someone-else' }));
    assertError(await call('GET', '/api/topics', { headers: forged }), 401, 'UnauthorizedError');
  });

  test('CORS: no cross-origin access by default in production', async () => {
    const r = await api(srv.url, 'GET', '/health', { headers: { origin: 'https://evil.example' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    const pre = await api(srv.url, 'OPTIONS', '/api/topics', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
  });
});

describe('production: issuing tokens cannot escalate', () => {
  let srv;
  let otherApp;
  before(async () => {
    srv = await startServer({ env: { NODE_ENV: 'production', JWT_SECRET: SECRET } });
    const created = await api(srv.url, 'POST', '/api/applications', { headers: bearer(token({ aud: 'default', permissions: ['admin'] })), json: { name: 'Other' } });
    assertJson(created, 201);
    otherApp = created.body.id;
  });
  after(() => killAll());

  const callerExp = nowSec() + 300;
  const service = () => bearer(token({ aud: 'default', permissions: ['service'], env: 'staging', topics: ['chat:*'], exp: callerExp }));
  const issue = (body, headers = service()) => api(srv.url, 'POST', '/auth/token', { headers, json: { applicationId: 'default', ...body } });

  test('anonymous: 401', async () => {
    assertError(await issue({ permissions: ['subscribe'] }, {}), 401, 'UnauthorizedError');
  });

  test('a service token never mints admin or service tokens, nor for another application', async () => {
    assertError(await issue({ permissions: ['admin'] }), 403, 'ForbiddenError');
    assertError(await issue({ permissions: ['service'] }), 403, 'ForbiddenError');
    assertError(await issue({ permissions: ['subscribe'], applicationId: otherApp }), 403, 'ForbiddenError');
  });

  test('its own environment, its own topic patterns or narrower, never past its own exp', async () => {
    assertError(await issue({ permissions: ['subscribe'], environment: 'production' }), 403, 'ForbiddenError');
    assertError(await issue({ permissions: ['subscribe'], topics: ['*'] }), 403, 'ForbiddenError');
    assertError(await issue({ permissions: ['subscribe'], topics: ['chat:*', 'orders.*'] }), 403, 'ForbiddenError');
    assertError(await issue({ permissions: ['subscribe'], expiresIn: '1h' }), 403, 'ForbiddenError');
    const ok = await issue({ permissions: ['subscribe', 'publish'], topics: ['chat:room?'] });
    assertJson(ok, 200);
    const { claims } = decode(ok.body.token);
    assert.equal(claims.env, 'staging');
    assert.deepEqual(claims.topics, ['chat:room?']);
    assert.ok(claims.exp <= callerExp, `exp ${claims.exp} > caller's ${callerExp}`);
    assert.equal(ok.body.expiresAt, claims.exp * 1000);
  });

  test('a client token mints nothing', async () => {
    assertError(await issue({ permissions: ['subscribe'] }, bearer(token({ aud: 'default', permissions: ['client'] }))), 403, 'ForbiddenError');
  });
});

describe('development: conveniences for loopback callers only', () => {
  let srv;
  before(async () => { srv = await startServer({ env: { NODE_ENV: 'development', JWT_SECRET: SECRET, HOST: '0.0.0.0' } }); });
  after(() => killAll());

  test('one warning line says development mode listens on a non-loopback address', () => {
    const warnings = srv.stdout().split('\n').filter((l) => l.includes('development mode on a non-loopback address'));
    assert.equal(warnings.length, 1, srv.output());
  });

  test('a loopback caller gets anonymous tokens of at most 24 h and anonymous management', async () => {
    assertJson(await api(srv.url, 'POST', '/auth/token', { json: { applicationId: 'default', permissions: ['subscribe'], expiresIn: '24h' } }), 200);
    assertError(await api(srv.url, 'POST', '/auth/token', { json: { applicationId: 'default', permissions: ['subscribe'], expiresIn: '25h' } }), 403, 'ForbiddenError');
    assertJson(await api(srv.url, 'GET', '/api/applications'), 200);
  });

  test('a loopback request relayed by a proxy (X-Forwarded-For / Forwarded) is treated as in production', async () => {
    for (const headers of [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }]) {
      assertError(await api(srv.url, 'GET', '/api/applications', { headers }), 401, 'UnauthorizedError');
      assertError(await api(srv.url, 'POST', '/auth/token', { headers, json: { applicationId: 'default', permissions: ['subscribe'] } }), 401, 'UnauthorizedError');
    }
  });

  test('a caller on another address is treated as in production', async () => {
    const addr = Object.values((await import('node:os')).networkInterfaces()).flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    assert.ok(addr, 'this test needs a non-loopback IPv4 interface');
    const base = `http://${addr}:${srv.port}`;
    assertJson(await api(base, 'GET', '/health'), 200);  // reachable from that address
    assertError(await api(base, 'GET', '/api/applications'), 401, 'UnauthorizedError');
    assertError(await api(base, 'GET', '/api/topics'), 401, 'UnauthorizedError');
    assertError(await api(base, 'POST', '/auth/token', { json: { applicationId: 'default', permissions: ['subscribe'] } }), 401, 'UnauthorizedError');
    const cors = await api(srv.url, 'GET', '/health', { headers: { origin: 'http://localhost:5173' } });
    assert.equal(cors.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    assert.equal(cors.headers.get('access-control-allow-credentials'), null);
  });
});

describe('CORS_ORIGINS', () => {
  after(() => killAll());

  test('a list allows exactly those origins, with credentials', async () => {
    const srv = await startServer({ env: { NODE_ENV: 'production', JWT_SECRET: SECRET, CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' } });
    const good = await api(srv.url, 'GET', '/health', { headers: { origin: 'https://admin.example.com' } });
    assert.equal(good.headers.get('access-control-allow-origin'), 'https://admin.example.com');
    assert.equal(good.headers.get('access-control-allow-credentials'), 'true');
    const bad = await api(srv.url, 'GET', '/health', { headers: { origin: 'https://evil.example' } });
    assert.equal(bad.headers.get('access-control-allow-origin'), null);
  });

  test('* allows any origin without credentials', async () => {
    const srv = await startServer({ env: { NODE_ENV: 'production', JWT_SECRET: SECRET, CORS_ORIGINS: '*' } });
    const r = await api(srv.url, 'GET', '/health', { headers: { origin: 'https://any.example' } });
    assert.equal(r.headers.get('access-control-allow-origin'), 'https://any.example');
    assert.equal(r.headers.get('access-control-allow-credentials'), null);
  });

  test('an invalid value, or * mixed with origins, stops start-up with exit code 2', async () => {
    for (const value of ['not-an-origin', '*, https://a.example', 'https://a.example/path']) {
      const r = await startServer({ expectFail: true, env: { NODE_ENV: 'production', CORS_ORIGINS: value } });
      assert.equal(r.code, 2, `${value}: ${r.stderr}`);
      assert.match(r.stderr, /CORS_ORIGINS/);
    }
  });
});
