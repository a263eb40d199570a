// Bundles the two programs of the package, each with its dependencies
// (undici, zod, yaml, pino, prom-client), into one CommonJS file under lib/runtime/:
//   ai-failover-proxy.js  the failover proxy (runtime/main.ts)
//   ai-failover-mock.js   the fault-injecting mock upstream (runtime/mock/cli.ts)
// Run by `npm run compile` (projen's compile task) and before synth/tests.
import { build } from 'esbuild';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const programs = [
  { entry: join(root, 'runtime', 'main.ts'), outfile: join(root, 'lib', 'runtime', 'ai-failover-proxy.js') },
  { entry: join(root, 'runtime', 'mock', 'cli.ts'), outfile: join(root, 'lib', 'runtime', 'ai-failover-mock.js') },
];

for (const { entry } of programs) {
  if (!existsSync(entry)) {
    console.error(`bundle-runtime: entry point not found: ${entry}`);
    process.exit(1);
  }
}

// written to a temporary file and renamed, so a process starting the bundle
// while it is rebuilt (tests, `npm run demo`) reads the old or the new file, never half of one
const results = await Promise.all(programs.map(({ entry, outfile }) => build({
  entryPoints: [entry],
  outfile,
  write: false,
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  sourcemap: false,
  // pino's optional transports are never used: logs go to stdout as JSON lines
  external: ['pino-pretty'],
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
})));
for (const [i, { outfile }] of programs.entries()) {
  const [file] = results[i].outputFiles;
  const temporary = `${outfile}.${process.pid}.tmp`;
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(temporary, file.contents);
  chmodSync(temporary, 0o755);
  renameSync(temporary, outfile);
  console.log(`bundle-runtime: wrote ${outfile}`);
}
