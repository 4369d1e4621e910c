// The environment grid, batch promotion, blockers, config export/import and the access rules of
// deployments (docs/deployments.md) against the real binary in NODE_ENV=production.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { api, killAll, runOnce, startServer, tempDir } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { ADMIN, JWT_SECRET, auth } from './lib/webhook_receiver.mjs';
import { setupAdmin, userWithRoles } from './lib/identity.mjs';

const PROD = { NODE_ENV: 'production', JWT_SECRET };
const inEnv = (env, headers = ADMIN()) => ({ ...headers, 'x-environment': env });

async function call(srv, method, path, { json, headers = ADMIN(), status } = {}) {
  const r = await api(srv.url, method, path, { json, headers });
  if (status !== undefined) assertJson(r, status);
  return r;
}
const topic = (srv, env, name, extra = {}) => call(srv, 'POST', '/api/topics', {
  headers: inEnv(env), status: 201, json: { name, description: `about ${name}`, owner: 'team', ...extra },
});
const cell = (grid, type, id, env) => grid.entities.find((e) => e.type === type && e.id === id)?.environments[env];

describe('environment grid and batch promotion', () => {
  let srv;
  before(async () => {
    srv = await startServer({ env: PROD });
    await topic(srv, 'development', 'grid.only.dev');
    for (const env of ['development', 'staging']) await topic(srv, env, 'grid.same');
    await topic(srv, 'development', 'grid.changed', { description: 'new text' });
    await topic(srv, 'staging', 'grid.changed', { description: 'old text' });
  });
  after(() => killAll());

  test('green when synced, yellow when the earlier environment has another version, red when missing', async () => {
    const grid = (await call(srv, 'GET', '/api/environments/grid?type=topic', { status: 200 })).body;
    assert.deepEqual(grid.environments, ['development', 'staging', 'production']);
    assert.ok(grid.entities.every((e) => e.type === 'topic'));
    assert.deepEqual(cell(grid, 'topic', 'grid.only.dev', 'development'), { ...cell(grid, 'topic', 'grid.only.dev', 'development'), state: 'synced', color: 'green' });
    assert.equal(cell(grid, 'topic', 'grid.only.dev', 'staging').color, 'red');
    assert.equal(cell(grid, 'topic', 'grid.only.dev', 'staging').state, 'missing');
    assert.equal(cell(grid, 'topic', 'grid.same', 'staging').color, 'green');
    assert.equal(cell(grid, 'topic', 'grid.same', 'staging').fingerprint, cell(grid, 'topic', 'grid.same', 'development').fingerprint);
    assert.equal(cell(grid, 'topic', 'grid.changed', 'staging').state, 'newer');
    assert.equal(cell(grid, 'topic', 'grid.changed', 'staging').color, 'yellow');
    assert.equal(cell(grid, 'topic', 'grid.same', 'production').color, 'red');
    assertError(await call(srv, 'GET', '/api/environments/grid?type=nope'), 400, 'ValidationError');
  });

  test('promote {type, ids, to} executes a deployment: the cells turn green, and it can be rolled back', async () => {
    const r = await call(srv, 'POST', '/api/environments/promote', {
      status: 201, json: { type: 'topic', ids: ['grid.only.dev', 'grid.changed'], to: 'staging' },
    });
    assert.equal(r.body.state, 'executed');
    assert.equal(r.body.sourceEnvironment, 'development');
    assert.deepEqual(r.body.items.map((i) => i.action), ['create', 'update']);
    let grid = (await call(srv, 'GET', '/api/environments/grid?type=topic', { status: 200 })).body;
    assert.equal(cell(grid, 'topic', 'grid.only.dev', 'staging').color, 'green');
    assert.equal(cell(grid, 'topic', 'grid.changed', 'staging').color, 'green');
    await call(srv, 'POST', `/api/deployments/${r.body.id}/rollback`, { status: 200 });
    grid = (await call(srv, 'GET', '/api/environments/grid?type=topic', { status: 200 })).body;
    assert.equal(cell(grid, 'topic', 'grid.only.dev', 'staging').color, 'red');
    assert.equal(cell(grid, 'topic', 'grid.changed', 'staging').color, 'yellow');
    assertError(await call(srv, 'POST', '/api/environments/promote', { json: { type: 'topic', ids: [], to: 'staging' } }), 400, 'ValidationError');
    assertError(await call(srv, 'POST', '/api/environments/promote', { json: { type: 'topic', ids: ['no.such'], to: 'staging' } }), 400, 'ValidationError');
  });
});

