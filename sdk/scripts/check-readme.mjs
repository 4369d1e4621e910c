// Type-check every ```ts block of README.md against the PACKED package, as an application
// would compile it: each block becomes a module in .pack/consumer/readme/ (where
// '@smarterservices/realtime' resolves to the installed tarball) and `tsc --noEmit` runs over
// them with strict settings. Framework modules the examples import (express, fastify,
// next/server) come from the small stand-ins in test/readme/ambient.d.ts.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const consumer = path.join(root, '.pack', 'consumer');
if (!fs.existsSync(path.join(consumer, 'node_modules', '@smarterservices', 'realtime'))) {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'pack-consumer.mjs')], { cwd: root, stdio: 'inherit' });
}
const dir = path.join(consumer, 'readme');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir);

const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => ({ code: m[1], line: readme.slice(0, m.index).split('\n').length + 1 }));
if (blocks.length === 0) throw new Error('check-readme: no ```ts blocks in README.md');
for (const [i, b] of blocks.entries()) {
  const name = `block-${String(i + 1).padStart(2, '0')}-line-${b.line}.ts`;
  fs.writeFileSync(path.join(dir, name), `${b.code}\nexport {};\n`);
}
fs.copyFileSync(path.join(root, 'test', 'readme', 'ambient.d.ts'), path.join(dir, 'ambient.d.ts'));
// The CommonJS typings too (the `require` condition resolves dist/cjs/*.d.ts).
fs.writeFileSync(
  path.join(dir, 'commonjs-types.cts'),
  "import realtime = require('@smarterservices/realtime');\n" +
    "const client: realtime.RealtimeClient = new realtime.RealtimeClient({ url: 'http://localhost:3000', token: 't', autoConnect: false });\n" +
    "const err: realtime.ConflictError = new realtime.ConflictError('revision conflict', { currentRevision: 2 });\n" +
    "const ok: boolean = realtime.isTokenExpired(client.token) && err.currentRevision === 2;\n" +
    "export = ok;\n",
);
fs.writeFileSync(
  path.join(dir, 'tsconfig.json'),
  JSON.stringify(
    {
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        types: ['node'],
        typeRoots: [path.join(root, 'node_modules', '@types')],
        noEmit: true,
        noUnusedLocals: false,
        skipLibCheck: false,
      },
      include: ['*.ts', '*.cts'],
    },
    null,
    2,
  ),
);
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', dir], { cwd: dir, stdio: 'inherit' });
} catch {
  console.error(`check-readme: README examples do not compile (files in ${path.relative(root, dir)}; block-NN-line-L.ts = README line L)`);
  process.exit(1);
}
console.log(`check-readme: ${blocks.length} README examples compile against the packed package (tsc --noEmit, strict)`);
