#!/usr/bin/env node
// Screenshots of the admin UI's seven sections for docs/admin-ui.md (docs/images/admin-ui-*.png):
// starts the real binary (REALTIME_BIN, default build/bin/realtime) on a throwaway data directory,
// fills it with a little data through the REST API, and photographs one page per section in
// Debian's Chromium at 1280x800. Run after `make build`: node scripts/ui-screenshots.mjs
import path from 'node:path';
import { api, killAll, REPO_ROOT, startServer } from '../tests/e2e/lib/server.mjs';
import { launch } from '../tests/ui/lib/ui.mjs';

const OUT = path.join(REPO_ROOT, 'docs/images');
const PASSWORD = 'correct horse battery';
const SHOTS = [
  ['overview', '/'],
  ['registry', '/environments'],
  ['services', '/documents'],
  ['webhooks', '/webhooks'],
  ['debugging', '/debugger'],
  ['dashboards', '/dashboards/delivery'],
  ['security', '/roles'],
  ['deployments', '/deployments'],
];

const srv = await startServer({ env: { NODE_ENV: 'production', REALTIME_WEBHOOK_ALLOW_HTTP: 'true' } });
try {
  const setup = await api(srv.url, 'POST', '/api/auth/setup', { json: { name: 'Ada Admin', email: 'ada@example.com', password: PASSWORD } });
  const headers = { authorization: `Bearer ${setup.body.sessionToken}` };
  const call = (method, p, json, extra = {}) => api(srv.url, method, p, { json, headers: { ...headers, ...extra } });
  for (const name of ['orders.paid', 'orders.shipped', 'session.status']) {
    await call('POST', '/api/topics', { name, description: `The ${name} events`, owner: 'shop' });
  }
  await call('POST', '/api/schemas/orders.paid', { schema: { type: 'object', required: ['orderId'], properties: { orderId: { type: 'integer' } } } });
  await call('POST', '/api/database/mappings', { id: 'map_orders', table: 'orders', events: ['insert', 'update'], topic: 'orders.paid', payload: { orderId: '$row.id', status: '$row.status' } });
  await call('POST', '/api/environments/promote', { type: 'topic', ids: ['orders.paid', 'session.status'], to: 'staging' });
  await call('POST', '/api/webhooks', { url: 'https://hooks.example.com/orders', secret: 'a-long-secret-1', topics: ['orders.*'], description: 'Order fulfilment' });
  await call('POST', '/api/services', { name: 'carts', description: 'Shopping carts' });
  await call('POST', '/api/sync/carts/documents', { id: 'cart-42', data: { items: [{ sku: 'A1', qty: 2 }], total: 31.5 } });
  for (let i = 0; i < 5; i++) await call('POST', '/api/events', { topic: 'orders.paid', type: 'order.paid', payload: { orderId: 100 + i } });
  await call('POST', '/api/roles', { name: 'deployer', description: 'Deploys to staging', permissions: ['deployments:read', 'deployments:create', 'topics:read'] });

  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript((t) => localStorage.setItem('realtime.admin.session', t), setup.body.sessionToken);
  const page = await context.newPage();
  for (const [name, route] of SHOTS) {
    await page.goto(`${srv.url}${route}`);
    await page.locator('main h1').first().waitFor();
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(500);  // charts and tables settle (a picture, not a test)
    await page.screenshot({ path: path.join(OUT, `admin-ui-${name}.png`) });
    console.log(`docs/images/admin-ui-${name}.png`);
  }
  await browser.close();
} finally {
  killAll();
}