describe('blockers and bad input', () => {
  let srv;
  before(async () => {
    srv = await startServer({ env: PROD });
    await topic(srv, 'development', 'blk.orders');
    await call(srv, 'POST', '/api/schemas/blk.orders', { headers: inEnv('development'), status: 201, json: { schema: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } } } });
    await call(srv, 'PATCH', '/api/topics/blk.orders', { headers: inEnv('development'), status: 200, json: { activeSchemaVersion: 1 } });
    await call(srv, 'POST', '/api/database/mappings', { headers: inEnv('development'), status: 201, json: { id: 'blk_map', table: 'orders', events: ['insert'], topic: 'blk.orders', payload: { id: '$row.id' } } });
    // Staging has the topic with an incompatible schema history of its own.
    await topic(srv, 'staging', 'blk.orders');
    await call(srv, 'POST', '/api/schemas/blk.orders', { headers: inEnv('staging'), status: 201, json: { schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } } });
  });
  after(() => killAll());

  test('a topic without its schema version, and a diverged schema, block execute (409 with the report)', async () => {
    const d = (await call(srv, 'POST', '/api/deployments', { status: 201, json: { sourceEnvironment: 'development', targetEnvironment: 'production', items: [{ type: 'topic', id: 'blk.orders' }, { type: 'mapping', id: 'blk_map' }] } })).body;
    const report = (await call(srv, 'POST', `/api/deployments/${d.id}/report`, { status: 200 })).body;
    assert.equal(report.blocked, true);
    assert.deepEqual(report.items[0].blockers.map((b) => b.code), ['schema_version_missing']);
    const before = (await call(srv, 'GET', '/api/config/export?environment=production', { status: 200 })).text;
    const r = await call(srv, 'POST', `/api/deployments/${d.id}/execute`);
    assertError(r, 409, 'ConflictError');
    assert.equal((await call(srv, 'GET', '/api/config/export?environment=production', { status: 200 })).text, before);

    const s = (await call(srv, 'POST', '/api/deployments', { status: 201, json: { sourceEnvironment: 'development', targetEnvironment: 'staging', items: [{ type: 'schema', id: 'blk.orders' }] } })).body;
    const sr = (await call(srv, 'POST', `/api/deployments/${s.id}/report`, { status: 200 })).body;
    assert.deepEqual(sr.items[0].blockers.map((b) => b.code), ['schema_diverged']);

    // Without the topic registered in the target, a mapping whose topic the source registers blocks.
    const m = (await call(srv, 'POST', '/api/deployments', { status: 201, json: { sourceEnvironment: 'development', targetEnvironment: 'production', items: [{ type: 'mapping', id: 'blk_map' }] } })).body;
    const mr = (await call(srv, 'POST', `/api/deployments/${m.id}/report`, { status: 200 })).body;
    assert.deepEqual(mr.items[0].blockers.map((b) => b.code), ['topic_missing']);
  });

  test('bad input is 400 and creates nothing; unknown ids are 404', async () => {
    const count = async () => (await call(srv, 'GET', '/api/deployments', { status: 200 })).body.length;
    const n = await count();
    const bad = [
      {},
      { sourceEnvironment: 'development', targetEnvironment: 'development', items: [{ type: 'topic', id: 'blk.orders' }] },
      { sourceEnvironment: 'development', targetEnvironment: 'qa', items: [{ type: 'topic', id: 'blk.orders' }] },
      { sourceEnvironment: 'development', targetEnvironment: 'staging', items: [] },
      { sourceEnvironment: 'development', targetEnvironment: 'staging', items: [{ type: 'table', id: 'x' }] },
      { sourceEnvironment: 'development', targetEnvironment: 'staging', items: [{ type: 'topic', id: 'no.such.topic' }] },
      { sourceEnvironment: 'development', targetEnvironment: 'staging', items: [{ type: 'topic', id: 'blk.orders' }, { type: 'topic', id: 'blk.orders' }] },
      { sourceEnvironment: 'development', targetEnvironment: 'staging', items: [{ type: 'topic', id: 'blk.orders' }], extra: 1 },
    ];
    for (const json of bad) assertError(await call(srv, 'POST', '/api/deployments', { json }), 400, 'ValidationError');
    const raw = await api(srv.url, 'POST', '/api/deployments', { body: '{not json', headers: { ...ADMIN(), 'content-type': 'application/json' } });
    assertError(raw, 400);
    assert.equal(await count(), n);
    for (const path of ['/api/deployments/dep_nope', '/api/deployments/dep_nope/report', '/api/deployments/dep_nope/execute', '/api/deployments/dep_nope/rollback']) {
      assertError(await call(srv, path.endsWith('nope') ? 'GET' : 'POST', path), 404, 'NotFoundError');
    }
    assertError(await call(srv, 'POST', '/api/config/import?environment=production&dryRun=maybe', { json: {} }), 400, 'ValidationError');
    assertError(await call(srv, 'POST', '/api/config/import?environment=production', { json: { topics: [{ name: 'Bad Name', description: 'd', owner: 'o' }] } }), 400, 'ValidationError');
    assertError(await call(srv, 'POST', '/api/config/import?environment=production', { json: { mappings: [{ id: 'm', definition: { table: 'orders' } }] } }), 400, 'ValidationError');
    assertError(await call(srv, 'POST', '/api/config/import?environment=production', { json: { webhooks: [{ key: 'k', url: 'ftp://x' }] } }), 400, 'ValidationError');
    assert.equal(await count(), n, 'refused imports create no deployment');
  });
});

