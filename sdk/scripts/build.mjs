// Build the package into dist/:
//   dist/esm/      ES modules + .d.ts            (tsc, tsconfig.build.json)
//   dist/cjs/      CommonJS + .d.ts              (tsc, tsconfig.cjs.json; package.json {"type":"commonjs"})
//   dist/browser/  realtime.global.js (IIFE, global `Realtime`) and realtime.esm.js (ES module),
//                  self-contained: socket.io-client is bundled in (esbuild)
// Usage: node scripts/build.mjs [--if-stale]   (--if-stale: skip when dist/ is complete and newer than
//        every source, tsconfig and package.json — used by prepack and the pack script)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const outputs = ['esm/index.js', 'esm/index.node.js', 'esm/index.d.ts', 'cjs/index.js', 'cjs/index.node.js', 'cjs/package.json', 'browser/realtime.global.js', 'browser/realtime.esm.js'];

const newestInput = () => {
  const files = ['package.json', 'tsconfig.base.json', 'tsconfig.build.json', 'tsconfig.cjs.json'].map((f) => path.join(root, f));
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : files.push(path.join(d, e.name))));
  walk(path.join(root, 'src'));
  return Math.max(...files.map((f) => fs.statSync(f).mtimeMs));
};
if (process.argv.includes('--if-stale')) {
  const built = outputs.map((f) => fs.statSync(path.join(dist, f), { throwIfNoEntry: false }));
  if (built.every(Boolean) && Math.min(...built.map((s) => s.mtimeMs)) > newestInput()) {
    console.error('build: dist/ is up to date');
    process.exit(0);
  }
}

const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const run = (args) => execFileSync(process.execPath, [tsc, ...args], { cwd: root, stdio: ['ignore', 2, 2] });

fs.rmSync(dist, { recursive: true, force: true });
run(['-p', 'tsconfig.build.json']);
run(['-p', 'tsconfig.cjs.json']);
fs.writeFileSync(path.join(dist, 'cjs', 'package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');

const esbuild = await import('esbuild');
const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const common = {
  entryPoints: [path.join(root, 'src', 'index.ts')],
  bundle: true,
  platform: 'browser',
  target: ['es2020'],
  sourcemap: true,
  minify: true,
  legalComments: 'eof',
  banner: { js: `/* @smarterservices/realtime ${version} (browser bundle, includes socket.io-client) */` },
  logLevel: 'warning',
};
await esbuild.build({ ...common, format: 'iife', globalName: 'Realtime', outfile: path.join(dist, 'browser', 'realtime.global.js') });
await esbuild.build({ ...common, format: 'esm', outfile: path.join(dist, 'browser', 'realtime.esm.js') });

for (const f of outputs) {
  if (!fs.existsSync(path.join(dist, f))) throw new Error(`build: missing output dist/${f}`);
}
const size = (f) => `${(fs.statSync(path.join(dist, f)).size / 1024).toFixed(1)} KiB`;
console.error(`build: dist/esm, dist/cjs, dist/browser (global ${size('browser/realtime.global.js')}, esm ${size('browser/realtime.esm.js')})`);
