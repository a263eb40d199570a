/**
 * Runs one mock upstream (runtime/mock/cli.ts) in its own process, so that
 * neither the load generator nor the proxy shares its event loop.
 */
import { join } from 'node:path';
import { startUrlChild, type UrlChild } from './child-process';
import { PACKAGE_ROOT } from './proxy-process';

/** A mock upstream child process; `url` is its base URL including `/v1`. */
export type MockProcess = UrlChild;

/** Starts `runtime/mock/cli.ts` on a free port and reads the URL it prints. */
export function startMockProcess(timeoutMs = 15_000): Promise<MockProcess> {
  return startUrlChild({
    name: 'mock process',
    command: process.execPath,
    args: ['--import', 'tsx', join(PACKAGE_ROOT, 'runtime', 'mock', 'cli.ts'), '0'],
    cwd: PACKAGE_ROOT,
    urlPattern: /(http:\/\/127\.0\.0\.1:\d+\/v1)/,
    timeoutMs,
  });
}