describe('config as code: export development, import into production (dry run, then apply)', () => {
  let srv;
  before(async () => {
    srv = await startServer({ env: { ...PROD, REALTIME_WEBHOOK_ALLOW_HTTP: 'true' } });
    const h = inEnv('development');
    await topic(srv, 'development', 'cfg.orders');
    await call(srv, 'POST', '/api/schemas/cfg.orders', { headers: h, status: 201, json: { schema: { type: 'object', properties: { id: { type: 'integer' } } } } });
    await call(srv, 'POST', '/api/schemas/cfg.orders', { headers: h, status: 201, json: { schema: { type: 'object', properties: { id: { type: 'integer' }, note: { type: 'string' } } } } });
    await call(srv, 'PATCH', '/api/topics/cfg.orders', { headers: h, status: 200, json: { activeSchemaVersion: 2 } });
    await call(srv, 'POST', '/api/database/mappings', { headers: h, status: 201, json: { id: 'cfg_map', table: 'orders', events: ['insert', 'update'], topic: 'cfg.orders', when: { and: [{ eq: ['$row.status', 'paid'] }, { changed: 'status' }] }, payload: { id: '$row.id' } } });
    await call(srv, 'POST', '/api/webhooks', { headers: h, status: 201, json: { url: 'https://hooks.example.com/orders', secret: 'a-long-secret-1', topics: ['cfg.*'], description: 'orders' } });
  });
  after(() => killAll());

  test('equal exports after the import; the dry run changes nothing; the import rolls back to the empty state', async () => {
    const devExport = (await call(srv, 'GET', '/api/config/export?environment=development', { status: 200 }));
    const doc = devExport.body;
    assert.equal(doc.format, 'realtime.config/v1');
    assert.deepEqual([doc.topics.length, doc.schemas.length, doc.mappings.length, doc.webhooks.length], [1, 1, 1, 1]);
    assert.equal(devExport.text.includes('a-long-secret-1'), false, 'no secret in an export');
    assert.deepEqual(doc.schemas[0].versions.map((v) => v.version), [1, 2]);
    const emptyProd = (await call(srv, 'GET', '/api/config/export?environment=production', { status: 200 })).text;

    const dry = await call(srv, 'POST', '/api/config/import?environment=production&dryRun=true', { json: doc, status: 200 });
    assert.deepEqual(dry.body.report.summary, { create: 4, update: 0, delete: 0, unchanged: 0 });
    assert.equal(dry.body.deployment.state, 'draft');
    assert.equal(dry.body.deployment.source, 'import');
    assert.equal((await call(srv, 'GET', '/api/config/export?environment=production', { status: 200 })).text, emptyProd);

    const applied = await call(srv, 'POST', '/api/config/import?environment=production&dryRun=false', { json: doc, status: 201 });
    assert.equal(applied.body.deployment.state, 'executed');
    const prodExport = (await call(srv, 'GET', '/api/config/export?environment=production', { status: 200 })).text;
    assert.equal(prodExport, devExport.text, 'production exports exactly what development does');

    // Importing the same document again: everything unchanged.
    const again = await call(srv, 'POST', '/api/config/import?environment=production&dryRun=true', { json: doc, status: 200 });
    assert.deepEqual(again.body.report.summary, { create: 0, update: 0, delete: 0, unchanged: 4 });

    await call(srv, 'POST', `/api/deployments/${applied.body.deployment.id}/rollback`, { status: 200 });
    assert.equal((await call(srv, 'GET', '/api/config/export?environment=production', { status: 200 })).text, emptyProd);
  });

  test('prune: entities of the target the document lacks are deleted (unless prune=false)', async () => {
    await topic(srv, 'staging', 'cfg.extra');
    const doc = { format: 'realtime.config/v1', topics: [{ name: 'cfg.new', description: 'd', owner: 'o' }] };
    const keep = await call(srv, 'POST', '/api/config/import?environment=staging&dryRun=true&prune=false', { json: doc, status: 200 });
    assert.deepEqual(keep.body.report.summary, { create: 1, update: 0, delete: 0, unchanged: 0 });
    const prune = await call(srv, 'POST', '/api/config/import?environment=staging&dryRun=true', { json: doc, status: 200 });
    assert.deepEqual(prune.body.report.items.map((i) => [i.id, i.action]), [['cfg.new', 'create'], ['cfg.extra', 'delete']]);
  });
});

