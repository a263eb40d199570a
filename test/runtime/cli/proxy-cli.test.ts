/**
 * `ai-failover-proxy` as a person runs it: `--help` prints the usage and
 * exits 0 without starting; a fatal start error is readable on a terminal and
 * stays one JSON line when stdout is not a TTY or LOG_FORMAT=json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../../src/contract';

const BIN = join(__dirname, '..', '..', '..', 'lib', 'runtime', 'ai-failover-proxy.js');
const BAD_ENV = { PATH: process.env.PATH ?? '', HOLYSHEEP_PRIMARY_REGION: 'not-a-url', HOLYSHEEP_BACKUP_REGION: 'http://127.0.0.1:1/v1', PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1' };

/** Runs the bin under a pseudo-terminal (util-linux `script`), so stdout is a TTY. */
function runOnTerminal(env: Record<string, string>): { status: number | null; output: string } {
  const run = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)}`, '/dev/null'], { env, encoding: 'utf8', timeout: 15_000 });
  return { status: run.status, output: run.stdout.replace(/\r\n/g, '\n') };
}

describe('ai-failover-proxy command line', () => {
  it('prints the usage with every env variable, the config file and both ports, and exits 0', () => {
    // WHEN asked for help
    const out = execFileSync(process.execPath, [BIN, '--help'], { encoding: 'utf8', timeout: 10_000, env: { PATH: process.env.PATH ?? '' } });
    // THEN the usage lists each variable the proxy reads, CONFIG_PATH's default and the ports
    expect(out).toMatch(/^usage: ai-failover-proxy/);
    for (const name of Object.values(ENV)) expect(out).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(out).toContain('/app/config/config.yaml');
    expect(out).toContain('PORT (8080)');
    expect(out).toContain('METRICS_PORT (9090)');
  });

  it('refuses an unknown argument with exit code 2 instead of starting', () => {
    // WHEN started with an argument it does not take
    const run = spawnSync(process.execPath, [BIN, '--port=1'], { encoding: 'utf8', timeout: 10_000, env: { PATH: process.env.PATH ?? '' } });
    // THEN it exits 2 naming the argument
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stderr)).toMatchObject({ level: 'fatal', msg: 'unknown argument "--port=1"' });
  });

  it('writes a fatal start error as one JSON line when stdout is not a terminal, with the misspelling hint', () => {
    // WHEN a bad config is started with stdout piped
    const run = spawnSync(process.execPath, [BIN], { encoding: 'utf8', timeout: 10_000, env: BAD_ENV });
    // THEN exit 1 and one JSON line naming the field, the value and the close match
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    const line = JSON.parse(run.stderr) as { level: string; errors: string[]; hints: string[] };
    expect(line.level).toBe('fatal');
    expect(line.errors.join('\n')).toContain('"not-a-url"');
    expect(line.hints).toEqual(['unknown environment variable HOLYSHEEP_BACKUP_REGION is ignored: did you mean HOLYSHEEP_BACKUP_REGIONS?']);
  });

  it('writes a fatal start error as readable lines on a terminal, and as JSON there with LOG_FORMAT=json', () => {
    // WHEN the same bad config is started on a terminal
    const readable = runOnTerminal(BAD_ENV);
    // THEN the error is a headline, one indented line per bad field, the hint and where help is
    expect(readable.status).toBe(1);
    const lines = readable.output.trim().split('\n');
    expect(lines[0]).toMatch(/^ai-failover-proxy: invalid config/);
    expect(lines.some((l) => l.startsWith('  - ') && l.includes('"not-a-url"'))).toBe(true);
    expect(lines).toContain('hint: unknown environment variable HOLYSHEEP_BACKUP_REGION is ignored: did you mean HOLYSHEEP_BACKUP_REGIONS?');
    expect(lines.at(-1)).toBe('run "ai-failover-proxy --help" for the variables, the config file and the ports');
    // WHEN LOG_FORMAT=json is set on the terminal
    const json = runOnTerminal({ ...BAD_ENV, [ENV.logFormat]: 'json' });
    // THEN it is the JSON line again
    expect(JSON.parse(json.output.trim())).toMatchObject({ level: 'fatal', service: 'ai-failover-proxy' });
  });
});
