import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Builds the runtime bundle that the construct ships and the e2e tests run. */
export default function setup(): void {
  execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'bundle-runtime.mjs')], { stdio: 'inherit' });
}
