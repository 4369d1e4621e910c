/**
 * Start `build/bin/realtime serve` as a real process for the integration tests: a free port, a
 * temporary REALTIME_DATA_DIR (embedded SQLite), a clean environment (no DATABASE_URL or
 * REDIS_URL from the caller), development mode. Restartable on the same port and data dir.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SDK_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const REALTIME_BIN = path.resolve(SDK_ROOT, '..', process.env.REALTIME_BIN ?? 'build/bin/realtime');

/** The binary the tests run: a private copy made by the global setup (see snapshotBinary), else REALTIME_BIN. */
let bin = REALTIME_BIN;
export function useBinary(file: string): void {
  bin = file;
}

/**
 * Copy the binary to `dir` once it is complete (its size and mtime stable for a second, and
 * `realtime version` runs), so that a rebuild of build/ during the test run cannot pull the
 * binary out from under a test. Returns the copy's path.
 */
export async function snapshotBinary(dir: string): Promise<string> {
  if (!fs.existsSync(REALTIME_BIN)) throw new Error(`server binary not found: ${REALTIME_BIN} (run \`make build\`, or set REALTIME_BIN)`);
  const deadline = Date.now() + 180_000;
  let last = '';
  for (;;) {
    const st = fs.statSync(REALTIME_BIN, { throwIfNoEntry: false });
    const now = st ? `${st.size}:${st.mtimeMs}` : '';
    if (st && now === last) {
      const copy = path.join(dir, 'realtime');
      fs.copyFileSync(REALTIME_BIN, copy);
      fs.chmodSync(copy, 0o755);
      const ok = await new Promise<boolean>((resolve) => execFile(copy, ['version'], { timeout: 10_000 }, (err) => resolve(!err)));
      if (ok) return copy;
    }
    if (Date.now() > deadline) throw new Error(`server binary not found or not runnable: ${REALTIME_BIN} (run \`make build\`, or set REALTIME_BIN)`);
    last = now;
    await sleep(1000);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function cleanEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'development', LOG_LEVEL: 'warn', ...extra };
}

export interface RealtimeProcess {
  url: string;
  port: number;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

/** `env`: extra environment variables for the server (e.g. REALTIME_WEBHOOK_RETRY_BASE_MS). */
export async function startRealtime(opts: { port?: number; dataDir?: string; env?: Record<string, string> } = {}): Promise<RealtimeProcess> {
  if (!fs.existsSync(bin)) throw new Error(`server binary not found: ${bin} (run \`make build\`, or set REALTIME_BIN)`);
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'realtime-sdk-'));
  const ownsDir = opts.dataDir === undefined;
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  let proc: ChildProcess;

  const spawnOnce = async () => {
    proc = spawn(bin, ['serve'], { cwd: dataDir, env: cleanEnv({ ...opts.env, PORT: String(port), REALTIME_DATA_DIR: dataDir }), stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`realtime exited during start-up (${proc.exitCode ?? proc.signalCode})\n${out}`);
      if (Date.now() > deadline) throw new Error(`realtime did not answer /health within 15 s\n${out}`);
      try {
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        /* not listening yet */
      }
      await sleep(100);
    }
  };
  const stopOnce = async () => {
    const p = proc;
    if (p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), 12_000);
    await exited;
    clearTimeout(timer);
  };

  await spawnOnce();
  return {
    url,
    port,
    dataDir,
    output: () => out,
    async stop() {
      await stopOnce();
      if (ownsDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await stopOnce();
      await spawnOnce();
    },
  };
}

/** `realtime token --app default --permissions <p>` against the server's data dir (signs with its key). */
export function cliToken(dataDir: string, permissions: string, subject?: string): Promise<string> {
  const args = ['token', '--app', 'default', '--permissions', permissions, '--ttl', '2h', ...(subject ? ['--sub', subject] : [])];
  return new Promise((resolve, reject) => {
    execFile(bin, args, { cwd: dataDir, env: cleanEnv({ REALTIME_DATA_DIR: dataDir }), timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`realtime token failed: ${err.message}\n${stderr}`));
      const token = stdout.trim();
      if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return reject(new Error(`realtime token printed no JWT: ${stdout}\n${stderr}`));
      resolve(token);
    });
  });
}

/**
 * The routes the integration tests use that the running binary does not serve (404/405), each
 * as "METHOD path -> status"; empty when it serves them all.
 */
export async function missingRoutes(url: string, adminToken: string): Promise<string[]> {
  const auth = { authorization: `Bearer ${adminToken}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const probes: Array<[string, string, RequestInit]> = [
    ['GET', '/socket.io/?EIO=4&transport=polling', {}],
    ['POST', '/auth/token', { headers: json, body: JSON.stringify({ applicationId: 'default', permissions: ['subscribe'] }) }],
    ['POST', '/api/events', { headers: json, body: JSON.stringify({ topic: 'sdk.probe', payload: {} }) }],
    ['POST', '/api/sync/sdkprobe/documents', { headers: json, body: JSON.stringify({ id: 'probe', data: { probe: true } }) }],
    ['GET', '/api/sync/sdkprobe/documents/probe', { headers: auth }],
    ['PATCH', '/api/sync/sdkprobe/documents/probe/merge', { headers: json, body: JSON.stringify({ data: { more: 1 } }) }],
    ['POST', '/api/sync/sdkprobe/documents/probe/mutate', { headers: json, body: JSON.stringify({ mutations: { more: 2 } }) }],
    ['PUT', '/api/sync/sdkprobe/documents/probe', { headers: json, body: JSON.stringify({ data: { replaced: true } }) }],
    ['GET', '/api/sync/sdkprobe/documents', { headers: auth }],
    ['DELETE', '/api/sync/sdkprobe/documents/probe', { headers: auth }],
    ['GET', '/api/webhooks', { headers: auth }],
    ['GET', '/api/webhooks/logs', { headers: auth }],
  ];
  const missing: string[] = [];
  for (const [method, route, init] of probes) {
    const res = await fetch(`${url}${route}`, { method, ...init, signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    if (res.status === 404 || res.status === 405) missing.push(`${method} ${route} -> ${res.status}`);
  }
  return missing;
}
