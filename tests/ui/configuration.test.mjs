// The Configuration pages of the admin UI in Chromium against the real binary (docs/admin-ui.md,
// docs/deployments.md, docs/database.md): a mapping created with the visual condition builder is
// stored with exactly the `when` built, snapshotted, promoted to staging, and its staging cell of
// the environment grid turns from red (missing) to green (synced); batch promotion from the grid
// shows a blocked topic's blockers, then promotes it with its schema; a deployment is created with
// the entity picker, reported (field diff), executed, commented and rolled back in the UI, with
// the target checked through the API after each step; config as code exports a file and imports
// it with a dry run first; a user without deployments:update sees the server's 403 for
// production. Every page has no critical/serious axe violation (light and dark) and no console
// error or failed request.
//
// UI_URL (optional): where the UI is served (a Vite dev server started with
// VITE_API_URL=http://127.0.0.1:$UI_API_PORT); then the server listens on UI_API_PORT. By default
// the server itself serves the embedded UI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { api, killAll, startServer } from '../e2e/lib/server.mjs';
import { axeViolations, launch, skip, watchedPage } from './lib/ui.mjs';

const PASSWORD = 'correct horse battery';
const PAGES = ['/mappings', '/environments', '/deployments'];

describe('admin UI: mappings, environment grid, deployments', { skip }, () => {
  let srv;
  let ui;
  let browser;
  let session;

  before(async () => {
    const origin = process.env.UI_URL;
    srv = await startServer({
      port: process.env.UI_API_PORT ? Number(process.env.UI_API_PORT) : undefined,
      env: { NODE_ENV: 'production', ...(origin ? { CORS_ORIGINS: origin } : {}) },
    });
    ui = origin ?? srv.url;
    const setup = await api(srv.url, 'POST', '/api/auth/setup', {
      json: { name: 'Config Admin', email: 'config@example.com', password: PASSWORD },
    });
    assert.equal(setup.status, 201, setup.text);
    session = setup.body.sessionToken;
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    killAll();
  });

  /** The REST API as the admin, in `env`. */
  const call = (method, path, { env = 'development', json, token = session } = {}) =>
    api(srv.url, method, path, { headers: { authorization: `Bearer ${token}`, 'x-environment': env }, json });

  /** A signed-in page (the session in localStorage, development selected). */
  async function signedIn({ token = session, dark = false, width = 1280, height = 800, allow } = {}) {
    const context = await browser.newContext({ viewport: { width, height }, colorScheme: dark ? 'dark' : 'light', acceptDownloads: true,
      // The embedded UI's CSP (script-src 'self') would refuse axeViolations()' inline axe-core.
      bypassCSP: true });
    await context.addInitScript((t) => {
      localStorage.setItem('realtime.admin.session', t);
      localStorage.setItem('realtime.admin.environment', 'development');
    }, token);
    const page = await watchedPage(context, { allow });
    return { context, page };
  }
  const noAxe = async (page, what) => assert.deepEqual(await axeViolations(page), [], `axe: ${what}`);

  test('a mapping built with the visual condition builder -> versions -> promote -> its grid cell turns green', async () => {
    assert.equal((await call('POST', '/api/topics', { json: { name: 'orders.paid', description: 'Paid orders', owner: 'billing' } })).status, 201);
    const { context, page } = await signedIn();
    await page.goto(`${ui}/mappings`);
    await page.getByText('No mappings yet').waitFor();
    await noAxe(page, '/mappings empty');

    await page.getByRole('button', { name: 'Create mapping' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create mapping' });
    // Validation before submitting: nothing is sent while the table is missing.
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText('Enter the table').waitFor();

    await dialog.getByLabel('Mapping id').fill('map_orders_ui');
    await dialog.getByLabel('Table').fill('orders');
    await dialog.getByRole('combobox', { name: 'Topic' }).fill('orders.paid');
    await dialog.getByLabel('delete').check();
    await dialog.getByLabel('Trigger columns').fill('status, total');

    // when: status changed OR status = "paid" OR (total = 100 AND vip = true)
    await dialog.getByLabel('Only emit when a condition holds').check();
    await dialog.getByLabel('Condition 1 column').fill('status');
    await dialog.getByRole('button', { name: 'Combine with another condition' }).click();
    await dialog.getByLabel('Group 1 match').selectOption('or');
    await dialog.getByLabel('Condition 1.2 kind').selectOption('eq');
    await dialog.getByLabel('Condition 1.2 column').fill('status');
    await dialog.getByLabel('Condition 1.2 value', { exact: true }).fill('paid');
    await dialog.getByRole('button', { name: 'Add group to group 1' }).click();
    await dialog.getByLabel('Condition 1.3.1 kind').selectOption('eq');
    await dialog.getByLabel('Condition 1.3.1 column').fill('total');
    await dialog.getByLabel('Condition 1.3.1 value type').selectOption('number');
    await dialog.getByLabel('Condition 1.3.1 value', { exact: true }).fill('100');
    await dialog.getByRole('button', { name: 'Add condition to group 1.3' }).click();
    await dialog.getByLabel('Condition 1.3.2 kind').selectOption('eq');
    await dialog.getByLabel('Condition 1.3.2 column').fill('vip');
    await dialog.getByLabel('Condition 1.3.2 value type').selectOption('boolean');
    await dialog.getByText('Emits when: status changed OR status = "paid" OR (total = 100 AND vip = true)').waitFor();

    // Payload: id -> $row.id (the default row), status -> $row.status, source -> "db", customer.name -> $row.customer_name.
    await dialog.getByRole('button', { name: 'Add payload field' }).click();
    await dialog.getByLabel('Payload field 2 key').fill('status');
    await dialog.getByLabel('Payload field 2 column').fill('status');
    await dialog.getByRole('button', { name: 'Add payload field' }).click();
    await dialog.getByLabel('Payload field 3 key').fill('source');
    await dialog.getByLabel('Payload field 3 source').selectOption('literal');
    await dialog.getByLabel('Payload field 3 value').fill('db');
    await dialog.getByRole('button', { name: 'Add payload field' }).click();
    await dialog.getByLabel('Payload field 4 key').fill('customer');
    await dialog.getByLabel('Payload field 4 source').selectOption('object');
    await dialog.getByLabel('Payload field 4.1 key').fill('name');
    await dialog.getByLabel('Payload field 4.1 column').fill('customer_name');

    // The live preview: the normalized envelope with the typed sample values.
    await dialog.getByLabel('Sample id').fill('42');
    await dialog.getByLabel('Sample customer_name').fill('Ada');
    await dialog.getByLabel('Operation').selectOption('update');
    const preview = JSON.parse((await dialog.getByTestId('event-preview').textContent()));
    assert.equal(preview.topic, 'orders.paid');
    assert.equal(preview.type, 'database.update');
    assert.equal(preview.source, 'database');
    assert.deepEqual(preview.payload, { id: 42, status: null, source: 'db', customer: { name: 'Ada' } });
    await noAxe(page, 'create mapping dialog');

    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('rowheader', { name: 'map_orders_ui' }).waitFor();
    const stored = await call('GET', '/api/database/mappings/map_orders_ui');
    assert.equal(stored.status, 200, stored.text);
    assert.deepEqual(stored.body.when, {
      or: [{ changed: 'status' }, { eq: ['$row.status', 'paid'] }, { and: [{ eq: ['$row.total', 100] }, { eq: ['$row.vip', true] }] }],
    });
    assert.deepEqual(stored.body.payload, { id: '$row.id', status: '$row.status', source: 'db', customer: { name: '$row.customer_name' } });
    assert.deepEqual(stored.body.events, ['insert', 'update', 'delete']);
    assert.deepEqual(stored.body.triggerColumns, ['status', 'total']);

    // Editing parses the stored JSON back into the builder.
    await page.getByRole('button', { name: 'Edit map_orders_ui' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit mapping map_orders_ui' });
    assert.equal(await edit.getByLabel('Group 1 match').inputValue(), 'or');
    assert.equal(await edit.getByLabel('Condition 1.3.1 value', { exact: true }).inputValue(), '100');
    await edit.getByRole('button', { name: 'Cancel' }).click();

    // Versions: 1, then a snapshot makes 2.
    await page.getByRole('button', { name: 'Versions of map_orders_ui' }).click();
    const versions = page.getByRole('dialog', { name: 'Versions of map_orders_ui' });
    await versions.getByText('Version 1 (current)').waitFor();
    await versions.getByRole('button', { name: 'Snapshot as new version' }).click();
    await versions.getByText('Version 2', { exact: true }).waitFor();
    await versions.getByRole('button', { name: 'Close' }).click();

    // The grid before: staging lacks the mapping (red, "Missing").
    await page.getByRole('link', { name: 'Environment Grid' }).click();
    await page.getByRole('button', { name: 'Mappings' }).click();
    const staging = page.getByTestId('cell-mapping-map_orders_ui-staging').getByRole('button');
    await staging.waitFor();
    assert.equal(await staging.getAttribute('data-color'), 'red');
    assert.match(await staging.textContent(), /Missing/);

    await page.getByRole('link', { name: 'Mappings' }).click();
    await page.getByRole('button', { name: 'Promote map_orders_ui to staging' }).click();
    const confirm = page.getByRole('dialog', { name: 'Promote to staging?' });
    await confirm.getByRole('button', { name: 'Promote' }).click();
    await confirm.waitFor({ state: 'hidden' });
    assert.equal((await call('GET', '/api/database/mappings/map_orders_ui', { env: 'staging' })).body.version, 2);

    await page.getByRole('link', { name: 'Environment Grid' }).click();
    await page.getByRole('button', { name: 'Mappings' }).click();
    const green = page.locator('[data-testid="cell-mapping-map_orders_ui-staging"] [data-color="green"]');
    await green.waitFor();
    assert.match(await green.textContent(), /Synced · v2/);
    await green.click();
    const details = page.getByRole('dialog', { name: /map_orders_ui in Staging/ });
    await details.getByText(/^[0-9a-f]{16}$/).waitFor();
    await noAxe(page, 'grid cell details');
    await details.getByRole('button', { name: 'Close' }).click();
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('batch promotion from the grid: a blocked topic shows its blockers; with its schema it goes through', async () => {
    assert.equal((await call('POST', '/api/topics', { json: { name: 'grid.orders', description: 'Orders', owner: 'shop' } })).status, 201);
    assert.equal((await call('POST', '/api/schemas/grid.orders', { json: { schema: { type: 'object' }, compatibilityMode: 'backward' } })).status, 201);
    assert.equal((await call('PATCH', '/api/topics/grid.orders', { json: { activeSchemaVersion: 1 } })).status, 200);
    const blocked409 = (url, status) => status === 409 && url.includes('/api/environments/promote');
    const { context, page } = await signedIn({ allow: blocked409 });
    await page.goto(`${ui}/environments`);
    await page.getByRole('button', { name: 'Topics' }).click();
    await page.getByLabel('Select topic grid.orders').check();
    await page.getByRole('button', { name: 'Promote selected (1)' }).click();
    let dialog = page.getByRole('dialog', { name: 'Promote 1 entity' });
    await dialog.getByRole('button', { name: 'Promote to Staging' }).click();
    const blocked = dialog.getByRole('table', { name: 'Blocked promotion' });
    await blocked.getByText('schema_version_missing').waitFor();
    await noAxe(page, 'blocked promotion');
    await dialog.getByRole('button', { name: 'Close' }).click();
    assert.equal((await call('GET', '/api/topics/grid.orders', { env: 'staging' })).status, 404);

    await page.getByRole('button', { name: 'All' }).click();
    await page.getByLabel('Select topic grid.orders').check();
    await page.getByLabel('Select schema grid.orders').check();
    await page.getByRole('button', { name: 'Promote selected (2)' }).click();
    dialog = page.getByRole('dialog', { name: 'Promote 2 entities' });
    await dialog.getByRole('button', { name: 'Promote to Staging' }).click();
    // A topic and its schema: one deployment of both (type by type, each would block the other).
    const results = dialog.getByTestId('promote-results');
    await results.getByText(/executed \(development → staging\)/).waitFor();
    assert.equal(await results.getByRole('link').count(), 1);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.locator('[data-testid="cell-topic-grid.orders-staging"] [data-color="green"]').waitFor();
    assert.equal((await call('GET', '/api/topics/grid.orders', { env: 'staging' })).body.activeSchemaVersion, 1);
    assert.deepEqual(page.problems.filter((p) => !p.includes('status of 409')), []);
    await context.close();
  });

  test('a deployment: pick entities -> report with field diff -> execute -> comment -> roll back', async () => {
    assert.equal((await call('POST', '/api/topics', { json: { name: 'billing.invoice', description: 'Invoices', owner: 'billing' } })).status, 201);
    const { context, page } = await signedIn({ width: 1920, height: 1080 });
    await page.goto(`${ui}/deployments`);
    await page.getByRole('button', { name: 'New deployment' }).click();
    const dialog = page.getByRole('dialog', { name: 'New deployment' });
    await dialog.getByRole('button', { name: 'Create draft' }).click();
    await dialog.getByText('Pick at least one entity.').waitFor();
    await dialog.getByLabel('Name').fill('invoices v1');
    await dialog.getByLabel(/^billing\.invoice development: Synced/).check();
    await noAxe(page, 'new deployment dialog');
    // What the page asked the server meanwhile: tells "the click did not submit" from "the
    // deployment was created but the dialog stayed" (an exit transition left unfinished).
    const seen = [];
    page.on('response', (r) => { if (r.url().includes('/api/deployments')) seen.push(`${r.status()} ${r.request().method()} ${r.url()}`); });
    await dialog.getByRole('button', { name: 'Create draft' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 15_000 }).catch(async (e) => {
      throw new Error(`${e.message}\n${await dialog.innerText().catch(() => '')}\n${page.problems.join('\n')}\nresponses: ${seen.join('; ')}`);
    });

    const detail = page.getByTestId('deployment-detail');
    await detail.getByRole('heading', { name: 'invoices v1' }).waitFor();
    assert.equal(await detail.getByTestId('deployment-state').textContent(), 'Draft');
    await detail.getByRole('button', { name: 'Generate report' }).click();
    const item = detail.getByTestId('report-item-topic-billing.invoice');
    await item.getByText('create').waitFor();
    await detail.getByRole('button', { name: 'Show changes of topic billing.invoice' }).click();
    const diff = detail.getByRole('table', { name: 'Field changes of topic billing.invoice' });
    await diff.getByRole('rowheader', { name: 'description' }).waitFor();
    await diff.getByRole('cell', { name: 'Invoices' }).waitFor();
    await noAxe(page, 'deployment with report');

    await detail.getByRole('button', { name: 'Execute' }).click();
    const exec = page.getByRole('dialog', { name: 'Execute deployment?' });
    await exec.getByRole('button', { name: 'Execute' }).click();
    await page.getByRole('dialog', { name: 'Deployment executed' }).getByText(/is live in staging/).waitFor();
    await page.getByRole('dialog', { name: 'Deployment executed' }).getByRole('button', { name: 'Close' }).click();
    await detail.getByTestId('deployment-state').filter({ hasText: 'Executed' }).waitFor();
    assert.equal((await call('GET', '/api/topics/billing.invoice', { env: 'staging' })).status, 200);

    await detail.getByLabel('Add a comment').fill('Checked with billing');
    await detail.getByRole('button', { name: 'Post' }).click();
    await detail.getByText('Checked with billing').waitFor();
    await detail.getByText('Config Admin (you)').first().waitFor();

    await detail.getByRole('button', { name: 'Roll back' }).click();
    const rb = page.getByRole('dialog', { name: 'Roll back this deployment?' });
    await rb.getByRole('button', { name: 'Roll back' }).click();
    await rb.waitFor({ state: 'hidden' });
    await detail.getByTestId('deployment-state').filter({ hasText: 'Rolled back' }).waitFor();
    assert.equal((await call('GET', '/api/topics/billing.invoice', { env: 'staging' })).status, 404);
    const history = await detail.getByTestId('deployment-history').textContent();
    for (const step of ['Created', 'Change report generated', 'Executed', 'Rolled back']) assert.match(history, new RegExp(step));

    // The list filtered by state.
    await page.getByLabel('State').selectOption('rolled_back');
    await page.getByRole('list', { name: 'Deployments' }).getByText('invoices v1').waitFor();
    await page.getByLabel('State').selectOption('failed');
    await page.getByText('No deployment in this state').waitFor();
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('config as code: download the export, import it with a dry run, then apply', async () => {
    const { context, page } = await signedIn({ width: 1920, height: 1080 });
    await page.goto(`${ui}/deployments`);
    const card = page.getByRole('region', { name: 'Config as code' });
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Download JSON' }).click()]);
    const file = await download.path();
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(doc.format, 'realtime.config/v1');
    assert.ok(doc.topics.some((t) => t.name === 'billing.invoice'), JSON.stringify(doc));

    await card.getByLabel('Configuration file').setInputFiles({ name: 'dev.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
    await card.getByLabel('Import into').selectOption('staging');
    await card.getByRole('button', { name: 'Dry run' }).click();
    const report = card.getByTestId('import-report');
    await report.getByTestId('report-item-topic-billing.invoice').getByText('create').waitFor();
    assert.equal((await call('GET', '/api/topics/billing.invoice', { env: 'staging' })).status, 404, 'a dry run changes nothing');
    await noAxe(page, 'import dry run');
    await report.getByRole('button', { name: 'Apply import' }).click();
    await page.getByRole('dialog', { name: 'Execute deployment?' }).getByRole('button', { name: 'Execute' }).click();
    await page.getByRole('dialog', { name: 'Deployment executed' }).getByRole('button', { name: 'Close' }).click();
    assert.equal((await call('GET', '/api/topics/billing.invoice', { env: 'staging' })).status, 200);
    const exported = await call('GET', '/api/config/export?environment=staging');
    assert.deepEqual(exported.body, doc, 'importing an export reproduces it');
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('without deployments:update, executing into production shows the server\'s 403', async () => {
    const role = await call('POST', '/api/roles', {
      json: { name: 'ui_deployer', permissions: ['deployments:read', 'deployments:create', 'topics:read'] },
    });
    assert.equal(role.status, 201, role.text);
    const user = await call('POST', '/api/users', { json: { name: 'Dee Ployer', email: 'deployer@example.com', password: PASSWORD, roleIds: [role.body.id] } });
    assert.equal(user.status, 201, user.text);
    const login = await api(srv.url, 'POST', '/api/auth/login', { json: { email: 'deployer@example.com', password: PASSWORD } });
    const token = login.body.sessionToken;
    const draft = await call('POST', '/api/deployments', {
      token,
      json: { name: 'to prod', sourceEnvironment: 'development', targetEnvironment: 'production', items: [{ type: 'topic', id: 'orders.paid' }] },
    });
    assert.equal(draft.status, 201, draft.text);

    const { context, page } = await signedIn({ token, allow: (url, status) => status === 403 && url.includes(`/api/deployments/${draft.body.id}/execute`) });
    await page.goto(`${ui}/deployments?id=${draft.body.id}`);
    const detail = page.getByTestId('deployment-detail');
    await detail.getByRole('button', { name: 'Execute' }).click();
    const exec = page.getByRole('dialog', { name: 'Execute deployment?' });
    await exec.getByText('This changes production').waitFor();
    assert.ok(await exec.getByRole('button', { name: 'Execute in production' }).isDisabled(), 'the stronger confirmation comes first');
    await exec.getByLabel('Type production to confirm').fill('production');
    await exec.getByRole('button', { name: 'Execute in production' }).click();
    await exec.getByRole('alert').filter({ hasText: 'Execute failed' }).filter({ hasText: 'deployments:update' }).waitFor();
    await noAxe(page, 'production 403');
    assert.equal((await call('GET', '/api/topics/orders.paid', { env: 'production' })).status, 404);
    // The browser logs the refused request itself; nothing else went wrong.
    assert.deepEqual(page.problems.filter((p) => !p.includes('status of 403')), []);
    await context.close();
  });

  test('every configuration page: no console error, no failed request, no critical or serious axe violation (light and dark)', async () => {
    for (const dark of [false, true]) {
      const { context, page } = await signedIn({ dark, width: dark ? 1280 : 1920, height: dark ? 800 : 1080 });
      for (const route of PAGES) {
        await page.goto(`${ui}${route}`);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        await page.locator('[role=status]').first().waitFor({ state: 'detached' }).catch(() => {});
        await noAxe(page, `${route}${dark ? ' dark' : ''}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
        assert.equal(overflow, false, `${route}: no horizontal scroll`);
      }
      assert.deepEqual(page.problems, []);
      await context.close();
    }
  });
});
