// Interoperability with the npm `jose` library (tests/e2e/package.json; `npm ci --prefix tests/e2e`):
// our tokens verify with jose, and jose-signed HS256 tokens with a known kid verify with us.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, decodeProtectedHeader, jwtVerify } from 'jose';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertJson } from './lib/expect.mjs';
import { assertRejected, assertValid, bearer, cliToken, pick } from './lib/jwt.mjs';

after(killAll);

const enc = (s) => new TextEncoder().encode(s);
const joseToken = (kid, secret, claims = { permissions: ['admin'] }) => new SignJWT(claims)
  .setProtectedHeader({ alg: 'HS256', kid })
  .setAudience('default')
  .setIssuedAt()
  .setExpirationTime('10m')
  .sign(enc(secret));

describe('managed signing keys', () => {
  let srv; let admin; let key;
  before(async () => {
    srv = await startServer();
    admin = await cliToken(srv, ['--app', 'default', '--permissions', 'admin']);
    // The newest active key signs: create it first, then issue.
    const r = await api(srv.url, 'POST', '/api/admin/keys', { headers: bearer(admin) });
    assertJson(r, 201);
    key = r.body;
    assert.match(key.secret, /^[0-9a-f]{64}$/, JSON.stringify(key));
  });
  after(() => srv?.stop());

  test('a token from POST /auth/token verifies with jose jwtVerify', async () => {
    const r = await api(srv.url, 'POST', '/auth/token', {
      headers: bearer(admin), json: { applicationId: 'default', permissions: ['subscribe', 'publish'], subject: 'user-42' },
    });
    assertJson(r, 200);
    const { token } = r.body;
    assert.equal(decodeProtectedHeader(token).kid, key.keyId);
    const { payload, protectedHeader } = await jwtVerify(token, enc(key.secret), {
      algorithms: ['HS256'], audience: 'default', issuer: 'realtime',
    });
    assert.deepEqual(pick(protectedHeader, ['alg', 'typ', 'kid']), { alg: 'HS256', typ: 'JWT', kid: key.keyId });
    assert.deepEqual(pick(payload, ['sub', 'aud', 'iss', 'permissions']),
      { sub: 'user-42', aud: 'default', iss: 'realtime', permissions: ['subscribe', 'publish'] });
    assert.ok(Math.abs(payload.exp * 1000 - r.body.expiresAt) < 1000, `expiresAt ${r.body.expiresAt} vs exp ${payload.exp}`);
  });

  test('a CLI token verifies with jose too (same key, same claims)', async () => {
    const t = await cliToken(srv, ['--app', 'default', '--permissions', 'client', '--sub', 'cli']);
    const { payload } = await jwtVerify(t, enc(key.secret), { algorithms: ['HS256'], audience: 'default', issuer: 'realtime' });
    assert.deepEqual(pick(payload, ['sub', 'permissions']), { sub: 'cli', permissions: ['client'] });
  });

  test('a jose-signed token (kid = the key) verifies on /auth/verify and works as Bearer', async () => {
    const t = await joseToken(key.keyId, key.secret);
    const claims = await assertValid(srv, t);
    assert.deepEqual(pick(claims, ['aud', 'permissions']), { aud: 'default', permissions: ['admin'] });
    const keys = await api(srv.url, 'GET', '/api/admin/keys', { headers: bearer(t) });
    assertJson(keys, 200);
    assert.ok(keys.body.some((k) => k.keyId === key.keyId), keys.text);
  });

  test('a jose-signed token with the right kid but another secret -> 401', async () => {
    await assertRejected(srv, await joseToken(key.keyId, 'a-different-secret-0123456789abcdef'));
  });
});

describe('JWT_SECRET (kid "default")', () => {
  const JWT_SECRET = 'jose-interop-secret-0123456789';
  let srv;
  before(async () => { srv = await startServer({ env: { JWT_SECRET } }); });
  after(() => srv?.stop());

  test('a jose token with kid "default" signed with JWT_SECRET verifies and works as Bearer', async () => {
    const t = await joseToken('default', JWT_SECRET);
    assert.deepEqual((await assertValid(srv, t)).permissions, ['admin']);
    assertJson(await api(srv.url, 'GET', '/api/admin/keys', { headers: bearer(t) }), 200);
  });

  test('kid "default" signed with another secret -> 401', async () => {
    await assertRejected(srv, await joseToken('default', `${JWT_SECRET}-wrong`));
  });
});
