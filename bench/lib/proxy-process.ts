/**
 * Runs the bundled proxy (lib/runtime/ai-failover-proxy.js) as a child
 * process on 127.0.0.1 ports picked here, so the load generator and the
 * proxy never share an event loop. Only the child started here is ever
 * signalled, by its PID.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { ENV, PATHS, RUNTIME_BUNDLE } from '../../src/contract';

/** Root of the package (bench/lib/../..). */
export const PACKAGE_ROOT = join(__dirname, '..', '..');

/** Options of {@link startProxyProcess}. */
export interface ProxyProcessOptions {
  /** Extra env on top of PORT / METRICS_PORT (e.g. HOLYSHEEP_PRIMARY_REGION). */
  readonly env: Readonly<Record<string, string>>;
  /** How long to wait for `/health/ready`, in ms. @default 10000 */
  readonly readyTimeoutMs?: number;
  /** Node options before the bundle, e.g. `--cpu-prof`. @default [] */
  readonly nodeArgs?: readonly string[];
  /** Bundle to run. @default bundlePath() */
  readonly bundle?: string;
}

/** A running proxy child process. */
export interface ProxyProcess {
  /** `http://127.0.0.1:<port>` of the API port. */
  readonly url: string;
  readonly metricsUrl: string;
  readonly pid: number;
  /** Resident set size of the child now, in bytes. */
  rssBytes(): number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the child exited. */
  stop(graceMs?: number): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bind to 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process in bytes (Linux /proc, else `ps`). */
export function rssOf(pid: number): number {
  const status = `/proc/${pid}/status`;
  if (existsSync(status)) {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(status, 'utf8'));
    if (match) return Number(match[1]) * 1024;
  }
  const out = execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  const kb = Number(out);
  if (!Number.isFinite(kb) || out === '') throw new Error(`cannot read the RSS of pid ${pid} (received ${JSON.stringify(out)})`);
  return kb * 1024;
}

/**
 * CPU time (user + system) a process used so far, in ms, from Linux
 * /proc/<pid>/stat (clock ticks of 10 ms); NaN where /proc is absent.
 */
export function cpuTimeMs(pid: number, ticksPerSecond = 100): number {
  const path = `/proc/${pid}/stat`;
  if (!existsSync(path)) return Number.NaN;
  const stat = readFileSync(path, 'utf8');
  // the command name (field 2) may hold spaces: fields are counted after its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** Path of the bundled proxy; throws naming the path when it was not built. */
export function bundlePath(): string {
  const path = join(PACKAGE_ROOT, RUNTIME_BUNDLE.packagePath);
  if (!existsSync(path)) {
    throw new Error(`proxy bundle not found at ${path}: run \`npm run bundle:runtime\` first`);
  }
  return path;
}

/**
 * Starts the bundled proxy with `options.env` on free loopback ports and
 * waits until `/health/ready` answers 200. Its stdout (JSON logs) is
 * discarded; the last stderr lines are kept for error messages.
 */
export async function startProxyProcess(options: ProxyProcessOptions): Promise<ProxyProcess> {
  const port = await freePort();
  const metricsPort = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), options.bundle ?? bundlePath()], {
    env: { PATH: process.env.PATH ?? '', ...options.env, [ENV.port]: String(port), [ENV.metricsPort]: String(metricsPort) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exitCode: number | null = null;
  child.once('exit', (code) => {
    exitCode = code ?? -1;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  for (;;) {
    if (exitCode !== null) throw new Error(`proxy exited with code ${exitCode} before it was ready: ${stderr.trim() || '(no stderr)'}`);
    try {
      const res = await request(`${url}${PATHS.healthReady}`, { headersTimeout: 500, bodyTimeout: 500 });
      await res.body.dump();
      if (res.statusCode === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`proxy not ready on ${url} within ${options.readyTimeoutMs ?? 10_000} ms: ${stderr.trim() || '(no stderr)'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('proxy child has no pid');
  return {
    url,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    pid,
    rssBytes: () => rssOf(pid),
    stop: async (graceMs = 3000) => {
      if (exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (exitCode === null) child.kill('SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
