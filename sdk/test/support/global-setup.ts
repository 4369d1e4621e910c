/**
 * Before the integration files: make sure the packed SDK is installed in .pack/consumer (run
 * scripts/pack-consumer.mjs if not), snapshot the server binary, and check that it serves every
 * route the tests use. The integration tests run against the real binary only: a missing binary
 * or a missing route fails the run (there is no stand-in server and nothing is skipped).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { cliToken, missingRoutes, REALTIME_BIN, SDK_ROOT, snapshotBinary, startRealtime, useBinary } from './realtime-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    consumerDir: string;
    realtimeBin: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const consumerDir = path.join(SDK_ROOT, '.pack', 'consumer');
  if (!fs.existsSync(path.join(consumerDir, 'node_modules', '@smarterservices', 'realtime', 'package.json'))) {
    execFileSync(process.execPath, [path.join(SDK_ROOT, 'scripts', 'pack-consumer.mjs')], { cwd: SDK_ROOT, stdio: 'inherit' });
  }
  const binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'realtime-sdk-bin-'));
  const realtimeBin = await snapshotBinary(binDir);
  useBinary(realtimeBin);
  const srv = await startRealtime();
  let missing: string[];
  try {
    missing = await missingRoutes(srv.url, await cliToken(srv.dataDir, 'admin'));
  } finally {
    await srv.stop();
  }
  if (missing.length > 0) {
    fs.rmSync(binDir, { recursive: true, force: true });
    throw new Error(`SDK integration: ${REALTIME_BIN} lacks routes the tests need:\n  ${missing.join('\n  ')}`);
  }
  project.provide('consumerDir', consumerDir);
  project.provide('realtimeBin', realtimeBin);
  return () => fs.rmSync(binDir, { recursive: true, force: true });
}
