// Admin identity, the management side (spec/13-api-admin.md users/roles/invites, spec/10 RBAC,
// spec/09, issue 15): users CRUD, passwords, role assignment, admin-disabled MFA, roles (built-ins
// immutable), invites end to end through a local SMTP sink, the audit log, the RBAC walk over the
// route table of docs/security.md with a viewer, an editor and a custom role, no secret in any
// answer, production attackers (no token, another application's JWT) and `realtime user create`.
// Setup, login, MFA login, sessions, throttling, reset: identity_auth.test.mjs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { api, BIN, killAll, REPO_ROOT, startServer, tempDir } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { bearer, nowSec, sign } from './lib/jwt.mjs';
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, assertUserShape, bearerSession, linkIn, login, loginSession, recorder, smtpSink, totp,
  totpStep, waitUntil,
} from './lib/identity.mjs';

const JWT_SECRET = 'identity-admin-test-secret-0123456789';
const PROD = { NODE_ENV: 'production', JWT_SECRET };
const PUBLIC_URL = 'http://localhost:5173';
const PW = 'a long enough password 42';
const RESOURCES = ['topics', 'schemas', 'mappings', 'webhooks', 'users', 'roles', 'invites', 'keys', 'deployments', 'debugger', 'documents', 'socket'];
const WEBHOOK_PERMS = ['read', 'create', 'update', 'delete'].map((action) => ({ resource: 'webhooks', action }));
const jwt = (claims) => sign({ alg: 'HS256', typ: 'JWT', kid: 'default' }, { iss: 'realtime', iat: nowSec(), exp: nowSec() + 600, sub: 'tester', ...claims }, JWT_SECRET);
const permSet = (perms) => new Set(perms.map((p) => `${p.resource}:${p.action}`));

