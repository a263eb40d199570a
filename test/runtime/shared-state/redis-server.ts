import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { loadRedisClient } from '../../../runtime/shared-state/redis-link';

/** A real redis-server on 127.0.0.1, started by a test and stopped by its PID. */
export interface TestRedis {
  readonly port: number;
  /** `redis://` URL (with the password when one is set). */
  readonly url: string;
  readonly pid: number | undefined;
  /** Kills the server (SIGKILL: an abrupt outage). */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence). */
  restart(): Promise<void>;
  /** Stops it for good. */
  stop(): Promise<void>;
}

/** Options of {@link startRedis}. */
export interface StartRedisOptions {
  /** `--requirepass`. */
  readonly password?: string;
  /** Extra arguments, as a manifest's container args would pass them. */
  readonly args?: readonly string[];
}

const BINARY = process.env.REDIS_SERVER_BIN ?? 'redis-server';

/** A free loopback port (asked of the OS, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts redis-server with no persistence (`--save '' --appendonly no`) on a free loopback port. */
export async function startRedis(options: StartRedisOptions = {}): Promise<TestRedis> {
  // tests that build RedisLinks themselves need ioredis loaded, as startProxy loads it for a proxy with REDIS_URL
  await loadRedisClient();
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    child = await launch(port, options).catch(() => undefined);
  }
  if (!child) throw new Error('redis-server did not start on a free loopback port after 5 attempts');
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  const handle = {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    async kill() {
      await terminate(child);
      child = undefined;
    },
    async restart() {
      await terminate(child);
      child = await launch(port, options);
    },
    async stop() {
      await terminate(child);
      child = undefined;
    },
  };
  return handle;
}

function launch(port: number, options: StartRedisOptions): Promise<ChildProcess> {
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    ...(options.password ? ['--requirepass', options.password] : []),
    ...(options.args ?? []),
  ];
  const child = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port} not ready within 5 s: ${output.slice(-500)}`));
    }, 5000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on port ${port} exited with ${code}: ${output.slice(-500)}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function terminate(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
