// Process lifecycle: config validation at start-up, signals, persistence across restarts, CLI.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { api, killAll, runOnce, startServer, tempDir } from './lib/server.mjs';
import { assertJson } from './lib/expect.mjs';

after(killAll);

const lines = (r) => `${r.stderr}\n${r.stdout}`.split('\n');

describe('invalid configuration stops start-up with exit code 2', () => {
  const cases = [
    ['PORT', { PORT: 'abc' }],
    ['NODE_ENV', { NODE_ENV: 'banana' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
  ];
  for (const [name, env] of cases) {
    test(`${name}=${env[name]}`, async () => {
      const r = await startServer({ env, expectFail: true, timeoutMs: 5_000 });
      const out = `--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
      assert.equal(r.timedOut, false, `still running after 5 s (it should have refused ${name})\n${out}`);
      assert.equal(r.code, 2, `exit code (signal ${r.signal})\n${out}`);
      assert.ok(r.ms < 5_000, `took ${r.ms} ms`);
      assert.ok(lines(r).some((l) => l.includes(name)), `no output line names ${name}\n${out}`);
    });
  }
});

describe('signals', () => {
  for (const signal of ['SIGTERM', 'SIGINT']) {
    test(`${signal} -> exit 0 within 10 s`, async () => {
      const srv = await startServer();
      const r = await srv.stop(signal);
      assert.equal(r.code, 0, `exit code ${r.code}, signal ${r.signal}\n${srv.output()}`);
      assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
    });
  }

  test('SIGTERM with an idle keep-alive connection open -> exit 0 within 10 s', async () => {
    const srv = await startServer();
    const sock = net.connect(srv.port, '127.0.0.1');
    let closedByServer = false;
    sock.on('error', () => {});
    sock.on('close', () => { closedByServer = true; });
    try {
      let text = '';
      await new Promise((resolve, reject) => {
        sock.on('error', reject);
        sock.on('data', (d) => {
          text += d;
          if (text.includes('\r\n\r\n') && text.includes('"ok"')) resolve();
        });
        sock.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nConnection: keep-alive\r\n\r\n`);
      });
      assert.match(text, /^HTTP\/1\.1 200/);
      assert.equal(closedByServer, false);
      const r = await srv.stop('SIGTERM');
      assert.equal(r.code, 0, `exit code ${r.code}, signal ${r.signal}\n${srv.output()}`);
      assert.ok(r.ms < 10_000, `took ${r.ms} ms with an idle connection open`);
    } finally {
      sock.destroy();
    }
  });
});

/** Create an application, restart the server with the same settings, find it again. */
async function checkSurvivesRestart(opts) {
  const name = `persist-${Date.now()}-${crypto.randomBytes(4).toString('hex')}`;
  const first = await startServer(opts);
  let id;
  try {
    const res = await api(first.url, 'POST', '/api/applications', {
      json: { name, description: 'survives restart', config: { cdc: { staging: 'postgresql://a:b@db:5432/x' } } },
    });
    assertJson(res, 201);
    id = res.body.id;
  } finally {
    const r = await first.stop();
    assert.equal(r.code, 0, `first server exit code ${r.code}\n${first.output()}`);
  }
  const second = await startServer(opts);
  try {
    const res = await api(second.url, 'GET', `/api/applications/${id}?reveal=true`);
    assertJson(res, 200);
    assert.equal(res.body.name, name);
    assert.equal(res.body.description, 'survives restart');
    assert.deepEqual(res.body.config, { cdc: { staging: 'postgresql://a:b@db:5432/x' } });
    const list = await api(second.url, 'GET', '/api/applications');
    assert.ok(list.body.some((a) => a.id === 'default'), 'default application still there');
    assert.equal(list.body.filter((a) => a.id === 'default').length, 1, 'default application not duplicated');
    // Leave the shared PostgreSQL database as we found it.
    const del = await api(second.url, 'DELETE', `/api/applications/${id}`);
    assert.equal(del.status, 204, del.text);
  } finally {
    await second.stop();
  }
}