describe('access: production, other applications, roles', () => {
  let srv;
  let adminSession;
  before(async () => {
    srv = await startServer({ env: PROD });
    await topic(srv, 'development', 'acc.topic');
    adminSession = (await setupAdmin(srv)).headers;
  });
  after(() => killAll());

  const body = { sourceEnvironment: 'development', targetEnvironment: 'staging', items: [{ type: 'topic', id: 'acc.topic' }] };

  test('no token: 401; a weaker token: 403; another application: 403', async () => {
    assertError(await call(srv, 'GET', '/api/deployments', { headers: {} }), 401, 'UnauthorizedError');
    assertError(await call(srv, 'POST', '/api/deployments', { headers: {}, json: body }), 401, 'UnauthorizedError');
    assertError(await call(srv, 'GET', '/api/config/export', { headers: {} }), 401, 'UnauthorizedError');
    assertError(await call(srv, 'POST', '/api/deployments', { headers: auth(['service']), json: body }), 403, 'ForbiddenError');
    assertError(await call(srv, 'GET', '/api/deployments', { headers: auth(['client']) }), 403, 'ForbiddenError');
    const other = (await call(srv, 'POST', '/api/applications', { status: 201, json: { name: 'Other' } })).body.id;
    assertError(await call(srv, 'GET', '/api/deployments', { headers: { ...auth(['service'], other), 'x-application-id': 'default' } }), 403, 'ForbiddenError');
    // Another application's deployment is not found from there.
    const mine = (await call(srv, 'POST', '/api/deployments', { status: 201, json: body })).body;
    assertError(await call(srv, 'GET', `/api/deployments/${mine.id}`, { headers: auth(['admin'], other) }), 404, 'NotFoundError');
    // A token limited to staging cannot deploy from development.
    assertError(await call(srv, 'POST', '/api/deployments', { headers: auth(['admin'], 'default', { env: 'staging' }), json: body }), 403, 'ForbiddenError');
  });

  test('a viewer reads but cannot create; deployments:create without update reaches staging but not production', async () => {
    const viewer = (await userWithRoles(srv, adminSession, { email: 'viewer@example.com', roleIds: ['role_viewer'] })).headers;
    assertJson(await call(srv, 'GET', '/api/deployments', { headers: viewer }), 200);
    assertError(await call(srv, 'POST', '/api/deployments', { headers: viewer, json: body }), 403, 'ForbiddenError');

    const role = await call(srv, 'POST', '/api/roles', { headers: adminSession, status: 201, json: { name: 'deployer', permissions: ['deployments:read', 'deployments:create'] } });
    const deployer = (await userWithRoles(srv, adminSession, { email: 'deployer@example.com', roleIds: [role.body.id] })).headers;
    const toStaging = (await call(srv, 'POST', '/api/deployments', { headers: deployer, status: 201, json: body })).body;
    assert.equal((await call(srv, 'POST', `/api/deployments/${toStaging.id}/execute`, { headers: deployer, status: 200 })).body.state, 'executed');
    const toProd = (await call(srv, 'POST', '/api/deployments', { headers: deployer, status: 201, json: { ...body, targetEnvironment: 'production' } })).body;
    const refused = await call(srv, 'POST', `/api/deployments/${toProd.id}/execute`, { headers: deployer });
    assertError(refused, 403, 'ForbiddenError');
    assert.match(refused.body.message, /deployments:update/);
    assertError(await call(srv, 'POST', '/api/environments/promote', { headers: deployer, json: { type: 'topic', ids: ['acc.topic'], to: 'production' } }), 403, 'ForbiddenError');
    assertError(await call(srv, 'GET', '/api/topics/acc.topic', { headers: inEnv('production') }), 404, 'NotFoundError');

    // An admin executes it; the audit log records who executed into production.
    const done = await call(srv, 'POST', `/api/deployments/${toProd.id}/execute`, { headers: adminSession, status: 200 });
    assert.equal(done.body.state, 'executed');
    const audit = await call(srv, 'GET', '/api/audit?resource=deployments', { headers: adminSession, status: 200 });
    const entries = audit.body;
    const entry = entries.find((e) => e.action === 'execute' && e.resourceId === toProd.id);
    assert.ok(entry, JSON.stringify(entries).slice(0, 1500));
    assert.equal(JSON.parse(typeof entry.detail === 'string' ? entry.detail : JSON.stringify(entry.detail)).targetEnvironment, 'production');
  });
});

