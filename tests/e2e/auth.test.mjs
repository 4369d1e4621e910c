// JWT auth: `realtime token`, /api/admin/keys, /auth/token, /auth/verify, Bearer 401/403, rejected
// tokens, application scoping, JWT_SECRET, and two instances sharing one SQLite data directory.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, runOnce, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import {
  adminClaims, assertRejected as rejected, assertValid as valid, b64url, bearer, cliToken, decode, nowSec, pick, sign,
} from './lib/jwt.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const HEX64 = /^[0-9a-f]{64}$/;

let srv; // development server (the default NODE_ENV) on a fresh SQLite data dir
let admin; // admin token for the default application, from the CLI
before(async () => {
  srv = await startServer();
  admin = await cliToken(srv, ['--app', 'default', '--permissions', 'admin', '--sub', 'e2e-admin']);
});
after(async () => {
  if (srv) await srv.stop();
  killAll();
});

const call = (method, path, opts) => api(srv.url, method, path, opts);
const asAdmin = (method, path, json) => call(method, path, { headers: bearer(admin), json });
const issue = (json, token = admin, s = srv) => api(s.url, 'POST', '/auth/token', { json, headers: token ? bearer(token) : {} });
const assertValid = (token, s = srv) => valid(s, token);
const assertRejected = (token, s = srv) => rejected(s, token);

const ok = (r, status = 200) => { assertJson(r, status); return r.body; };
const tokenFor = (perms, app = 'default') => cliToken(srv, ['--app', app, '--permissions', perms]);
const issueOk = async (json, token = admin) => ok(await issue(json, token));
const createKey = async () => ok(await asAdmin('POST', '/api/admin/keys'), 201);
async function listKeys() {
  const list = ok(await asAdmin('GET', '/api/admin/keys'));
  assert.ok(Array.isArray(list), JSON.stringify(list));
  for (const k of list) assert.equal('secret' in k, false, `the list must never show a secret: ${JSON.stringify(list)}`);
  return list;
}
const near = (ms, expected, what) => assert.ok(Math.abs(ms - expected) < 10_000, `${what}=${ms}, expected about ${expected}`);

