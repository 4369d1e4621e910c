// The `docs-pg` and `docs-redis` scenarios of bench/run.mjs (issue 20 item 1): the durable
// document write path of the `docs-write` scenario (keep-alive HTTP merges over many documents,
// one subscriber) on the two other storage modes, each on a `realtime serve` of its own:
//   docs-pg     DATABASE_URL on a throwaway PostgreSQL 15 with fsync and synchronous_commit
//               on (a commit waits for its WAL flush, as in production): group commit;
//   docs-redis  REDIS_URL (write-back, the default SYNC_WRITE_MODE) on a throwaway Redis 7, the
//               embedded SQLite behind it: a write is acknowledged once it is in Redis.
// Ours only (the Node peers have no documents). The PostgreSQL and Redis come from
// scripts/test-services.sh on ports of their own.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PG_BIN, run } from './cdc.mjs';

// ctx: { S, portBase, root, serverBin, start, waitHealthy, loadgen, log } from bench/run.mjs.
export async function runDocsBackends(ctx) {
  const { S, portBase, root, serverBin, start, waitHealthy, loadgen, log } = ctx;
  const pgPort = portBase + 20, redisPort = portBase + 21, port = portBase + 22;
  const svcDir = fs.mkdtempSync(path.join(os.tmpdir(), 'realtime-bench-docs-svc-'));
  const svcEnv = { ...process.env, TEST_SERVICES_DIR: svcDir, TEST_PG_PORT: String(pgPort), TEST_REDIS_PORT: String(redisPort) };
  const services = path.join(root, 'scripts/test-services.sh');
  const pgAdmin = `postgresql://realtime:realtime@127.0.0.1:${pgPort}/realtime_test`;
  const psql = (sql) => run(path.join(PG_BIN, 'psql'), [pgAdmin, '-v', 'ON_ERROR_STOP=1', '-Atqc', sql]);
  const results = {};
  const one = async (key, env) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `realtime-bench-${key}-`));
    const server = start(`ours-${key}`, serverBin, ['serve'], {
      REALTIME_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'development', REALTIME_WS_RATE_PER_SECOND: '0', ...env,
    }, dataDir);
    try {
      await waitHealthy(port, 60000);
      const token = execFileSync(serverBin, ['token', '--app', 'default', '--permissions', 'admin', '--ttl', '2h'],
        { env: { ...process.env, REALTIME_DATA_DIR: dataDir, ...env }, encoding: 'utf8' }).trim();
      log(`${key} on ours (${Object.keys(env).join(', ')})`);
      return await loadgen(['--port', String(port), '--proto', 'ws', '--token', token, '--server-pid', String(server.pid),
        '--warmup-ms', String(S.warmup), '--duration-ms', String(S.duration), '--label', 'ours', '--scenario', 'docs', '--subs', '1',
        '--topic', 'sync.bench.updated', '--service', 'bench', '--pubs', String(S.docsClients), '--docs', String(S.docsDocs),
        '--doc-prefix', key]);
    } catch (e) {
      return { ok: false, error: e.message };
    } finally {
      server.expectedExit = true;
      server.kill('SIGTERM');
      await new Promise((r) => (server.exitCode !== null ? r() : server.on('exit', r)));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  };
  try {
    execFileSync(services, ['start'], { env: svcEnv, stdio: 'pipe' });
    // The test cluster runs with fsync and synchronous_commit off; durable writes are measured.
    await psql('ALTER SYSTEM SET fsync = on');
    await psql('ALTER SYSTEM SET synchronous_commit = on');
    await psql('SELECT pg_reload_conf()');
    const fsync = await psql('SHOW fsync');
    results['docs-pg'] = { ours: { ...(await one('docs-pg', { DATABASE_URL: pgAdmin })), pg_fsync: fsync } };
    results['docs-redis'] = { ours: await one('docs-redis', { REDIS_URL: `redis://127.0.0.1:${redisPort}` }) };
  } catch (e) {
    for (const k of ['docs-pg', 'docs-redis']) results[k] ??= { ours: { ok: false, error: e.message } };
  } finally {
    try { execFileSync(services, ['stop'], { env: svcEnv, stdio: 'pipe' }); } catch {}
    fs.rmSync(svcDir, { recursive: true, force: true });
  }
  return results;
}
