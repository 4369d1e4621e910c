// Helpers for the CDC e2e tests (docs/cdc.md): fresh target databases on REALTIME_TEST_PG_URL's
// server through the `psql` CLI, a unique replication slot per server, the reader status route,
// mappings, and collecting the CDC events a /ws or Socket.IO subscriber receives.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { api } from './server.mjs';
import { assertJson } from './expect.mjs';
import { waitUntil } from './webhook_receiver.mjs';

export const PG = process.env.REALTIME_TEST_PG_URL;
export const skip = !PG && !process.env.REALTIME_REQUIRE_PG ? 'REALTIME_TEST_PG_URL is not set (scripts/test-services.sh env)' : false;
export const hex = () => crypto.randomBytes(4).toString('hex');

/** Runs `sql` with psql (ON_ERROR_STOP): the unaligned output, trimmed. Throws on an error. */
export const psql = (url, sql) => execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-Atc', sql], { encoding: 'utf8' }).trim();
/** The same without blocking the event loop (for bulk inserts while the test does other things). */
export const psqlAsync = (url, sql) => new Promise((resolve, reject) => {
  execFile('psql', [url, '-v', 'ON_ERROR_STOP=1', '-Atc', sql], { encoding: 'utf8', maxBuffer: 1 << 24 },
    (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout.trim())));
});
/** `url` with another database and, optionally, another user/password. */
export function withDb(url, db, user, password) {
  const u = new URL(url);
  u.pathname = `/${db}`;
  if (user) { u.username = user; u.password = password; }
  return u.toString();
}

/** CREATE DATABASE cdc_e2e_<prefix>_<hex>; returns {name, url}. */
export function createTarget(prefix) {
  assert.ok(PG, 'REALTIME_TEST_PG_URL is required (REALTIME_REQUIRE_PG is set)');
  const name = `cdc_e2e_${prefix}_${hex()}`;
  psql(PG, `CREATE DATABASE ${name}`);
  return { name, url: withDb(PG, name) };
}

/** Best effort, after the servers were killed: drop the slots, the publication, the databases, the roles. */
export function cleanup({ slots = [], targets = [], roles = [], dbs = [] }) {
  const tryIt = (fn) => { try { fn(); } catch (e) { console.error(`cleanup: ${e.message}`); } };
  for (const slot of slots) {
    // A killed server's walsender may take a moment to release the slot.
    for (let i = 0; i < 50; i++) {
      const active = psql(PG, `SELECT active FROM pg_replication_slots WHERE slot_name = '${slot}'`);
      if (active !== 't') break;
      execFileSync('sleep', ['0.1']);
    }
    tryIt(() => psql(PG, `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '${slot}'`));
  }
  for (const t of targets) {
    tryIt(() => psql(t.url, 'DROP PUBLICATION IF EXISTS realtime_cdc_pub'));
    tryIt(() => psql(PG, `DROP DATABASE IF EXISTS ${t.name} WITH (FORCE)`));
  }
  for (const db of dbs) tryIt(() => psql(PG, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
  for (const r of roles) tryIt(() => psql(PG, `DROP ROLE IF EXISTS ${r}`));
}

/** A unique slot name for one server (slot names are cluster wide). */
export const slotName = () => `rt_e2e_${hex()}`;
// The pid of the walsender streaming `slot`, or '' — not the backend that holds the slot for a
// moment while pg_create_logical_replication_slot() runs (that one is not in pg_stat_replication).
export const slotStreamer = (slot) => psql(PG, `SELECT s.active_pid FROM pg_replication_slots s
  JOIN pg_stat_replication r ON r.pid = s.active_pid WHERE s.slot_name = '${slot}' AND s.active`);

/** The env of a development `serve` with CDC on `slot`. */
export const cdcEnv = (slot, extra = {}) => ({ NODE_ENV: 'development', CDC_SLOT_NAME: slot, LOG_LEVEL: 'info', ...extra });

/** GET /api/database/status -> the readers. */
export async function readers(srv, headers = {}) {
  const r = await api(srv.url, 'GET', '/api/database/status', { headers });
  assertJson(r, 200);
  assert.ok(Array.isArray(r.body), r.text);
  return r.body;
}

/** Polls the status until one reader satisfies pred; returns that reader. */
export function waitReader(srv, pred, what, ms = 15_000) {
  let last;
  return waitUntil(async () => {
    last = await readers(srv);
    return last.find(pred);
  }, { ms, interval: 100, what: () => `reader ${what}; readers: ${JSON.stringify(last)}` });
}

/** Waits until the only reader streams (optionally with `tables`) and returns it. */
export function waitStreaming(srv, tables, ms = 15_000) {
  return waitReader(srv, (r) => r.state === 'streaming' && (!tables || tables.every((t) => r.tables.includes(t))),
    `streaming${tables ? ` ${tables}` : ''}`, ms);
}

/** POST /api/database/mappings -> 201; returns the mapping. */
export async function createMapping(srv, json, headers = {}) {
  const r = await api(srv.url, 'POST', '/api/database/mappings', { json, headers });
  assertJson(r, 201);
  return r.body;
}

/** PATCH /api/database/mappings/:id -> 200. */
export async function patchMapping(srv, id, json, headers = {}) {
  const r = await api(srv.url, 'PATCH', `/api/database/mappings/${id}`, { json, headers });
  assertJson(r, 200);
  return r.body;
}

/** PATCH /api/applications/:app {config: {cdc}} -> 200. */
export async function setCdcConfig(srv, cdc, app = 'default', headers = {}) {
  const r = await api(srv.url, 'PATCH', `/api/applications/${app}`, { json: { config: { cdc } }, headers });
  assertJson(r, 200);
  return r.body;
}

/** The CDC events (RealtimeEvent) a /ws client has received so far on `topic`, in order. */
export const wsEvents = (c, topic) => c.all.filter((m) => m.type === 'event' && m.topic === topic).map((m) => m.data);
/** Waits until the /ws client has `n` events on `topic`; returns them. */
export async function wsCount(c, topic, n, ms = 15_000) {
  await c.waitFor(() => wsEvents(c, topic).length >= n, ms, `${n} events on ${topic} (have ${wsEvents(c, topic).length})`);
  return wsEvents(c, topic);
}
/** The same for a socket.io-client socket (its inbox keeps every event in `all`). */
export const sioEvents = (s, topic) => s.inbox.all.filter((e) => e.topic === topic);
export const sioCount = (s, topic, n, ms = 15_000) => waitUntil(
  () => (sioEvents(s, topic).length >= n ? sioEvents(s, topic) : false),
  { ms, interval: 20, what: () => `${n} Socket.IO events on ${topic} (have ${sioEvents(s, topic).length})` });
