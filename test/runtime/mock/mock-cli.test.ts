import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

describe('mock CLI', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGTERM');
    child = undefined;
  });

  it('GIVEN --mode JSON WHEN started THEN it prints the control URLs and the mock answers in that mode', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'runtime/mock/cli.ts', '--mode', '{"kind":"status","status":429}'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no output in 15s (got ${JSON.stringify(out)})`)), 15_000);
      child!.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(out.split('\n')[0]!);
        }
      });
    });
    const match = /^mock_1 (http:\/\/127\.0\.0\.1:\d+)\/v1 mode: PUT (\S+\/__mock\/mode) stats: GET (\S+\/__mock\/stats)$/.exec(line);
    expect(match).not.toBeNull();
    const stats = (await (await fetch(match![3]!)).json()) as { mode: unknown };
    expect(stats.mode).toEqual({ kind: 'status', status: 429 });
  }, 20_000);
});

describe('ai-failover-mock bin', () => {
  const bin = join(__dirname, '..', '..', '..', 'lib', 'runtime', 'ai-failover-mock.js');

  it('prints its usage with the modes and exits 0 on --help', () => {
    // WHEN the bundled bin is asked for help
    const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8', timeout: 10_000 });
    // THEN the usage names the options, the routes and every mode
    expect(out).toMatch(/^usage: ai-failover-mock /);
    for (const text of ['--mode', '--name', 'POST /v1/embeddings', 'POST /v1/responses', 'POST /v1/messages', '"kind":"reset"', '"kind":"broken-stream"', '/__mock/mode', '/__mock/stats']) {
      expect(out).toContain(text);
    }
  });

  it('refuses an unknown option naming it, with exit code 1', () => {
    // WHEN started with a misspelled option
    const run = spawnSync(process.execPath, [bin, '--mdoe', 'x'], { encoding: 'utf8', timeout: 10_000 });
    // THEN it exits 1 and names the option
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('ai-failover-mock: unknown option "--mdoe" (see --help)\n');
  });
});