describe('persistence', () => {
  test('data survives a restart on SQLite (REALTIME_DATA_DIR)', async () => {
    const dataDir = tempDir();
    await checkSurvivesRestart({ dataDir });
    assert.ok(fs.readdirSync(dataDir).length > 0, 'nothing was written under REALTIME_DATA_DIR');
  });

  test('data survives a restart on PostgreSQL (REALTIME_TEST_PG_URL)', async (t) => {
    const pg = process.env.REALTIME_TEST_PG_URL;
    if (!pg) {
      t.skip('REALTIME_TEST_PG_URL is not set');
      return;
    }
    await checkSurvivesRestart({ env: { DATABASE_URL: pg } });
  });

  test('PostgreSQL unreachable -> still serves /health; /ready 503 with database down', async () => {
    const srv = await startServer({ env: { DATABASE_URL: 'postgresql://realtime@127.0.0.1:1/none' } });
    try {
      const health = await api(srv.url, 'GET', '/health');
      assert.equal(health.status, 200, health.text);
      const ready = await api(srv.url, 'GET', '/ready');
      assertJson(ready, 503);
      assert.equal(ready.body.checks?.database?.status, 'down', ready.text);
      assert.notEqual(ready.body.status, 'ready', ready.text);
    } finally {
      const r = await srv.stop();
      assert.equal(r.code, 0, `exit code ${r.code}\n${srv.output()}`);
    }
  });

  test('Redis configured but unreachable -> /ready 503 with redis down, database up', async () => {
    const srv = await startServer({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const ready = await api(srv.url, 'GET', '/ready');
      assertJson(ready, 503);
      assert.equal(ready.body.checks?.redis?.status, 'down', ready.text);
      assert.equal(ready.body.checks?.database?.status, 'up', ready.text);
    } finally {
      const r = await srv.stop();
      assert.equal(r.code, 0, `exit code ${r.code}\n${srv.output()}`);
    }
  });
});

describe('CLI', () => {
  test('realtime version -> exit 0, prints a version', async () => {
    const r = await runOnce(['version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\d+\.\d+/, `no version in stdout: ${r.stdout}`);
  });

  test('realtime --help -> exit 0, mentions serve and migrate', async () => {
    const r = await runOnce(['--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\bserve\b/, r.stdout);
    assert.match(r.stdout, /\bmigrate\b/, r.stdout);
  });

  test('realtime bogus -> exit 2, usage on stderr', async () => {
    const r = await runOnce(['bogus']);
    assert.equal(r.code, 2, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assert.match(r.stderr, /usage/i, `stderr: ${r.stderr}`);
  });

  test('realtime migrate status|latest|rollback on SQLite', async () => {
    const env = { REALTIME_DATA_DIR: tempDir() };
    const migrationLine = (r) => r.stdout.split('\n').find((l) => l.includes('0001_applications'));
    const step = async (args) => {
      const r = await runOnce(args, env);
      assert.equal(r.code, 0, `realtime ${args.join(' ')} -> ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      return r;
    };

    let r = await step(['migrate', 'status']);
    assert.ok(migrationLine(r), `status does not list 0001_applications:\n${r.stdout}`);
    assert.match(migrationLine(r), /pending/i, 'fresh database: 0001_applications is pending');

    await step(['migrate', 'latest']);
    r = await step(['migrate', 'status']);
    assert.ok(migrationLine(r), `status does not list 0001_applications:\n${r.stdout}`);
    assert.doesNotMatch(migrationLine(r), /pending/i, `after latest it must be applied:\n${r.stdout}`);

    await step(['migrate', 'rollback']);
    r = await step(['migrate', 'status']);
    assert.match(migrationLine(r) ?? '', /pending/i, `after rollback it must be pending:\n${r.stdout}`);

    await step(['migrate', 'latest']);
    r = await step(['migrate', 'status']);
    assert.doesNotMatch(migrationLine(r) ?? 'missing', /pending|missing/i, `latest must re-apply:\n${r.stdout}`);
  });
});
