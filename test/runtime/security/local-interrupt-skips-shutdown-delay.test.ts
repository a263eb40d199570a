import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startUpstream, type LoopbackUpstream } from './loopback';
import { RUNTIME_BUNDLE } from '../../../src/contract';
import { eventually } from '../../support/eventually';

/** The shipped bin, built by vitest's globalSetup. */
const ENTRY = join(__dirname, '..', '..', '..', RUNTIME_BUNDLE.packagePath);

interface LogLine {
  readonly event?: string;
  readonly shutdownDelayMs?: number;
}

/** Starts the bundled proxy with `env`; resolves once it logged `listening`. */
async function startBundled(env: Record<string, string>): Promise<{ child: ChildProcess; lines: () => LogLine[]; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [ENTRY], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines = (): LogLine[] => out.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as LogLine);
  await eventually(() => expect(lines().some((l) => l.event === 'listening')).toBe(true), 15_000);
  return { child, lines, exited };
}

/** Waits (bounded) until a `drain_started` line appears. */
function drainStarted(lines: () => LogLine[]): Promise<LogLine> {
  return eventually(() => {
    const line = lines().find((l) => l.event === 'drain_started');
    expect(line).toBeDefined();
    return line!;
  }, 5000);
}

describe('a local Ctrl-C does not wait the shutdown delay', () => {
  let upstream: LoopbackUpstream;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    upstream = await startUpstream((_req, res) => res.end('{}'));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    await upstream.close();
  });

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    HOLYSHEEP_PRIMARY_REGION: upstream.url, HOLYSHEEP_API_KEY: 'sk-local-key-0123456789', PORT: '0', METRICS_PORT: '0', CONFIG_PATH: '', ...extra,
  });

  it('drains with no delay on SIGINT outside Kubernetes and exits 0', async () => {
    // GIVEN the bundled proxy with the default 5 s shutdown delay, no KUBERNETES_SERVICE_HOST
    const proc = await startBundled(env());
    children.push(proc.child);
    // WHEN it gets SIGINT (Ctrl-C in a terminal)
    proc.child.kill('SIGINT');
    // THEN the drain starts without the delay and the process exits cleanly
    expect((await drainStarted(proc.lines)).shutdownDelayMs).toBe(0);
    expect(await proc.exited).toBe(0);
  });

  it('keeps the shutdown delay on SIGINT inside Kubernetes and on SIGTERM', async () => {
    // GIVEN one proxy that runs in a pod (KUBERNETES_SERVICE_HOST set) and one outside
    const inPod = await startBundled(env({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }));
    const outside = await startBundled(env());
    children.push(inPod.child, outside.child);
    // WHEN the first gets SIGINT and the second SIGTERM
    inPod.child.kill('SIGINT');
    outside.child.kill('SIGTERM');
    // THEN both wait the configured 5 s delay
    expect((await drainStarted(inPod.lines)).shutdownDelayMs).toBe(5000);
    expect((await drainStarted(outside.lines)).shutdownDelayMs).toBe(5000);
  });
});
