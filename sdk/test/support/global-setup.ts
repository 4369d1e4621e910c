/**
 * Before the integration files: make sure the packed SDK is installed in .pack/consumer (run
 * scripts/pack-consumer.mjs if not), and find out what the server binary offers, so that the
 * binary's Socket.IO / sync tests are skipped — loudly — only when the server lacks them.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { cliToken, probeCapabilities, REALTIME_BIN, SDK_ROOT, snapshotBinary, startRealtime, useBinary } from './realtime-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    consumerDir: string;
    realtimeBin: string;
    targets: string[];
    binary: { socketio: boolean; sync: boolean };
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const consumerDir = path.join(SDK_ROOT, '.pack', 'consumer');
  if (!fs.existsSync(path.join(consumerDir, 'node_modules', '@smarterservices', 'realtime', 'package.json'))) {
    execFileSync(process.execPath, [path.join(SDK_ROOT, 'scripts', 'pack-consumer.mjs')], { cwd: SDK_ROOT, stdio: 'inherit' });
  }
  const targets = (process.env.REALTIME_SDK_TARGETS ?? 'binary,double').split(',').map((t) => t.trim()).filter(Boolean);
  let binary = { socketio: false, sync: false };
  let realtimeBin = REALTIME_BIN;
  if (targets.includes('binary')) {
    const binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'realtime-sdk-bin-'));
    realtimeBin = await snapshotBinary(binDir);
    useBinary(realtimeBin);
    const srv = await startRealtime();
    try {
      binary = await probeCapabilities(srv.url, await cliToken(srv.dataDir, 'admin'));
    } finally {
      await srv.stop();
    }
    const missing = [!binary.socketio && 'Socket.IO (GET /socket.io/?EIO=4&transport=polling answers 404)', !binary.sync && 'sync documents (POST /api/sync/:service/documents answers 404)'].filter(Boolean);
    if (missing.length > 0) {
      const line = '!'.repeat(100);
      console.warn(`\n${line}\n!! SDK integration: ${REALTIME_BIN} lacks ${missing.join(' and ')}.\n!! The binary's tests that need it are SKIPPED; they run against the contract double only.\n${line}\n`);
    }
  }
  project.provide('consumerDir', consumerDir);
  project.provide('realtimeBin', realtimeBin);
  project.provide('targets', targets);
  project.provide('binary', binary);
  return () => {
    if (realtimeBin !== REALTIME_BIN) fs.rmSync(path.dirname(realtimeBin), { recursive: true, force: true });
  };
}