describe('realtime token (CLI)', () => {
  test('prints one HS256 JWT with kid, aud, iss, iat, exp, permissions, sub, env, topics', async () => {
    const t = await cliToken(srv, ['--app', 'default', '--permissions', 'admin,service', '--sub', 'ops',
      '--ttl', '1h', '--topics', 'chat:*,session.a', '--env', 'staging']);
    const { header, claims } = decode(t);
    assert.deepEqual({ ...header, kid: undefined }, { alg: 'HS256', typ: 'JWT', kid: undefined });
    assert.match(header.kid, /^key_/);
    assert.deepEqual(pick(claims, ['aud', 'iss', 'sub', 'env', 'topics', 'permissions']), { aud: 'default', iss: 'realtime',
      sub: 'ops', env: 'staging', topics: ['chat:*', 'session.a'], permissions: ['admin', 'service'] });
    assert.ok(Math.abs(claims.iat - nowSec()) < 60, `iat ${claims.iat} is not seconds near now`);
    assert.equal(claims.exp - claims.iat, 3600);
    assert.equal((await assertValid(t)).sub, 'ops');
  });

  test('bad usage -> exit 2; unknown application -> exit 1; nothing on stdout', async () => {
    const env = { REALTIME_DATA_DIR: srv.dataDir };
    for (const [args, code] of [
      [['--app', 'default', '--permissions', 'admin', '--bogus', 'x'], 2],
      [['--permissions', 'admin'], 2],
      [['--app', 'app_doesnotexist', '--permissions', 'admin'], 1],
    ]) {
      const r = await runOnce(['token', ...args], env);
      assert.equal(r.code, code, `realtime token ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      assert.equal(r.stdout.trim(), '', `no token expected on stdout: ${r.stdout}`);
    }
  });
});

describe('signing keys: /api/admin/keys', () => {
  let k0; let k1; let t1;

  test('a fresh server has exactly one active managed key, which signs tokens', async () => {
    const list = await listKeys();
    assert.equal(list.length, 1, JSON.stringify(list));
    k0 = list[0];
    assert.match(k0.keyId, /^key_/);
    assert.deepEqual(pick(k0, ['algorithm', 'active', 'source']), { algorithm: 'HS256', active: true, source: 'managed' });
    near(k0.createdAt, Date.now() - 5_000, 'createdAt (ms)');
    assert.equal(decode(admin).header.kid, k0.keyId);
  });

  test('no token -> 401; client, subscribe/publish or service token -> 403', async () => {
    assertError(await call('GET', '/api/admin/keys'), 401, 'UnauthorizedError');
    assertError(await call('POST', '/api/admin/keys'), 401, 'UnauthorizedError');
    for (const perms of ['client', 'subscribe,publish', 'service']) {
      const t = await tokenFor(perms);
      assertError(await call('GET', '/api/admin/keys', { headers: bearer(t) }), 403, 'ForbiddenError');
      assertError(await call('POST', '/api/admin/keys', { headers: bearer(t) }), 403, 'ForbiddenError');
    }
    assert.equal((await listKeys()).length, 1, 'a refused POST must not create a key');
  });

  test('POST -> 201 with the secret (once); the newest active key signs new tokens', async () => {
    k1 = await createKey();
    assert.match(k1.keyId, /^key_/);
    assert.notEqual(k1.keyId, k0.keyId);
    assert.deepEqual(pick(k1, ['algorithm', 'active', 'source']), { algorithm: 'HS256', active: true, source: 'managed' });
    assert.match(k1.secret, HEX64);
    near(k1.createdAt, Date.now(), 'createdAt (ms)');
    assert.equal((await listKeys()).find((k) => k.keyId === k1.keyId)?.active, true, 'the new key is listed as active');
    t1 = (await issueOk({ applicationId: 'default', permissions: ['subscribe'] })).token;
    assert.equal(decode(t1).header.kid, k1.keyId);
    assert.equal(decode(await tokenFor('client')).header.kid, k1.keyId);
    await assertValid(t1);
  });

  test('deactivate -> 200 active:false; the key never signs again, its tokens still verify', async () => {
    const d = ok(await asAdmin('POST', `/api/admin/keys/${k1.keyId}/deactivate`));
    assert.deepEqual(pick(d, ['keyId', 'active', 'secret']), { keyId: k1.keyId, active: false, secret: undefined });
    const listed = (await listKeys()).find((k) => k.keyId === k1.keyId);
    assert.equal(listed?.active, false);
    if (listed.deactivatedAt !== undefined) near(listed.deactivatedAt, Date.now(), 'deactivatedAt (ms)');
    assert.equal(decode((await issueOk({ applicationId: 'default', permissions: ['publish'] })).token).header.kid, k0.keyId);
    assert.equal(decode(await tokenFor('client')).header.kid, k0.keyId);
    assert.deepEqual((await assertValid(t1)).permissions, ['subscribe']);
  });

  test('deactivate an unknown key -> 404 NotFoundError', async () => {
    assertError(await asAdmin('POST', '/api/admin/keys/key_0000000000000000/deactivate'), 404, 'NotFoundError');
  });

  test('rotate -> new active key, old one inactive; old tokens verify, new tokens carry the new kid', async () => {
    const k2 = ok(await asAdmin('POST', `/api/admin/keys/${k0.keyId}/rotate`));
    assert.match(k2.keyId, /^key_/);
    assert.ok(![k0.keyId, k1.keyId].includes(k2.keyId), JSON.stringify(k2));
    assert.deepEqual(pick(k2, ['active', 'rotatedFrom']), { active: true, rotatedFrom: k0.keyId });
    assert.match(k2.secret, HEX64);
    const list = await listKeys();
    assert.equal(list.find((k) => k.keyId === k0.keyId)?.active, false, 'the rotated key is inactive');
    assert.equal(list.find((k) => k.keyId === k2.keyId)?.active, true);
    assert.equal((await assertValid(admin)).sub, 'e2e-admin', 'a token of the rotated key still verifies');
    const fresh = (await issueOk({ applicationId: 'default', permissions: ['subscribe'] })).token;
    assert.equal(decode(fresh).header.kid, k2.keyId);
    await assertValid(fresh);
  });

  test('DELETE -> 204; tokens signed by the deleted key are refused', async () => {
    const handMade = sign({ alg: 'HS256', typ: 'JWT', kid: k1.keyId }, adminClaims(), k1.secret);
    await assertValid(handMade);
    const r = await asAdmin('DELETE', `/api/admin/keys/${k1.keyId}`);
    assert.deepEqual([r.status, r.text], [204, ''], 'DELETE -> 204 without a body');
    assert.equal((await listKeys()).some((k) => k.keyId === k1.keyId), false, 'a deleted key is not listed');
    await assertRejected(t1);
    await assertRejected(handMade);
  });
});

describe('POST /auth/token and POST /auth/verify', () => {
  let other; // a second application
  before(async () => { other = ok(await asAdmin('POST', '/api/applications', { name: 'Auth other app' }), 201); });

  test('anonymous subscribe/publish in development -> 200 {token, expiresAt = now + 1h}', async () => {
    const b = ok(await issue({ applicationId: 'default', permissions: ['subscribe', 'publish'] }, null));
    near(b.expiresAt, Date.now() + 3_600_000, 'expiresAt (ms)');
    const claims = await assertValid(b.token);
    assert.deepEqual(pick(claims, ['aud', 'iss', 'permissions']), { aud: 'default', iss: 'realtime', permissions: ['subscribe', 'publish'] });
    assert.ok(Math.abs(claims.exp * 1000 - b.expiresAt) < 1000, `expiresAt ${b.expiresAt} vs exp ${claims.exp}`);
  });

  test('anonymous asking for admin, service or client -> 403 ForbiddenError', async () => {
    for (const p of ['admin', 'service', 'client']) {
      assertError(await issue({ applicationId: 'default', permissions: ['subscribe', p] }, null), 403, 'ForbiddenError');
    }
  });

  test('admin caller: any permissions, any application, subject/topics/environment', async () => {
    const { token } = await issueOk({ applicationId: other.id, permissions: ['admin'], subject: 'svc-1',
      topics: ['chat:*'], environment: 'staging' });
    assert.deepEqual(pick(await assertValid(token), ['aud', 'sub', 'topics', 'env', 'permissions']),
      { aud: other.id, sub: 'svc-1', topics: ['chat:*'], env: 'staging', permissions: ['admin'] });
  });

  test('expiresIn: seconds, "30m", "1h", "7d"', async () => {
    for (const [expiresIn, secs] of [[120, 120], ['30m', 1800], ['1h', 3600], ['7d', 604800]]) {
      const b = await issueOk({ applicationId: 'default', permissions: ['client'], expiresIn });
      const { claims } = decode(b.token);
      assert.equal(claims.exp - claims.iat, secs, `expiresIn ${expiresIn}`);
      near(b.expiresAt, Date.now() + secs * 1000, `expiresAt for ${expiresIn}`);
    }
  });

  test('service caller: its own application only, never admin or service', async () => {
    const svc = await tokenFor('service');
    assert.equal(decode((await issueOk({ applicationId: 'default', permissions: ['client'] }, svc)).token).claims.aud, 'default');
    await issueOk({ applicationId: 'default', permissions: ['client', 'publish'] }, svc);
    assertError(await issue({ applicationId: 'default', permissions: ['service', 'publish'] }, svc), 403, 'ForbiddenError');
    assertError(await issue({ applicationId: other.id, permissions: ['client'] }, svc), 403, 'ForbiddenError');
    assertError(await issue({ applicationId: 'default', permissions: ['admin'] }, svc), 403, 'ForbiddenError');
  });

  test('client or subscribe/publish caller -> 403, even for subscribe', async () => {
    for (const perms of ['client', 'subscribe,publish']) {
      const t = await tokenFor(perms);
      assertError(await issue({ applicationId: 'default', permissions: ['subscribe'] }, t), 403, 'ForbiddenError');
    }
  });

  test('invalid requests -> 400 ValidationError; unknown application -> 404 NotFoundError', async () => {
    for (const body of [{ applicationId: 'default', permissions: ['superuser'] }, { permissions: ['client'] }, { applicationId: 'default' }]) {
      assertError(await issue(body), 400, 'ValidationError');
    }
    assertError(await issue({ applicationId: 'app_doesnotexist', permissions: ['client'] }), 404, 'NotFoundError');
  });

  test('/auth/verify: missing token -> 400; invalid -> 401 {error, message, valid:false}', async () => {
    assertError(await call('POST', '/auth/verify', { json: {} }), 400);
    await assertRejected('not-a-jwt');
  });

  test('NODE_ENV=production: anonymous -> 401; an admin caller still gets a token', async () => {
    const prod = await startServer({ env: { NODE_ENV: 'production' } });
    try {
      assertError(await issue({ applicationId: 'default', permissions: ['subscribe'] }, null, prod), 401, 'UnauthorizedError');
      const t = await cliToken(prod, ['--app', 'default', '--permissions', 'admin'], { NODE_ENV: 'production' });
      assertJson(await issue({ applicationId: 'default', permissions: ['subscribe'] }, t, prod), 200);
    } finally { await prod.stop(); }
  });
});

describe('rejected tokens -> 401 on /auth/verify and as Bearer', () => {
  let key;
  before(async () => { key = await createKey(); });
  const hdr = (extra) => ({ alg: 'HS256', typ: 'JWT', kid: key.keyId, ...extra });

  test('control: a hand-made HS256 admin token is accepted', async () => {
    const t = sign(hdr(), adminClaims(), key.secret);
    await assertValid(t);
    assertJson(await call('GET', '/api/admin/keys', { headers: bearer(t) }), 200);
  });

  const cases = {
    'alg none, unsigned': () => `${b64url(hdr({ alg: 'none' }))}.${b64url(adminClaims())}.`,
    'alg HS512': () => sign(hdr({ alg: 'HS512' }), adminClaims(), key.secret, 'sha512'),
    'unknown kid': () => sign(hdr({ kid: 'key_0000000000000000' }), adminClaims(), key.secret),
    'tampered payload': () => {
      const [h, , s] = sign(hdr(), adminClaims({ permissions: ['client'] }), key.secret).split('.');
      return `${h}.${b64url(adminClaims())}.${s}`;
    },
    'bad signature': () => sign(hdr(), adminClaims(), 'f'.repeat(64)),
    'two segments': () => sign(hdr(), adminClaims(), key.secret).split('.').slice(0, 2).join('.'),
    'garbage base64': () => '!!!.$$$.***',
    'expired beyond the 5 s leeway': () => sign(hdr(), adminClaims({ iat: nowSec() - 700, exp: nowSec() - 60 }), key.secret),
    'nbf in the future': () => sign(hdr(), adminClaims({ nbf: nowSec() + 600 }), key.secret),
  };
  for (const [name, make] of Object.entries(cases)) test(name, () => assertRejected(make()));

  test('a garbage Bearer token on /api/applications -> 401, never anonymous', async () => {
    assertError(await call('GET', '/api/applications', { headers: bearer('garbage') }), 401, 'UnauthorizedError');
  });
});

describe('application scoping from the token', () => {
  test('token for app X: no header -> X; non-admin token with X-Application-Id: default -> 403', async () => {
    const app = ok(await asAdmin('POST', '/api/applications', { name: 'Scoped by token' }), 201);
    const t = await tokenFor('client', app.id);
    const cur = ok(await call('GET', '/api/applications/current', { headers: bearer(t) }));
    assert.equal(cur.application?.id, app.id, JSON.stringify(cur));
    const headers = { ...bearer(t), 'x-application-id': 'default' };
    assertError(await call('GET', '/api/applications/current', { headers }), 403, 'ForbiddenError');
  });
});

describe('JWT_SECRET is the env key "default"', () => {
  const JWT_SECRET = 'e2e-env-secret-0123456789abcdef';
  let s; let t;
  before(async () => {
    s = await startServer({ env: { JWT_SECRET } });
    t = await cliToken(s, ['--app', 'default', '--permissions', 'admin'], { JWT_SECRET });
  });
  after(() => s?.stop());

  test('listed as {keyId:"default", source:"env"}; deactivate/rotate/delete it -> 400', async () => {
    const keys = async () => ok(await api(s.url, 'GET', '/api/admin/keys', { headers: bearer(t) }));
    const before = (await keys()).find((k) => k.keyId === 'default');
    assert.deepEqual(pick(before, ['source', 'algorithm', 'secret']), { source: 'env', algorithm: 'HS256', secret: undefined });
    for (const [m, p] of [['POST', 'deactivate'], ['POST', 'rotate'], ['DELETE', '']]) {
      const r = await api(s.url, m, `/api/admin/keys/default${p ? `/${p}` : ''}`, { headers: bearer(t) });
      assertError(r, 400, 'ValidationError');
    }
    assert.deepEqual((await keys()).find((k) => k.keyId === 'default'), before, 'the env key is unchanged');
  });
});

describe('two servers on one SQLite data dir', () => {
  test('a key created on A signs a token that verifies on B (within 5 s)', async () => {
    const b = await startServer({ dataDir: srv.dataDir });
    try {
      const key = await createKey();
      const { token } = await issueOk({ applicationId: 'default', permissions: ['admin'] });
      assert.equal(decode(token).header.kid, key.keyId);
      const verifyOnB = () => api(b.url, 'POST', '/auth/verify', { json: { token } });
      let r = await verifyOnB();
      for (const deadline = Date.now() + 5_000; r.status !== 200 && Date.now() < deadline;) r = await sleep(200).then(verifyOnB);
      assert.equal(ok(r).valid, true);
      assertJson(await api(b.url, 'GET', '/api/admin/keys', { headers: bearer(token) }), 200);
    } finally { await b.stop(); }
  });
});
