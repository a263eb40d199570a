// Bundles runtime/main.ts and its dependencies (undici, zod, yaml, pino,
// prom-client) into one CommonJS file: lib/runtime/ai-failover-proxy.js.
// Run by `npm run compile` (projen's compile task) and before synth/tests.
import { build } from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'runtime', 'main.ts');
const outfile = join(root, 'lib', 'runtime', 'ai-failover-proxy.js');

if (!existsSync(entry)) {
  console.error(`bundle-runtime: entry point not found: ${entry}`);
  process.exit(1);
}

await build({
  entryPoints: [entry],
  outfile,
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
});
chmodSync(outfile, 0o755);
console.log(`bundle-runtime: wrote ${outfile}`);
