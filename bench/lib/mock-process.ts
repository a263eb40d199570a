/**
 * Runs one mock upstream (runtime/mock/cli.ts) in its own process, so that
 * neither the load generator nor the proxy shares its event loop.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './proxy-process';

/** A mock upstream child process. */
export interface MockProcess {
  /** Base URL including `/v1`. */
  readonly url: string;
  readonly pid: number;
  /** SIGTERM; resolves once the child exited. */
  stop(): Promise<void>;
}

/** Starts `runtime/mock/cli.ts` on a free port and reads the URL it prints. */
export async function startMockProcess(timeoutMs = 15_000): Promise<MockProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'runtime', 'mock', 'cli.ts'), '0'], {
    cwd: PACKAGE_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mock process printed no URL within ${timeoutMs} ms (stderr: ${err.trim() || 'empty'})`));
    }, timeoutMs);
    child.stderr.on('data', (c: Buffer) => {
      err = (err + c.toString('utf8')).slice(-2000);
    });
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const match = /(http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mock process exited with code ${code} (stderr: ${err.trim() || 'empty'})`));
    });
  });
  const pid = child.pid!;
  return {
    url,
    pid,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
