// Helpers for the end-to-end tests: start `build/bin/realtime` as a real process, wait for it,
// talk HTTP to it, stop it. No npm dependencies: Node 20 built-ins only.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = path.resolve(REPO_ROOT, process.env.REALTIME_BIN || 'build/bin/realtime');

const START_TIMEOUT_MS = 15_000;
const RUN_TIMEOUT_MS = 15_000;

// Every process we spawn, so that killAll() (and process exit) can clean up leftovers.
const live = new Set();

/** SIGKILL every process still running. Call from an `after` hook. */
export function killAll() {
  for (const proc of live) {
    if (proc.exitCode === null && proc.signalCode === null) {
      try { proc.kill('SIGKILL'); } catch { /* already gone */ }
    }
  }
  live.clear();
}
// Temp dirs we made; removed when the test process exits unless E2E_KEEP_TMP=1.
const tempDirs = [];
process.on('exit', () => {
  killAll();
  if (process.env.E2E_KEEP_TMP === '1') return;
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory (for REALTIME_DATA_DIR, or as cwd). */
export function tempDir(prefix = 'realtime-e2e-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** A TCP port that was free a moment ago (bind to port 0, read it, release it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A clean environment: PATH only, plus the given vars. A var given as undefined is removed.
function cleanEnv(defaults, env) {
  const out = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...defaults, ...env };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

function spawnBin(args, env, cwd) {
  if (!fs.existsSync(BIN)) throw new Error(`server binary not found: ${BIN} (build it, or set REALTIME_BIN)`);
  // cwd is a temp dir so that a stray .env or ./data in the repo cannot leak into a test.
  const proc = spawn(BIN, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  const out = { stdout: '', stderr: '' };
  proc.stdout.setEncoding('utf8').on('data', (d) => { out.stdout += d; });
  proc.stderr.setEncoding('utf8').on('data', (d) => { out.stderr += d; });
  // Resolves once the process has exited AND its pipes are drained.
  const exited = new Promise((resolve) => {
    proc.on('error', (err) => { out.stderr += `\n[spawn error] ${err.message}`; resolve({ code: null, signal: null }); });
    proc.on('close', (code, signal) => { live.delete(proc); resolve({ code, signal }); });
  });
  return { proc, out, exited };
}

function describeOutput(out) {
  return `--- stdout ---\n${out.stdout}\n--- stderr ---\n${out.stderr}`;
}

/**
 * Start `realtime serve`.
 * - env: extra environment (wins over the defaults below; undefined removes a default)
 * - dataDir: REALTIME_DATA_DIR (default: a fresh temp dir)
 * - port: PORT (default: a free port)
 * - expectFail: do not wait for /health; wait for the process to exit (up to timeoutMs, default
 *   15 s, then SIGKILL) and resolve {code, signal, ms, timedOut, stdout, stderr}.
 * Otherwise resolves {url, port, dataDir, proc, stdout(), stderr(), stop(signal)} once
 * GET /health answers 200; rejects (with the output) if the process exits first or on timeout.
 */
export async function startServer({ env = {}, dataDir, port, expectFail = false, timeoutMs } = {}) {
  port = port ?? (await freePort());
  dataDir = dataDir ?? tempDir();
  const fullEnv = cleanEnv({ PORT: String(port), REALTIME_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, env);
  const t0 = Date.now();
  const { proc, out, exited } = spawnBin(['serve'], fullEnv, dataDir);

  if (expectFail) {
    const limit = timeoutMs ?? START_TIMEOUT_MS;
    let timer;
    const timeout = new Promise((r) => { timer = setTimeout(() => r('timeout'), limit); });
    const first = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    let timedOut = false;
    let res = first;
    if (first === 'timeout') {
      timedOut = true;
      proc.kill('SIGKILL');
      res = await exited;
    }
    return { ...res, ms: Date.now() - t0, timedOut, stdout: out.stdout, stderr: out.stderr };
  }

  const url = `http://127.0.0.1:${port}`;
  let exitInfo = null;
  exited.then((r) => { exitInfo = r; });
  const deadline = t0 + (timeoutMs ?? START_TIMEOUT_MS);
  for (;;) {
    if (exitInfo) {
      throw new Error(`server exited before /health answered (code ${exitInfo.code}, signal ${exitInfo.signal})\n${describeOutput(out)}`);
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      await exited;
      throw new Error(`server did not answer GET /health with 200 within ${timeoutMs ?? START_TIMEOUT_MS} ms\n${describeOutput(out)}`);
    }
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch { /* not listening yet */ }
    await sleep(100);
  }

  return {
    url,
    port,
    dataDir,
    proc,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    output: () => describeOutput(out),
    exited,
    /** Send `signal`, wait (up to 15 s, then SIGKILL) and report how it ended and how long it took. */
    async stop(signal = 'SIGTERM') {
      const s0 = Date.now();
      if (proc.exitCode !== null || proc.signalCode !== null) {
        const r = await exited;
        return { ...r, ms: 0 };
      }
      proc.kill(signal);
      let timer;
      const timeout = new Promise((r) => { timer = setTimeout(() => r('timeout'), 15_000); });
      const first = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (first === 'timeout') {
        proc.kill('SIGKILL');
        const r = await exited;
        return { ...r, ms: Date.now() - s0, timedOut: true };
      }
      return { ...first, ms: Date.now() - s0 };
    },
  };
}

/**
 * Run the binary with `args` to completion (timeout 15 s, then SIGKILL).
 * Clean environment: PATH, LOG_LEVEL=warn, REALTIME_DATA_DIR=<fresh temp dir>, plus `env`.
 */
export async function runOnce(args, env = {}) {
  const cwd = tempDir('realtime-e2e-cwd-');
  const fullEnv = cleanEnv({ LOG_LEVEL: 'warn', REALTIME_DATA_DIR: tempDir() }, env);
  const { proc, out, exited } = spawnBin(args, fullEnv, cwd);
  let timer;
  const timeout = new Promise((r) => { timer = setTimeout(() => r('timeout'), RUN_TIMEOUT_MS); });
  let res = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  let timedOut = false;
  if (res === 'timeout') {
    timedOut = true;
    proc.kill('SIGKILL');
    res = await exited;
  }
  return { code: res.code, signal: res.signal, timedOut, stdout: out.stdout, stderr: out.stderr };
}

/**
 * One HTTP request with fetch. `json` (any value) is sent as a JSON body with
 * content-type application/json. Resolves {status, headers, text, body} where body is the
 * parsed JSON or undefined when the response is not JSON.
 */
export async function api(baseUrl, method, urlPath, { json, body, headers = {} } = {}) {
  const init = { method, headers: { ...headers }, signal: AbortSignal.timeout(10_000) };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    if (!Object.keys(init.headers).some((h) => h.toLowerCase() === 'content-type')) {
      init.headers['content-type'] = 'application/json';
    }
  } else if (body !== undefined) {
    init.body = body;
  }
  const res = await fetch(baseUrl + urlPath, init);
  if ((res.headers.get('content-type') || '').startsWith('text/event-stream')) {
    // A stream (GET /api/socket/traffic) never ends: its status and headers are the answer.
    await res.body?.cancel();
    return { status: res.status, headers: res.headers, text: '', body: undefined, stream: true };
  }
  const text = await res.text();
  let parsed;
  try { parsed = JSON.parse(text); } catch { parsed = undefined; }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/**
 * One HTTP request with node:http (for what fetch cannot express: huge headers, early
 * responses to huge bodies, keep-alive agents). Resolves as soon as the response is read;
 * errors while still writing the request body are ignored if a response arrived.
 */
export function rawRequest(baseUrl, method, urlPath, { headers = {}, body, agent } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(urlPath, baseUrl);
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers, agent: agent ?? false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => {
          let parsed;
          try { parsed = JSON.parse(text); } catch { parsed = undefined; }
          resolve({ status: res.statusCode, headers: res.headers, text, body: parsed, reusedSocket: req.reusedSocket });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${method} ${urlPath}`)));
    req.on('error', (err) => reject(new Error(`${method} ${urlPath}: ${err.code ?? ''} ${err.message} (no response received)`)));
    if (body !== undefined) req.end(body); else req.end();
  });
}
