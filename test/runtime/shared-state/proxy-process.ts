import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUNTIME_BUNDLE } from '../../../src/contract';

/** A bundled proxy (lib/runtime/ai-failover-proxy.js) running as its own process on 127.0.0.1. */
export interface ProxyProcess {
  readonly url: string;
  readonly pid: number;
  /** Its stdout (JSON log lines) so far. */
  logs(): string;
  /** SIGTERM, then SIGKILL after 3 s; resolves once it exited. */
  stop(): Promise<void>;
}

const BUNDLE = join(__dirname, '..', '..', '..', RUNTIME_BUNDLE.packagePath);

/** Starts the bundle with `configYaml` and `env` (the host's env is not inherited) and waits for its `listening` line. */
export async function startProxyProcess(configYaml: string, env: Record<string, string>): Promise<ProxyProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-process-'));
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, configYaml);
  const child: ChildProcess = spawn(process.execPath, [BUNDLE], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', CONFIG_PATH: configPath, SHUTDOWN_DELAY: '0', HOLYSHEEP_API_KEY: 'sk-upstream-test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy process not listening within 10 s: ${output.slice(-1000)}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.includes('"event":"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`proxy process exited with ${code}: ${output.slice(-1000)}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    logs: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
