// The RBAC walk (docs/security.md "Admin users, roles and the JWT mapping"): in NODE_ENV=production,
// admin users logged in with the built-in viewer and editor roles and a custom role call every
// row of the route table that names a (resource, action) pair. A session whose roles lack the
// pair gets 403 before the handler runs; one that holds it is never refused (401/403) — whatever
// the handler then says about the placeholder ids and empty bodies. The expected answer comes
// from the role matrix as GET /api/roles reports it, checked against the documented table.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { api, killAll, REPO_ROOT, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';

const PASSWORD = 'correct horse battery staple';

/** Rows of docs/security.md's route table with an RBAC pair: {method, path, resource, action}. */
function rbacRows() {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'docs/security.md'), 'utf8');
  const rows = [];
  for (const line of text.split('\n')) {
    const m = line.match(/^\| `([A-Z]+)` \| `([^`]+)` \| ([^|]+) \| (yes|no) \| ([a-z]+), ([a-z]+) \|$/);
    if (m) rows.push({ method: m[1], path: m[2], resource: m[5], action: m[6] });
  }
  return rows;
}

const fill = (p) => p.replace(/:[a-zA-Z]+/g, 'x_placeholder');

describe('production: every RBAC row, walked by viewer, editor and a custom role', () => {
  let srv;
  const sessions = {};
  const perms = {};
  const login = async (email) => {
    const r = await api(srv.url, 'POST', '/api/auth/login', { json: { email, password: PASSWORD } });
    assertJson(r, 200);
    assert.match(r.body.sessionToken, /^sess_/);
    return { 'x-session-token': r.body.sessionToken };
  };

  before(async () => {
    srv = await startServer({ env: { NODE_ENV: 'production', JWT_SECRET: 'rbac-walk-secret-0123456789' } });
    const setup = await api(srv.url, 'POST', '/api/auth/setup', { json: { name: 'Root', email: 'root@example.com', password: PASSWORD } });
    assertJson(setup, 201);
    const root = { authorization: `Bearer ${setup.body.sessionToken}` };
    const custom = await api(srv.url, 'POST', '/api/roles', { headers: root, json: {
      name: 'webhook_manager', description: 'webhooks only',
      permissions: ['read', 'create', 'update', 'delete'].map((action) => ({ resource: 'webhooks', action })).concat([{ resource: 'topics', action: 'read' }]),
    } });
    assertJson(custom, 201);
    const roles = await api(srv.url, 'GET', '/api/roles', { headers: root });
    assertJson(roles, 200);
    const byName = Object.fromEntries(roles.body.map((r) => [r.name, r]));
    for (const name of ['viewer', 'editor', 'webhook_manager']) {
      const email = `${name}@example.com`;
      const u = await api(srv.url, 'POST', '/api/users', { headers: root, json: { name, email, password: PASSWORD, roleIds: [byName[name].id] } });
      assertJson(u, 201);
      assert.deepEqual(u.body.roles.map((r) => r.name), [name]);
      sessions[name] = await login(email);
      perms[name] = new Set(byName[name].permissions.map((p) => `${p.resource}:${p.action}`));
    }
  });
  after(() => killAll());

  test('the built-in matrix is the documented one (spec/10 extended)', () => {
    assert.ok(perms.viewer.has('topics:read') && !perms.viewer.has('topics:create') && !perms.viewer.has('users:read'));
    assert.ok(perms.editor.has('topics:create') && perms.editor.has('users:read') && !perms.editor.has('users:create'));
    assert.ok(!perms.editor.has('keys:read'));
    assert.deepEqual([...perms.webhook_manager].sort(), ['topics:read', 'webhooks:create', 'webhooks:delete', 'webhooks:read', 'webhooks:update']);
  });

  test('each row: 403 without the pair, never 401/403 with it', async () => {
    const rows = rbacRows();
    assert.ok(rows.length > 60, `route table rows with an RBAC pair: ${rows.length}`);
    const checked = { allowed: 0, refused: 0 };
    for (const role of Object.keys(sessions)) {
      for (const row of rows) {
        const json = row.method === 'GET' || row.method === 'DELETE' ? undefined : {};
        const r = await api(srv.url, row.method, fill(row.path), { json, headers: sessions[role] });
        const what = `${role} ${row.method} ${row.path} (${row.resource}:${row.action})`;
        if (perms[role].has(`${row.resource}:${row.action}`)) {
          assert.ok(r.status !== 401 && r.status !== 403, `${what} must pass the guard: ${r.status} ${r.text.slice(0, 200)}`);
          checked.allowed++;
        } else {
          assertError(r, 403, 'ForbiddenError');
          assert.match(r.body.message, new RegExp(`${row.resource}:${row.action}`), what);
          checked.refused++;
        }
      }
    }
    assert.ok(checked.allowed > 40 && checked.refused > 40, JSON.stringify(checked));
  });

  test('self-service: every session manages its own password; not another user\'s', async () => {
    const me = await api(srv.url, 'GET', '/api/auth/me', { headers: sessions.viewer });
    assertJson(me, 200);
    const other = await api(srv.url, 'GET', '/api/auth/me', { headers: sessions.editor });
    const change = (who, id, json) => api(srv.url, 'POST', `/api/users/${id}/change-password`, { headers: sessions[who], json });
    assertError(await change('viewer', other.body.id, { newPassword: 'another long password 1' }), 403, 'ForbiddenError');
    assertJson(await change('viewer', me.body.id, { currentPassword: PASSWORD, newPassword: 'another long password 1' }), 200);
    // The same session goes on; the old password no longer logs in.
    assertJson(await api(srv.url, 'GET', '/api/auth/me', { headers: sessions.viewer }), 200);
    assertError(await api(srv.url, 'POST', '/api/auth/login', { json: { email: 'viewer@example.com', password: PASSWORD } }), 401, 'UnauthorizedError');
  });
});
