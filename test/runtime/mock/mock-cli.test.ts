import { spawn, type ChildProcess } from 'node:child_process';
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
