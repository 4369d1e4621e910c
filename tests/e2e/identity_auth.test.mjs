// Admin identity, the session side (spec/14-api-auth-endpoints.md, spec/10, issue 15): first-time
// setup (once, also under a race), login with and without TOTP MFA (codes from oathtool, a used
// code refused, recovery codes single use), sessions as Bearer and X-Session-Token, logout and
// expiry, login throttling per account and per address, and forgot/reset password end to end
// through a local SMTP sink. Users, roles, invites and RBAC: identity_admin.test.mjs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, assertNoSecrets, assertUserShape, bearerSession, headerSession, linkIn, login, loginSession,
  setupAdmin, smtpSink, totp, totpStep, userWithRoles, waitUntil, wrongTotp,
} from './lib/identity.mjs';

const JWT_SECRET = 'identity-auth-test-secret-0123456789';
const PROD = { NODE_ENV: 'production', JWT_SECRET };
const PUBLIC_URL = 'http://localhost:5173';

const SPEC_RESOURCES = ['topics', 'schemas', 'mappings', 'webhooks', 'users', 'roles', 'invites', 'keys', 'deployments', 'debugger', 'documents', 'socket'];
const me = (srv, headers) => api(srv.url, 'GET', '/api/auth/me', { headers });

describe('first-time setup (development)', () => {
  let srv;
  let winner;  // the email of the setup that won the race
  before(async () => { srv = await startServer({ env: { NODE_ENV: 'development', JWT_SECRET } }); });
  after(() => killAll());

  test('before setup: setupRequired, and loopback management is anonymous', async () => {
    const s = await api(srv.url, 'GET', '/api/auth/setup-status');
    assertJson(s, 200);
    assert.deepEqual(s.body, { setupRequired: true });
    assertJson(await api(srv.url, 'POST', '/api/topics', { json: { name: 'before.setup', description: 'x', owner: 't' } }), 201);
  });

  test('a password under 12 characters or a bad email: 400, nothing created', async () => {
    assertError(await api(srv.url, 'POST', '/api/auth/setup', { json: { name: 'A', email: ADMIN_EMAIL, password: 'short-pw-11' } }), 400, 'ValidationError');
    assertError(await api(srv.url, 'POST', '/api/auth/setup', { json: { name: 'A', email: 'not-an-email', password: ADMIN_PASSWORD } }), 400, 'ValidationError');
    assert.deepEqual((await api(srv.url, 'GET', '/api/auth/setup-status')).body, { setupRequired: true });
  });

  test('two racing setups: exactly one 201 (a logged-in super_admin), the other 409', async () => {
    const t0 = Date.now();
    const [a, b] = await Promise.all([
      api(srv.url, 'POST', '/api/auth/setup', { json: { name: 'First', email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }),
      api(srv.url, 'POST', '/api/auth/setup', { json: { name: 'Second', email: 'second@example.com', password: ADMIN_PASSWORD } }),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [201, 409], `${a.status} ${a.text}\n${b.status} ${b.text}`);
    const [won, lost] = a.status === 201 ? [a, b] : [b, a];
    assertError(lost, 409, 'ConflictError');
    assertJson(won, 201);
    winner = won.body.user.email;
    assertNoSecrets(won, 'setup');
    assert.match(won.body.sessionToken, /^sess_[A-Za-z0-9_-]{43}$/);
    assert.ok(won.body.expiresAt > t0, won.text);
    assertUserShape(won.body.user);
    assert.deepEqual(won.body.user.roles, [{ id: 'role_super_admin', name: 'super_admin' }]);
    assert.equal(won.body.user.disabled, false);
    assert.equal(won.body.user.mfaEnabled, false);
    const who = await me(srv, bearerSession(won.body.sessionToken));
    assertJson(who, 200);
    assert.equal(who.body.id, won.body.user.id);
  });

  test('after setup: setupRequired false, another setup 409, anonymous management 401, anonymous client tokens still issued', async () => {
    assert.deepEqual((await api(srv.url, 'GET', '/api/auth/setup-status')).body, { setupRequired: false });
    assertError(await api(srv.url, 'POST', '/api/auth/setup', { json: { name: 'Late', email: 'late@example.com', password: ADMIN_PASSWORD } }), 409, 'ConflictError');
    assertError(await api(srv.url, 'POST', '/api/topics', { json: { name: 'after.setup', description: 'x', owner: 't' } }), 401, 'UnauthorizedError');
    assertError(await api(srv.url, 'GET', '/api/users'), 401, 'UnauthorizedError');
    for (const permissions of [['subscribe'], ['publish']]) {
      assertJson(await api(srv.url, 'POST', '/auth/token', { json: { applicationId: 'default', permissions } }), 200);
    }
  });

  test('development without SMTP: forgot-password answers 200 and logs the reset link', async () => {
    const r = await api(srv.url, 'POST', '/api/auth/forgot-password', { json: { email: winner } });
    assertJson(r, 200);
    assert.equal(r.body.success, true, r.text);
    await waitUntil(() => /\/reset-password\?token=reset_/.test(srv.stdout() + srv.stderr()), 5000, 'the logged reset link');
  });
});

describe('login, sessions, MFA and password reset (production, SMTP sink)', () => {
  let srv;
  let sink;
  let admin;  // setup's session
  before(async () => {
    sink = await smtpSink();
    srv = await startServer({ env: { ...PROD, SMTP_URL: sink.url, SMTP_FROM: 'realtime@example.com', REALTIME_PUBLIC_URL: PUBLIC_URL } });
    admin = await setupAdmin(srv);
  });
  after(async () => { killAll(); await sink?.stop(); });

  test('login: 200 {sessionToken, expiresAt, user}; the email is case-insensitive', async () => {
    const r = await login(srv, ADMIN_EMAIL.toUpperCase(), ADMIN_PASSWORD);
    assertJson(r, 200);
    assertNoSecrets(r, 'login');
    assert.match(r.body.sessionToken, /^sess_/);
    assert.notEqual(r.body.sessionToken, admin.token);
    assert.equal(typeof r.body.expiresAt, 'number');
    assertUserShape(r.body.user, { email: ADMIN_EMAIL, roles: ['role_super_admin'] });
    assert.equal(typeof r.body.user.lastLoginAt, 'number', r.text);
    assert.equal(r.body.mfaRequired, undefined);
  });

  test('a wrong password and an unknown email get the same 401', async () => {
    const wrong = await login(srv, ADMIN_EMAIL, 'not the password at all');
    const unknown = await login(srv, 'nobody@example.com', 'not the password at all');
    assertError(wrong, 401, 'UnauthorizedError');
    assertError(unknown, 401, 'UnauthorizedError');
    assert.deepEqual(wrong.body, unknown.body);
    const empty = await login(srv, ADMIN_EMAIL, '');
    assert.ok(empty.status === 400 || empty.status === 401, `empty password: ${empty.status} ${empty.text}`);
  });

  test('a session authenticates as Bearer and as X-Session-Token; /api/auth/me has roles and permissions', async () => {
    for (const headers of [bearerSession(admin.token), headerSession(admin.token)]) {
      const r = await me(srv, headers);
      assertJson(r, 200);
      assertNoSecrets(r, 'me');
      assertUserShape(r.body, { email: ADMIN_EMAIL, roles: ['role_super_admin'] });
      assert.ok(Array.isArray(r.body.permissions), r.text);
      for (const p of r.body.permissions) assert.deepEqual(Object.keys(p).sort(), ['action', 'resource'], r.text);
      const perms = new Set(r.body.permissions.map((p) => `${p.resource}:${p.action}`));
      for (const p of ['users:delete', 'roles:create', 'keys:create', 'topics:update', 'socket:read']) assert.ok(perms.has(p), `${p} in ${r.text}`);
      const resources = new Set(r.body.permissions.map((p) => p.resource));
      for (const res of SPEC_RESOURCES) assert.ok(resources.has(res), `${res} in ${r.text}`);
      assert.equal(perms.size, resources.size * 4, 'super_admin holds every action on every resource');
      assertJson(await api(srv.url, 'GET', '/api/users', { headers }), 200);
    }
  });

  test('no, malformed, unknown or a JWT-shaped session: 401', async () => {
    assertError(await me(srv, {}), 401, 'UnauthorizedError');
    for (const t of ['sess_nope', `sess_${'A'.repeat(43)}`, `mfa_${'A'.repeat(43)}`, admin.token.slice(0, -1)]) {
      assertError(await me(srv, bearerSession(t)), 401, 'UnauthorizedError');
      assertError(await me(srv, headerSession(t)), 401, 'UnauthorizedError');
    }
  });

  test('logout: 204, then the token is refused everywhere; other sessions live on', async () => {
    const other = await loginSession(srv, ADMIN_EMAIL, ADMIN_PASSWORD);
    const token = other.authorization.slice('Bearer '.length);
    assertJson(await me(srv, other), 200);
    const out = await api(srv.url, 'POST', '/api/auth/logout', { headers: headerSession(token) });
    assert.equal(out.status, 204, out.text);
    assertError(await me(srv, other), 401, 'UnauthorizedError');
    assertError(await me(srv, headerSession(token)), 401, 'UnauthorizedError');
    assertError(await api(srv.url, 'GET', '/api/users', { headers: other }), 401, 'UnauthorizedError');
    assertError(await api(srv.url, 'GET', '/api/topics', { headers: other }), 401, 'UnauthorizedError');
    assertJson(await me(srv, admin.headers), 200);
  });

  test('TOTP MFA: setup, confirm, login with a code, a used code refused, recovery codes once, self-disable', async () => {
    const u = await userWithRoles(srv, admin.headers, { email: 'mfa@example.com', roleIds: ['role_viewer'] });
    const id = u.user.id;

    const setup = await api(srv.url, 'POST', `/api/users/${id}/mfa/setup`, { headers: u.headers });
    assertJson(setup, 200);
    const { secret, otpauthUrl, qrCode } = setup.body;
    assert.match(secret, /^[A-Z2-7]{16,}=*$/, setup.text);
    assert.match(otpauthUrl, /^otpauth:\/\/totp\//);
    const uri = new URL(otpauthUrl);
    assert.equal(uri.searchParams.get('secret'), secret.replace(/=+$/, ''));
    assert.match(decodeURIComponent(uri.pathname), /mfa@example\.com/);
    assert.match(qrCode, /^data:image\/svg\+xml;base64,/);
    assert.match(Buffer.from(qrCode.split(',')[1], 'base64').toString('utf8'), /<svg/);
    assert.equal((await api(srv.url, 'GET', `/api/users/${id}`, { headers: admin.headers })).body.mfaEnabled, false, 'not before confirm');

    assertError(await api(srv.url, 'POST', `/api/users/${id}/mfa/confirm`, { headers: u.headers, json: { code: wrongTotp(secret) } }), 400);
    const confirmStep = totpStep();
    const confirmed = await api(srv.url, 'POST', `/api/users/${id}/mfa/confirm`, { headers: u.headers, json: { code: totp(secret, confirmStep) } });
    assertJson(confirmed, 200);
    assert.equal(confirmed.body.enabled, true);
    const recovery = confirmed.body.recoveryCodes;
    assert.ok(Array.isArray(recovery) && recovery.length === 10 && new Set(recovery).size === 10, confirmed.text);
    for (const c of recovery) assert.ok(typeof c === 'string' && c.length >= 8, confirmed.text);
    const shown = await api(srv.url, 'GET', `/api/users/${id}`, { headers: admin.headers });
    assert.equal(shown.body.mfaEnabled, true);
    assert.ok(!shown.text.includes(secret) && !shown.text.includes(recovery[0]), shown.text);
    assertError(await api(srv.url, 'POST', `/api/users/${id}/mfa/setup`, { headers: u.headers }), 409, 'ConflictError');

    // The password alone gives an mfa token, not a session.
    const first = await login(srv, 'mfa@example.com', u.password);
    assertJson(first, 200);
    assert.equal(first.body.mfaRequired, true, first.text);
    assert.match(first.body.mfaToken, /^mfa_/);
    assert.equal(first.body.sessionToken, undefined, first.text);
    assertError(await me(srv, bearerSession(first.body.mfaToken)), 401, 'UnauthorizedError');
    assertError(await api(srv.url, 'POST', '/api/auth/mfa/verify', { json: { mfaToken: first.body.mfaToken, code: wrongTotp(secret) } }), 401, 'UnauthorizedError');
    // The confirming code's step is used: the next step's code is within the +-1 window.
    const code = totp(secret, confirmStep + 1);
    const ok = await api(srv.url, 'POST', '/api/auth/mfa/verify', { json: { mfaToken: first.body.mfaToken, code } });
    assertJson(ok, 200);
    assertNoSecrets(ok, 'mfa verify');
    assert.match(ok.body.sessionToken, /^sess_/);
    assertUserShape(ok.body.user, { email: 'mfa@example.com' });
    assertJson(await me(srv, bearerSession(ok.body.sessionToken)), 200);
    assertError(await api(srv.url, 'POST', '/api/auth/mfa/verify', { json: { mfaToken: first.body.mfaToken, code } }), 401, 'UnauthorizedError');

    // Replaying the used code with a fresh mfa token: refused.
    const second = await login(srv, 'mfa@example.com', u.password);
    assert.equal(second.body.mfaRequired, true, second.text);
    assertError(await api(srv.url, 'POST', '/api/auth/mfa/verify', { json: { mfaToken: second.body.mfaToken, code } }), 401, 'UnauthorizedError');
    // A recovery code works once.
    const rec = await api(srv.url, 'POST', '/api/auth/mfa/verify', { json: { mfaToken: second.body.mfaToken, code: recovery[0] } });
    assertJson(rec, 200);
    assert.match(rec.body.sessionToken, /^sess_/);
    const third = await login(srv, 'mfa@example.com', u.password);
    assertError(await api(srv.url, 'POST', '/api/auth/mfa/verify', { json: { mfaToken: third.body.mfaToken, code: recovery[0] } }), 401, 'UnauthorizedError');
    assertError(await api(srv.url, 'POST', '/api/auth/mfa/verify', { json: { mfaToken: `mfa_${'B'.repeat(43)}`, code: recovery[1] } }), 401, 'UnauthorizedError');
    assertJson(await api(srv.url, 'POST', '/api/auth/mfa/verify', { json: { mfaToken: third.body.mfaToken, code: recovery[1] } }), 200);

    // The user turns MFA off with a (recovery) code; a wrong code does not.
    const session = bearerSession(rec.body.sessionToken);
    assert.ok((await api(srv.url, 'POST', `/api/users/${id}/mfa/disable`, { headers: session, json: { code: wrongTotp(secret) } })).status >= 400);
    const off = await api(srv.url, 'POST', `/api/users/${id}/mfa/disable`, { headers: session, json: { code: recovery[2] } });
    assert.ok(off.status === 200 || off.status === 204, `mfa/disable: ${off.status} ${off.text}`);
    const plain = await login(srv, 'mfa@example.com', u.password);
    assertJson(plain, 200);
    assert.match(plain.body.sessionToken ?? '', /^sess_/, plain.text);
  });

  test('forgot/reset password through SMTP: same answer for unknown emails, single-use link, all sessions end', async () => {
    const u = await userWithRoles(srv, admin.headers, { email: 'reset@example.com', roleIds: ['role_viewer'], name: 'Reset Me' });
    const unknown = await api(srv.url, 'POST', '/api/auth/forgot-password', { json: { email: 'ghost@example.com' } });
    const known = await api(srv.url, 'POST', '/api/auth/forgot-password', { json: { email: 'RESET@example.com' } });
    assertJson(unknown, 200);
    assertJson(known, 200);
    assert.equal(unknown.body.success, true, unknown.text);
    assert.deepEqual(known.body, unknown.body);

    const mail = await sink.waitFor((m) => /reset@example\.com/i.test(m.to ?? ''), 10_000, 'the reset mail');
    assert.match(mail.from ?? '', /realtime@example\.com/, mail.raw);
    const { url, token } = linkIn(mail.text, `${PUBLIC_URL}/reset-password?token=`);
    assert.match(token, /^reset_[A-Za-z0-9_-]{43}$/, url);
    assert.equal(sink.messages().filter((m) => /ghost@example\.com/i.test(m.to ?? '')).length, 0, 'no mail for an unknown email');

    assertJson(await me(srv, u.headers), 200);
    assertError(await api(srv.url, 'POST', '/api/auth/reset-password', { json: { token, password: 'too-short' } }), 400, 'ValidationError');
    assertError(await api(srv.url, 'POST', '/api/auth/reset-password', { json: { token: `reset_${'C'.repeat(43)}`, password: 'a brand new password 7' } }), 400);
    const done = await api(srv.url, 'POST', '/api/auth/reset-password', { json: { token, password: 'a brand new password 7' } });
    assertJson(done, 200);
    assert.deepEqual(done.body, { success: true });
    assertError(await me(srv, u.headers), 401, 'UnauthorizedError');
    assertError(await api(srv.url, 'POST', '/api/auth/reset-password', { json: { token, password: 'another new password 8' } }), 400);
    assertError(await login(srv, 'reset@example.com', u.password), 401, 'UnauthorizedError');
    await loginSession(srv, 'reset@example.com', 'a brand new password 7');
  });
});

describe('session expiry (REALTIME_SESSION_TTL=2)', () => {
  after(() => killAll());

  test('a session that worked is refused once its TTL has passed', async () => {
    const srv = await startServer({ env: { ...PROD, REALTIME_SESSION_TTL: '2' } });
    const t0 = Date.now();
    const admin = await setupAdmin(srv);
    assert.ok(admin.res.body.expiresAt <= Date.now() + 2500 && admin.res.body.expiresAt >= t0 + 1500, admin.res.text);
    const fresh = await loginSession(srv, ADMIN_EMAIL, ADMIN_PASSWORD);
    assertJson(await me(srv, fresh), 200);  // it worked
    await new Promise((r) => setTimeout(r, 3000));
    assertError(await me(srv, fresh), 401, 'UnauthorizedError');
    assertError(await me(srv, admin.headers), 401, 'UnauthorizedError');
    assertError(await api(srv.url, 'GET', '/api/users', { headers: fresh }), 401, 'UnauthorizedError');
  });
});

describe('invite expiry (REALTIME_INVITE_TTL=1)', () => {
  after(() => killAll());

  test('an invite that was pending shows expired once its TTL has passed, and cannot be used', async () => {
    const srv = await startServer({ env: { ...PROD, REALTIME_INVITE_TTL: '1' } });
    const admin = await setupAdmin(srv);
    const created = await api(srv.url, 'POST', '/api/invites', { headers: admin.headers, json: { email: 'late@example.com', roleId: 'role_viewer' } });
    assertJson(created, 201);
    const statusOf = async () => (await api(srv.url, 'GET', '/api/invites', { headers: admin.headers })).body.find((i) => i.id === created.body.id)?.status;
    const first = await statusOf();
    if (first === 'pending') {  // (on a slow machine it may already be past its one second)
      assertJson(await api(srv.url, 'GET', `/api/invites/by-token/${created.body.token}`), 200);
    }
    await waitUntil(async () => (await statusOf()) === 'expired', 5000, 'the invite listed as expired');
    assertError(await api(srv.url, 'GET', `/api/invites/by-token/${created.body.token}`), 404, 'NotFoundError');
    const accept = await api(srv.url, 'POST', '/api/invites/accept', { json: { token: created.body.token, name: 'Late', password: 'a long enough password 42' } });
    assert.ok(accept.status >= 400 && accept.status < 500, accept.text);
    assertError(await login(srv, 'late@example.com', 'a long enough password 42'), 401, 'UnauthorizedError');
  });
});

describe('login throttling and production without SMTP', () => {
  let srv;
  before(async () => {
    srv = await startServer({ env: PROD });
    await setupAdmin(srv);
  });
  after(() => killAll());

  test('production without SMTP_URL: forgot-password is 503 for every email', async () => {
    assertError(await api(srv.url, 'POST', '/api/auth/forgot-password', { json: { email: ADMIN_EMAIL } }), 503, 'ServiceUnavailableError');
    assertError(await api(srv.url, 'POST', '/api/auth/forgot-password', { json: { email: 'ghost@example.com' } }), 503, 'ServiceUnavailableError');
  });

  /** 5 wrong passwords answer 401; the 6th attempt is already 429 with Retry-After (not evaluated). */
  async function lockOut(email) {
    for (let i = 1; i <= 5; i++) assertError(await login(srv, email, `wrong password number ${i}`), 401, 'UnauthorizedError');
    const r = await login(srv, email, 'wrong password number 6');
    assertError(r, 429, 'TooManyRequestsError');
    const retry = r.headers.get('retry-after');
    assert.match(retry ?? '', /^[1-9][0-9]*$/, `Retry-After: ${retry}`);
    return r;
  }

  test('after 5 failures an account is locked: 429 with Retry-After, even for the right password; then it opens again', async () => {
    await lockOut(ADMIN_EMAIL);
    const right = await login(srv, ADMIN_EMAIL, ADMIN_PASSWORD);
    assertError(right, 429, 'TooManyRequestsError');
    assert.match(right.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/);
    const t0 = Date.now();
    const ok = await waitUntil(async () => {
      const r = await login(srv, ADMIN_EMAIL, ADMIN_PASSWORD);
      if (r.status !== 200) assertError(r, 429, 'TooManyRequestsError');
      return r.status === 200 && r;
    }, 20_000, 'the lock to end');
    assert.match(ok.body.sessionToken, /^sess_/);
  });

  test('an unknown email is throttled the same way (no enumeration)', async () => {
    await lockOut('ghost@example.com');
  });

  test('per address: many accounts guessed from one address lock that address', async () => {
    let locked;
    for (let i = 0; i < 30 && !locked; i++) {
      const r = await login(srv, `guess${i}@example.com`, 'some wrong password');
      if (r.status === 429) locked = r;
      else assertError(r, 401, 'UnauthorizedError');
    }
    assert.ok(locked, 'no 429 after 30 failed logins for different accounts from one address');
    assertError(locked, 429, 'TooManyRequestsError');
    assertError(await login(srv, 'fresh@example.com', 'some wrong password'), 429, 'TooManyRequestsError');
  });
});