describe('users, roles, invites, audit and the RBAC walk (production, SMTP sink)', () => {
  let srv; let sink; let rec; let call; let admin; let adminId;
  const S = {};  // sessions and ids shared between the tests, in order
  before(async () => {
    sink = await smtpSink();
    srv = await startServer({ env: { ...PROD, SMTP_URL: sink.url, SMTP_FROM: 'realtime@example.com', REALTIME_PUBLIC_URL: PUBLIC_URL } });
    rec = recorder(srv.url);
    call = rec.call;
    [ADMIN_PASSWORD, PW, 'jane new password 1234', 'jane admin-set password 99', 'invited user password 1'].forEach((p) => rec.secret(p));
    const r = await call('POST', '/api/auth/setup', { json: { name: 'Admin', email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, handover: true });
    assertJson(r, 201);
    admin = bearerSession(rec.secret(r.body.sessionToken));
    adminId = r.body.user.id;
  });
  after(async () => { killAll(); await sink?.stop(); });

  const session = async (email, password) => {
    const r = await call('POST', '/api/auth/login', { json: { email, password }, handover: true });
    assertJson(r, 200);
    return bearerSession(rec.secret(r.body.sessionToken));
  };
  const newUser = async (email, roleIds, name = 'User') => {
    const r = await call('POST', '/api/users', { headers: admin, json: { name, email, password: PW, roleIds } });
    assertJson(r, 201);
    assertUserShape(r.body, { email, roles: roleIds });
    return { id: r.body.id, headers: await session(email, PW) };
  };

  test('users: create, conflicts, policy, list, get, update, disable', async () => {
    const jane = await newUser('jane@example.com', ['role_editor'], 'Jane');
    S.jane = jane;
    assertError(await call('POST', '/api/users', { headers: admin, json: { name: 'J2', email: 'JANE@example.com', password: PW } }), 409, 'ConflictError');
    assertError(await call('POST', '/api/users', { headers: admin, json: { name: 'J3', email: 'j3@example.com', password: 'short-pw-11' } }), 400, 'ValidationError');
    assertError(await call('POST', '/api/users', { headers: admin, json: { name: 'J4', email: 'nope', password: PW } }), 400, 'ValidationError');
    const list = await call('GET', '/api/users', { headers: admin });
    assertJson(list, 200);
    assert.ok(Array.isArray(list.body), list.text);
    list.body.forEach((u) => assertUserShape(u));
    assert.deepEqual(list.body.map((u) => u.email).sort(), [ADMIN_EMAIL, 'jane@example.com']);
    const one = await call('GET', `/api/users/${jane.id}`, { headers: admin });
    assertJson(one, 200);
    assert.equal(one.body.name, 'Jane');
    assertError(await call('GET', '/api/users/usr_doesnotexist', { headers: admin }), 404, 'NotFoundError');

    const renamed = await call('PATCH', `/api/users/${jane.id}`, { headers: admin, json: { name: 'Jane Doe' } });
    assertJson(renamed, 200);
    assert.equal(renamed.body.name, 'Jane Doe');
    const off = await call('PATCH', `/api/users/${jane.id}`, { headers: admin, json: { disabled: true } });
    assertJson(off, 200);
    assert.equal(off.body.disabled, true);
    assertError(await call('GET', '/api/auth/me', { headers: jane.headers }), 401, 'UnauthorizedError');
    const refused = await login(srv, 'jane@example.com', PW);
    assertError(refused, 401, 'UnauthorizedError');
    assert.deepEqual(refused.body, (await login(srv, 'nobody@example.com', PW)).body, 'a disabled account answers like a wrong password');
    assertJson(await call('PATCH', `/api/users/${jane.id}`, { headers: admin, json: { disabled: false } }), 200);
    jane.headers = await session('jane@example.com', PW);
  });

  test('the last super_admin cannot be disabled, deleted or lose the role', async () => {
    assertError(await call('PATCH', `/api/users/${adminId}`, { headers: admin, json: { disabled: true } }), 409, 'ConflictError');
    assertError(await call('DELETE', `/api/users/${adminId}`, { headers: admin }), 409, 'ConflictError');
    assertError(await call('DELETE', `/api/users/${adminId}/roles/role_super_admin`, { headers: admin }), 409, 'ConflictError');
    assertJson(await call('GET', '/api/auth/me', { headers: admin }), 200);
  });

  test('roles of a user: assign and remove', async () => {
    const { id } = S.jane;
    const added = await call('POST', `/api/users/${id}/roles`, { headers: admin, json: { roleId: 'role_viewer' } });
    assertJson(added, 200);
    assert.deepEqual(added.body.roles.map((r) => r.id).sort(), ['role_editor', 'role_viewer']);
    const removed = await call('DELETE', `/api/users/${id}/roles/role_editor`, { headers: admin });
    assertJson(removed, 200);
    assert.deepEqual(removed.body.roles, [{ id: 'role_viewer', name: 'viewer' }]);
    const bad = await call('POST', `/api/users/${id}/roles`, { headers: admin, json: { roleId: 'role_nope' } });
    assert.ok(bad.status === 400 || bad.status === 404, `unknown role: ${bad.status} ${bad.text}`);
    const perms = permSet((await call('GET', '/api/auth/me', { headers: S.jane.headers })).body.permissions);
    assert.ok(perms.has('topics:read') && !perms.has('topics:create'), [...perms].join(' '));
  });

  test('passwords: own change needs the current one, an admin sets anyone\'s', async () => {
    const { id, headers } = S.jane;  // a viewer now: changing one's own password is self-service
    const missing = await call('POST', `/api/users/${id}/change-password`, { headers, json: { newPassword: 'jane new password 1234' } });
    assert.ok(missing.status === 400 || missing.status === 401, `no currentPassword: ${missing.status} ${missing.text}`);
    const wrong = await call('POST', `/api/users/${id}/change-password`, { headers, json: { currentPassword: 'not it at all 123', newPassword: 'jane new password 1234' } });
    assert.ok(wrong.status === 400 || wrong.status === 401, `wrong currentPassword: ${wrong.status} ${wrong.text}`);
    const ok = await call('POST', `/api/users/${id}/change-password`, { headers, json: { currentPassword: PW, newPassword: 'jane new password 1234' } });
    assertJson(ok, 200);
    assert.deepEqual(ok.body, { success: true });
    assertJson(await call('GET', '/api/auth/me', { headers }), 200);  // the acting session stays
    assertError(await login(srv, 'jane@example.com', PW), 401, 'UnauthorizedError');
    await loginSession(srv, 'jane@example.com', 'jane new password 1234');
    assertError(await call('POST', `/api/users/${adminId}/change-password`, { headers, json: { currentPassword: ADMIN_PASSWORD, newPassword: 'hijacked password 123' } }), 403, 'ForbiddenError');
    assertJson(await call('POST', `/api/users/${id}/change-password`, { headers: admin, json: { newPassword: 'jane admin-set password 99' } }), 200);
    S.jane.headers = await session('jane@example.com', 'jane admin-set password 99');
  });

  test('MFA: an admin disables it for another user without a code', async () => {
    const { id, headers } = S.jane;
    const setup = await call('POST', `/api/users/${id}/mfa/setup`, { headers, handover: true });
    assertJson(setup, 200);
    rec.secret(setup.body.secret);
    const confirmed = await call('POST', `/api/users/${id}/mfa/confirm`, { headers, json: { code: totp(setup.body.secret, totpStep()) }, handover: true });
    assertJson(confirmed, 200);
    confirmed.body.recoveryCodes.forEach((c) => rec.secret(c));
    assert.equal((await login(srv, 'jane@example.com', 'jane admin-set password 99')).body.mfaRequired, true);
    const off = await call('POST', `/api/users/${id}/mfa/disable`, { headers: admin, json: {} });
    assert.ok(off.status === 200 || off.status === 204, `${off.status} ${off.text}`);
    assert.equal((await call('GET', `/api/users/${id}`, { headers: admin })).body.mfaEnabled, false);
    assert.match((await login(srv, 'jane@example.com', 'jane admin-set password 99')).body.sessionToken ?? '', /^sess_/);
  });

  test('roles: built-ins with the matrix of spec/10, custom CRUD, built-ins immutable', async () => {
    const list = await call('GET', '/api/roles', { headers: admin });
    assertJson(list, 200);
    const byId = Object.fromEntries(list.body.map((r) => [r.id, r]));
    for (const id of ['role_super_admin', 'role_admin', 'role_editor', 'role_viewer']) {
      assert.equal(byId[id]?.builtIn, true, `${id}: ${list.text.slice(0, 500)}`);
      assert.ok(Array.isArray(byId[id].permissions));
    }
    const p = Object.fromEntries(Object.entries(byId).map(([id, r]) => [id, permSet(r.permissions)]));
    const resources = new Set(byId.role_super_admin.permissions.map((x) => x.resource));
    RESOURCES.forEach((res) => assert.ok(resources.has(res), `super_admin lacks resource ${res}`));
    assert.equal(p.role_super_admin.size, resources.size * 4);
    const has = (role, ...perms) => perms.forEach((x) => assert.ok(p[role].has(x), `${role} lacks ${x}`));
    const lacks = (role, ...perms) => perms.forEach((x) => assert.ok(!p[role].has(x), `${role} has ${x}`));
    has('role_admin', 'users:create', 'users:delete', 'topics:delete', 'webhooks:update', 'keys:read');
    lacks('role_admin', 'keys:create', 'keys:delete');
    has('role_editor', 'topics:create', 'schemas:update', 'mappings:delete', 'webhooks:create', 'users:read');
    lacks('role_editor', 'users:create', 'users:delete', 'keys:read');
    has('role_viewer', 'topics:read', 'schemas:read', 'mappings:read', 'webhooks:read');
    lacks('role_viewer', 'topics:create', 'users:read', 'keys:read');

    const created = await call('POST', '/api/roles', { headers: admin, json: { name: 'webhook_manager', description: 'Can manage webhook endpoints', permissions: WEBHOOK_PERMS } });
    assertJson(created, 201);
    assert.match(created.body.id, /^role_/);
    assert.equal(created.body.builtIn, false);
    assert.deepEqual([...permSet(created.body.permissions)].sort(), ['webhooks:create', 'webhooks:delete', 'webhooks:read', 'webhooks:update']);
    S.customRole = created.body.id;
    assertError(await call('POST', '/api/roles', { headers: admin, json: { name: 'bad_perm', permissions: [{ resource: 'nope', action: 'read' }] } }), 400, 'ValidationError');
    const dup = await call('POST', '/api/roles', { headers: admin, json: { name: 'webhook_manager', permissions: WEBHOOK_PERMS } });
    assert.ok(dup.status === 409 || dup.status === 400, `duplicate name: ${dup.status} ${dup.text}`);
    const patched = await call('PATCH', `/api/roles/${created.body.id}`, { headers: admin, json: { description: 'Webhooks only' } });
    assertJson(patched, 200);
    assert.equal(patched.body.description, 'Webhooks only');
    assertError(await call('PATCH', '/api/roles/role_admin', { headers: admin, json: { description: 'mine now' } }), 403, 'ForbiddenError');
    assertError(await call('PATCH', '/api/roles/role_viewer', { headers: admin, json: { permissions: [{ resource: 'users', action: 'read' }] } }), 403, 'ForbiddenError');
    assertError(await call('DELETE', '/api/roles/role_viewer', { headers: admin }), 403, 'ForbiddenError');
    const temp = await call('POST', '/api/roles', { headers: admin, json: { name: 'temp_role', description: '', permissions: [] } });
    assertJson(temp, 201);
    const del = await call('DELETE', `/api/roles/${temp.body.id}`, { headers: admin });
    assert.equal(del.status, 204, del.text);
    assert.ok(!(await call('GET', '/api/roles', { headers: admin })).body.some((r) => r.id === temp.body.id));
  });

  test('invites: create (mailed), list, by-token, accept once, revoke, delete', async () => {
    const t0 = Date.now();
    const inv = await call('POST', '/api/invites', { headers: admin, json: { email: 'new@example.com', roleId: 'role_editor' }, handover: true });
    assertJson(inv, 201);
    const { id, token } = inv.body;
    rec.secret(token);
    assert.match(id, /^inv_/);
    assert.match(token, /^invite_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual([inv.body.email, inv.body.roleId, inv.body.status], ['new@example.com', 'role_editor', 'pending']);
    assert.equal(inv.body.inviteUrl, `${PUBLIC_URL}/invite/accept?token=${token}`);
    const week = 7 * 24 * 3600 * 1000;
    assert.ok(Math.abs(inv.body.expiresAt - (t0 + week)) < 60_000, `expiresAt ${inv.body.expiresAt}`);
    const mail = await sink.waitFor((m) => /new@example\.com/.test(m.to ?? ''), 10_000, 'the invite mail');
    assert.equal(linkIn(mail.text, `${PUBLIC_URL}/invite/accept?token=`).token, token);

    const listed = await call('GET', '/api/invites', { headers: admin });
    assertJson(listed, 200);
    const row = listed.body.find((i) => i.id === id);
    assert.equal(row?.status, 'pending', listed.text);
    assert.equal(row.token, undefined);
    const info = await call('GET', `/api/invites/by-token/${token}`);  // public
    assertJson(info, 200);
    assert.deepEqual(info.body, { email: 'new@example.com', roleId: 'role_editor', roleName: 'editor' });
    assertError(await call('GET', `/api/invites/by-token/invite_${'D'.repeat(43)}`), 404, 'NotFoundError');
    assertError(await call('POST', '/api/invites', { headers: admin, json: { email: 'jane@example.com', roleId: 'role_viewer' } }), 409, 'ConflictError');

    assertError(await call('POST', '/api/invites/accept', { json: { token, name: 'New', password: 'short' } }), 400, 'ValidationError');
    const acc = await call('POST', '/api/invites/accept', { json: { token, name: 'New User', password: 'invited user password 1' }, handover: true });
    assertJson(acc, 201);
    assert.match(acc.body.sessionToken, /^sess_/);
    rec.secret(acc.body.sessionToken);
    assertUserShape(acc.body.user, { email: 'new@example.com', roles: ['role_editor'] });
    const who = await call('GET', '/api/auth/me', { headers: bearerSession(acc.body.sessionToken) });
    assert.deepEqual(who.body.roles, [{ id: 'role_editor', name: 'editor' }]);
    const again = await call('POST', '/api/invites/accept', { json: { token, name: 'Twice', password: 'invited user password 2' } });
    assert.ok(again.status >= 400 && again.status < 500, `second accept: ${again.status} ${again.text}`);
    assertError(await call('GET', `/api/invites/by-token/${token}`), 404, 'NotFoundError');
    assert.equal((await call('GET', '/api/invites', { headers: admin })).body.find((i) => i.id === id)?.status, 'accepted');

    const second = await call('POST', '/api/invites', { headers: admin, json: { email: 'late@example.com', roleId: 'role_viewer' }, handover: true });
    assertJson(second, 201);
    rec.secret(second.body.token);
    assertJson(await call('POST', `/api/invites/${second.body.id}/revoke`, { headers: admin }), 200);
    assert.equal((await call('GET', '/api/invites', { headers: admin })).body.find((i) => i.id === second.body.id)?.status, 'revoked');
    assertError(await call('GET', `/api/invites/by-token/${second.body.token}`), 404, 'NotFoundError');
    const late = await call('POST', '/api/invites/accept', { json: { token: second.body.token, name: 'Late', password: 'invited user password 3' } });
    assert.ok(late.status === 400 || late.status === 404, `accepting a revoked invite: ${late.status} ${late.text}`);
    assertError(await login(srv, 'late@example.com', 'invited user password 3'), 401, 'UnauthorizedError');
    const del = await call('DELETE', `/api/invites/${second.body.id}`, { headers: admin });
    assert.equal(del.status, 204, del.text);
    assert.ok(!(await call('GET', '/api/invites', { headers: admin })).body.some((i) => i.id === second.body.id));
    assertError(await call('DELETE', `/api/invites/${second.body.id}`, { headers: admin }), 404, 'NotFoundError');
  });

  test('RBAC: viewer, editor and a custom webhooks role on the routes of the contract', async () => {
    S.viewer = await newUser('viewer@example.com', ['role_viewer']);
    S.editor = await newUser('editor@example.com', ['role_editor']);
    S.custom = await newUser('hooks@example.com', [S.customRole]);
    const topic = { name: 'e2e.topic', description: 'x', owner: 't' };
    assertJson(await call('GET', '/api/topics', { headers: S.viewer.headers }), 200);
    assertError(await call('POST', '/api/topics', { headers: S.viewer.headers, json: topic }), 403, 'ForbiddenError');
    assertError(await call('GET', '/api/users', { headers: S.viewer.headers }), 403, 'ForbiddenError');
    assertJson(await call('POST', '/api/topics', { headers: S.editor.headers, json: topic }), 201);
    assertJson(await call('GET', '/api/users', { headers: S.editor.headers }), 200);
    assertError(await call('POST', '/api/users', { headers: S.editor.headers, json: { name: 'X', email: 'x@example.com', password: PW } }), 403, 'ForbiddenError');
    assertError(await call('DELETE', `/api/users/${S.jane.id}`, { headers: S.editor.headers }), 403, 'ForbiddenError');
    assertError(await call('POST', '/api/roles', { headers: S.editor.headers, json: { name: 'mine', permissions: [] } }), 403, 'ForbiddenError');
    assertError(await call('POST', '/api/invites', { headers: S.editor.headers, json: { email: 'y@example.com', roleId: 'role_super_admin' } }), 403, 'ForbiddenError');
    assertJson(await call('GET', '/api/webhooks', { headers: S.custom.headers }), 200);
    assertError(await call('GET', '/api/topics', { headers: S.custom.headers }), 403, 'ForbiddenError');
    assertError(await call('GET', '/api/users', { headers: S.custom.headers }), 403, 'ForbiddenError');
  });

  // Path parameters: another existing user (rows "self, or users, update" then need the pair),
  // a built-in role, and otherwise an id that does not exist (an allowed call answers 400/404).
  // A well-formed body where the check is the service's (self or users:update), {} elsewhere.
  const walkBody = ({ method, path: p }) => (method === 'GET' || method === 'DELETE' ? undefined
    : /change-password$/.test(p) ? { currentPassword: 'walk password 123456', newPassword: 'walk password 654321' }
      : /\/mfa\/(confirm|disable)$/.test(p) ? { code: '123456' } : {});
  const fill = (p) => p.replace('/api/users/:id', `/api/users/${S.jane.id}`).replace(':roleId', 'role_viewer').replace(/:[a-zA-Z]+/g, 'walk-none');
  test('RBAC walk: every route of docs/security.md with an RBAC pair, for the three roles', async () => {
    const roles = (await call('GET', '/api/roles', { headers: admin })).body;
    const allResources = new Set(roles.find((r) => r.id === 'role_super_admin').permissions.map((p) => p.resource));
    const text = fs.readFileSync(path.join(REPO_ROOT, 'docs/security.md'), 'utf8');
    const rows = [...text.matchAll(/^\| `([A-Z]+)` \| `([^`]+)` \| [^|]+ \| (?:yes|no) \| (?:self[^|,]*, or )?([a-z]+), (read|create|update|delete) \|$/gm)]
      .map((m) => ({ method: m[1], path: fill(m[2]), resource: m[3], action: m[4] }))
      .filter((r) => allResources.has(r.resource));
    for (const r of ['users', 'roles', 'invites']) assert.ok(rows.some((x) => x.resource === r), `docs/security.md has no ${r} rows with an RBAC pair`);
    const permsOf = (id) => permSet(roles.find((r) => r.id === id).permissions);
    const who = [['viewer', S.viewer.headers, permsOf('role_viewer')], ['editor', S.editor.headers, permsOf('role_editor')], ['custom', S.custom.headers, permsOf(S.customRole)]];
    const wrong = [];
    for (const row of rows) {
      for (const [name, headers, perms] of who) {
        const r = await call(row.method, row.path, { headers, json: walkBody(row) });
        const allowed = perms.has(`${row.resource}:${row.action}`);
        const denied = r.status === 401 || r.status === 403;
        if (allowed === denied || (!allowed && (r.status !== 403 || r.body?.error !== 'ForbiddenError'))) {
          wrong.push(`${name} ${row.method} ${row.path} (docs: ${row.resource}:${row.action}, ${allowed ? 'allowed' : '403'}) -> ${r.status} ${r.text.slice(0, 160)}`);
        }
      }
    }
    assert.deepEqual(wrong, [], `${wrong.length} of ${rows.length * who.length} calls answered against the route table:\n${wrong.join('\n')}`);
  });

  test('audit: management writes with who, what and where, filtered by resource and actor', async () => {
    const q = `/api/audit?resource=users&actor=${adminId}`;
    const entries = await waitUntil(async () => {
      const r = await call('GET', q, { headers: admin });
      assertJson(r, 200);
      return r.body.some((e) => e.action === 'create' && e.resourceId === S.jane.id) && r.body;
    }, 5000, 'the audit entry of creating jane');
    for (const e of entries) {
      assert.deepEqual(['action', 'actor', 'actorKind', 'at', 'detail', 'id', 'ip', 'resource', 'resourceId'].filter((k) => !(k in e)), [], JSON.stringify(e));
      assert.equal(e.resource, 'users');
      assert.equal(e.actor, adminId);
    }
    const e = entries.find((x) => x.action === 'create' && x.resourceId === S.jane.id);
    assert.equal(e.actorKind, 'user');
    assert.match(e.ip, /127\.0\.0\.1|::1/);
    assert.ok(Math.abs(e.at - Date.now()) < 10 * 60_000, `at ${e.at}`);
    const roles = await call('GET', '/api/audit?resource=roles', { headers: admin });
    assert.ok(roles.body.some((x) => x.resourceId === S.customRole && x.action === 'create'), roles.text.slice(0, 500));
    assertError(await call('GET', q, { headers: S.viewer.headers }), 403, 'ForbiddenError');
  });

  test('no answer held a password, hash, TOTP secret, recovery code or token it should not', () => {
    rec.assertNoLeaks();
    assert.ok(rec.seen.length > 100, `recorded ${rec.seen.length} answers`);
  });
});

describe('production attackers', () => {
  let srv; let adminSession; let otherApp;
  before(async () => {
    srv = await startServer({ env: PROD });
    const r = await api(srv.url, 'POST', '/api/auth/setup', { json: { name: 'Admin', email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    assertJson(r, 201);
    adminSession = bearerSession(r.body.sessionToken);
    const app = await api(srv.url, 'POST', '/api/applications', { headers: bearer(jwt({ aud: 'default', permissions: ['admin'] })), json: { name: 'Other' } });
    assertJson(app, 201);
    otherApp = app.body.id;
  });
  after(() => killAll());

  const routes = [['GET', '/api/users'], ['POST', '/api/users'], ['GET', '/api/users/usr_x'], ['PATCH', '/api/users/usr_x'], ['DELETE', '/api/users/usr_x'],
    ['POST', '/api/users/usr_x/roles'], ['POST', '/api/users/usr_x/mfa/setup'], ['POST', '/api/users/usr_x/change-password'], ['GET', '/api/roles'],
    ['POST', '/api/roles'], ['PATCH', '/api/roles/role_x'], ['DELETE', '/api/roles/role_x'], ['GET', '/api/invites'], ['POST', '/api/invites'],
    ['POST', '/api/invites/inv_x/revoke'], ['DELETE', '/api/invites/inv_x'], ['GET', '/api/audit'], ['GET', '/api/auth/me']];
  const body = (m) => (m === 'GET' || m === 'DELETE' ? undefined : {});

  test('no credentials: 401 on every identity route; public routes stay public', async () => {
    for (const [m, p] of routes) assertError(await api(srv.url, m, p, { json: body(m) }), 401, 'UnauthorizedError');
    assertJson(await api(srv.url, 'GET', '/api/auth/setup-status'), 200);
    assertError(await api(srv.url, 'GET', `/api/invites/by-token/invite_${'E'.repeat(43)}`), 404, 'NotFoundError');
  });

  test("service and client JWTs (another application's or its own) are 403 on users, roles, invites, audit", async () => {
    const tokens = [
      [bearer(jwt({ aud: otherApp, permissions: ['service'] })), 'other service'],
      [{ ...bearer(jwt({ aud: otherApp, permissions: ['service'] })), 'x-application-id': 'default' }, 'other service + X-Application-Id'],
      [bearer(jwt({ aud: 'default', permissions: ['service'] })), 'own service'],
      [bearer(jwt({ aud: 'default', permissions: ['client'] })), 'client'],
    ];
    for (const [headers, what] of tokens) {
      for (const [m, p] of routes.filter(([, p]) => p !== '/api/auth/me')) {
        const r = await api(srv.url, m, p, { headers, json: body(m) });
        assert.equal(r.status, 403, `${what}: ${m} ${p} -> ${r.status} ${r.text}`);
      }
    }
  });

  test('an admin JWT counts as super_admin, and its writes are audited as a token', async () => {
    const headers = bearer(jwt({ aud: 'default', permissions: ['admin'] }));
    assertJson(await api(srv.url, 'GET', '/api/users', { headers }), 200);
    const role = await api(srv.url, 'POST', '/api/roles', { headers, json: { name: 'by_token', description: 'd', permissions: WEBHOOK_PERMS } });
    assertJson(role, 201);
    const audit = await api(srv.url, 'GET', '/api/audit?resource=roles', { headers: adminSession });
    const e = audit.body.find((x) => x.resourceId === role.body.id);
    assert.deepEqual([e?.actor, e?.actorKind, e?.action], ['tester', 'token', 'create'], audit.text.slice(0, 500));
    // Other management routes are audited by the dispatcher; the data plane (a REST publish) is not.
    assertJson(await api(srv.url, 'POST', '/api/topics', { headers, json: { name: 'audited.topic', description: 'd', owner: 'o' } }), 201);
    assert.equal((await api(srv.url, 'POST', '/api/events', { headers, json: { topic: 'audited.topic', payload: { n: 1 } } })).status, 202);
    const mine = await api(srv.url, 'GET', '/api/audit?actor=tester', { headers: adminSession });
    assert.ok(mine.body.some((x) => x.resource === 'topics' && x.action === 'create' && x.detail.path === '/api/topics'), mine.text.slice(0, 500));
    assert.ok(!mine.body.some((x) => x.resource === 'events'), 'publishing is not a management write');
  });
});

describe('CLI: realtime user create', () => {
  after(() => killAll());

  /** `realtime user create ARGS` with `stdin`; {code, stdout, stderr}. */
  function userCreate(dataDir, args, stdin) {
    const env = { PATH: process.env.PATH, LOG_LEVEL: 'warn', REALTIME_DATA_DIR: dataDir, ...PROD };
    const proc = spawn(BIN, ['user', 'create', ...args], { env, cwd: dataDir, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = ''; let stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    proc.stdin.end(stdin);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    return new Promise((resolve) => proc.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); }));
  }

  test('creates a super_admin with the password from stdin; a weak password or a taken email fails', async () => {
    const dataDir = tempDir();
    const args = ['--email', 'cli@example.com', '--name', 'CLI Admin', '--role', 'super_admin'];
    const weak = await userCreate(dataDir, args, 'short\n');
    assert.notEqual(weak.code, 0, `weak password accepted: ${weak.stdout} ${weak.stderr}`);
    const ok = await userCreate(dataDir, args, 'a headless admin password\n');
    assert.equal(ok.code, 0, `${ok.stdout}\n${ok.stderr}`);
    assert.ok(!/headless admin password|\$2[aby]\$/.test(ok.stdout + ok.stderr), ok.stdout + ok.stderr);
    const taken = await userCreate(dataDir, args, 'another admin password 1\n');
    assert.notEqual(taken.code, 0, 'a second user with the same email');

    const srv = await startServer({ dataDir, env: PROD });
    assert.deepEqual((await api(srv.url, 'GET', '/api/auth/setup-status')).body, { setupRequired: false });
    const r = await login(srv, 'cli@example.com', 'a headless admin password');
    assertJson(r, 200);
    assertUserShape(r.body.user, { email: 'cli@example.com', roles: ['role_super_admin'] });
    assertError(await login(srv, 'cli@example.com', 'another admin password 1'), 401, 'UnauthorizedError');
  });
});
