// `prepare`: npm runs it after installing a git dependency (and after `npm ci`
// here). It builds lib/ (jsii, the .jsii assembly, both bins) when the build is
// missing, so `npm install github:…` gets a complete package; a checkout that
// has been built is left alone (`npm run compile` rebuilds, `npm pack` always does).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = ['lib/index.js', '.jsii', 'lib/runtime/ai-failover-proxy.js', 'lib/runtime/ai-failover-mock.js'].every((file) => existsSync(join(root, file)));
if (!built) {
  const projen = join(root, 'node_modules', '.bin', 'projen');
  const result = spawnSync(projen, ['compile'], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
