import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../../runtime/mock/mock-upstream';
import { RUNTIME_BUNDLE } from '../../../src/contract';
import { eventually } from '../../support/eventually';

/** The shipped bin, built by vitest's globalSetup. */
const ENTRY = join(__dirname, '..', '..', '..', RUNTIME_BUNDLE.packagePath);

/** Starts the proxy entry in a child process with only the given env (plus PATH). */
function run(env: Record<string, string>): { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [ENTRY], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

describe('proxy process', () => {
  const children: ChildProcess[] = [];
  let mock: MockUpstream;
  beforeEach(async () => {
    mock = await startMockUpstream({ name: 'child-upstream' });
  });
  afterEach(async () => {
    for (const child of children) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    children.length = 0;
    await mock.close();
  });

  /** Starts the bundled proxy from env alone over the mock, with these drain timings (s), and waits for its `listening` line. */
  const startListening = async (shutdownDelay: string, drainTimeout: string): Promise<{ proc: ReturnType<typeof run>; url: string }> => {
    const proc = run({
      HOLYSHEEP_PRIMARY_REGION: mock.url,
      HOLYSHEEP_API_KEY: 'sk-child-key-0123456789',
      PORT: '0',
      METRICS_PORT: '0',
      SHUTDOWN_DELAY: shutdownDelay,
      DRAIN_TIMEOUT: drainTimeout,
      CONFIG_PATH: '',
    });
    children.push(proc.child);
    const listening = await eventually(() => {
      const line = proc.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event?: string; port?: number }).find((l) => l.event === 'listening');
      expect(line).toBeDefined();
      return line!;
    }, 15_000);
    return { proc, url: `http://127.0.0.1:${listening.port}` };
  };

  it('drains on SIGTERM: unready, the open stream gets an SSE error, exit 0', async () => {
    // GIVEN the bundled proxy started from env alone, with short drain timings, over a slow-streaming upstream
    mock.setMode({ kind: 'slow-stream', chunkDelayMs: 400 });
    const { proc, url } = await startListening('0.3', '0.3');
    const stream = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4.1', stream: true }) });
    expect(stream.status).toBe(200);
    // WHEN the process gets SIGTERM by its PID
    process.kill(proc.child.pid!, 'SIGTERM');
    // THEN readiness goes 503 while liveness stays 200
    await eventually(async () => expect((await fetch(`${url}/health/ready`)).status).toBe(503));
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    // AND the stream ends with an SSE error event, and the process exits 0
    expect(await stream.text()).toMatch(/data: \{"error":\{/);
    expect(await proc.exited).toBe(0);
    expect(proc.stdout()).not.toContain('sk-child-key-0123456789');
    // AND the upstream saw the key (so it was in use, and still never logged)
    expect(mock.received[0]?.headers.authorization).toBe('Bearer sk-child-key-0123456789');
  });

  it('writes every log line before it exits on SIGTERM, the drain\'s last one included (batched lines are flushed)', async () => {
    // GIVEN the bundled proxy with stdout a pipe (as in a container) and no shutdown delay
    const { proc, url } = await startListening('0', '1');
    // WHEN 25 requests are answered, 5 at a time, and SIGTERM follows the last answer at once
    const ids: string[] = [];
    for (let batch = 0; batch < 5; batch++) {
      const answers = await Promise.all(Array.from({ length: 5 }, () => fetch(`${url}/v1/chat/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }),
      })));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        ids.push(answer.headers.get('x-request-id')!);
        await answer.arrayBuffer();
      }
    }
    process.kill(proc.child.pid!, 'SIGTERM');
    expect(await proc.exited).toBe(0);
    // THEN stdout holds one request line for each of them, and the drain's last line, logged just before the exit
    const lines = proc.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event?: string; requestId?: string });
    expect(lines.filter((l) => l.event === 'request').map((l) => l.requestId).sort()).toEqual([...ids].sort());
    expect(lines.at(-1)?.event).toBe('drain_finished');
  });

  it('exits 1 with every bad field named in one message', async () => {
    // GIVEN bad env values
    const proc = run({ HOLYSHEEP_PRIMARY_REGION: 'not a url', FAILURE_THRESHOLD: 'x', PORT: '0', METRICS_PORT: '0' });
    children.push(proc.child);
    // WHEN it starts THEN it exits 1 listing both problems
    expect(await proc.exited).toBe(1);
    const line = JSON.parse(proc.stderr().trim().split('\n').pop()!) as { errors: string[] };
    expect(line.errors).toEqual(expect.arrayContaining([
      'FAILURE_THRESHOLD: must be an integer (received "x")',
      expect.stringMatching(/^upstreams\.0\.baseUrl: .*\(received "not a url"\)$/),
    ]));
  });
});
