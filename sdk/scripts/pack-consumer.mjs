// Pack the SDK exactly as it would be published (`npm pack`) and install the tarball into a
// fresh consumer project, .pack/consumer/, the way an application would. The integration tests
// and the README type-check use that installed copy, not the sources.
//
//   .pack/smarterservices-realtime-<version>.tgz
//   .pack/consumer/package.json            depends on the tarball (and nothing else)
//   .pack/consumer/node_modules/...        @smarterservices/realtime + socket.io-client
//   .pack/consumer/entry.mjs | entry.cjs   re-export the package via `import` / `require`
//
// Then smoke-checks the install: ESM and CJS load with the same exports, the runtime
// dependencies are only socket.io-client, the browser bundles exist.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packDir = path.join(root, '.pack');
const consumer = path.join(packDir, 'consumer');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

fs.rmSync(packDir, { recursive: true, force: true });
fs.mkdirSync(consumer, { recursive: true });

const out = execFileSync(npm, ['pack', '--json', '--pack-destination', packDir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const [info] = JSON.parse(out);
const tarball = path.join(packDir, info.filename);
const files = info.files.map((f) => f.path);
for (const required of ['package.json', 'README.md', 'dist/esm/index.js', 'dist/cjs/index.js', 'dist/esm/index.d.ts', 'dist/browser/realtime.global.js']) {
  if (!files.includes(required)) throw new Error(`pack: ${required} is missing from the tarball`);
}
const stray = files.filter((f) => /(^|\/)(node_modules|test|\.pack)\//.test(f));
if (stray.length) throw new Error(`pack: unexpected files in the tarball: ${stray.join(', ')}`);
console.log(`pack: ${info.filename} (${files.length} files, ${(info.size / 1024).toFixed(1)} KiB)`);

fs.writeFileSync(
  path.join(consumer, 'package.json'),
  JSON.stringify({ name: 'sdk-consumer', private: true, type: 'module', dependencies: { '@smarterservices/realtime': `file:../${info.filename}` } }, null, 2) + '\n',
);
execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: consumer, stdio: 'inherit' });
fs.writeFileSync(path.join(consumer, 'entry.mjs'), "export * from '@smarterservices/realtime';\n");
fs.writeFileSync(path.join(consumer, 'entry.cjs'), "module.exports = require('@smarterservices/realtime');\n");

// The installed package is a copy of the tarball, not a link to the sources.
const installed = path.join(consumer, 'node_modules', '@smarterservices', 'realtime');
if (fs.lstatSync(installed).isSymbolicLink()) throw new Error('pack: the consumer links to the sources instead of installing the tarball');
const deps = Object.keys(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).dependencies ?? {});
if (deps.join() !== 'socket.io-client') throw new Error(`pack: runtime dependencies must be socket.io-client only, got ${deps.join(', ')}`);

const esm = Object.keys(await import(pathToFileURL(path.join(consumer, 'entry.mjs')).href)).filter((k) => k !== 'default').sort();
const cjsKeys = JSON.parse(execFileSync(process.execPath, ['-p', "JSON.stringify(Object.keys(require('./entry.cjs')).filter(k => k !== '__esModule').sort())"], { cwd: consumer, encoding: 'utf8' }));
if (JSON.stringify(esm) !== JSON.stringify(cjsKeys)) throw new Error(`pack: ESM and CJS exports differ:\n  esm ${esm}\n  cjs ${cjsKeys}`);
for (const name of ['RealtimeClient', 'SyncClient', 'ConflictError', 'NotFoundError', 'decodeToken', 'isTokenExpired', 'getTokenExpiresIn', 'shouldRefreshToken', 'WebhookReceiver', 'verifyWebhook', 'WebhookVerificationError']) {
  if (!esm.includes(name)) throw new Error(`pack: export ${name} is missing`);
}
console.log(`pack: installed into ${path.relative(root, consumer)}; ESM and CJS export the same ${esm.length} names`);