describe('realtime config export|import (the CLI) against a running server', () => {
  let srv;
  before(async () => {
    srv = await startServer({ env: PROD });
    await topic(srv, 'development', 'cli.orders');
    await call(srv, 'POST', '/api/schemas/cli.orders', { headers: inEnv('development'), status: 201, json: { schema: { type: 'object' } } });
  });
  after(() => killAll());

  test('export development to a file, import it into production (dry run, then for real): equal exports', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'realtime.json');
    const token = ADMIN().authorization.slice('Bearer '.length);
    const cli = (args, env = {}) => runOnce(['config', ...args], { JWT_SECRET, REALTIME_URL: srv.url, REALTIME_TOKEN: token, ...env });
    const exported = await cli(['export', '--env', 'development', '--out', file]);
    assert.equal(exported.code, 0, exported.stderr);
    const devText = (await call(srv, 'GET', '/api/config/export?environment=development', { status: 200 })).text;
    assert.equal(fs.readFileSync(file, 'utf8').trim(), devText);
    const emptyProd = (await call(srv, 'GET', '/api/config/export?environment=production', { status: 200 })).text;

    const dry = await cli(['import', file, '--env', 'production', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, /create 2, update 0, delete 0, unchanged 0/);
    assert.equal(JSON.parse(dry.stdout).deployment.state, 'draft');
    assert.equal((await call(srv, 'GET', '/api/config/export?environment=production', { status: 200 })).text, emptyProd);

    const applied = await cli(['import', file, '--env', 'production']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(JSON.parse(applied.stdout).deployment.state, 'executed');
    assert.equal((await call(srv, 'GET', '/api/config/export?environment=production', { status: 200 })).text, devText);

    const anonymous = await cli(['export'], { REALTIME_TOKEN: '' });
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /401/);
    const bad = await cli(['upload']);
    assert.equal(bad.code, 2);
  });
});
