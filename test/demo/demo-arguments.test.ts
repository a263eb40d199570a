/**
 * `npm run demo -- <args>` reaches the demo: the projen task passes its
 * arguments on (`--help`, `--fast`, a bad `--seconds`).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_REQUESTS_PER_SECOND, DEMO_USAGE, FAST_DEMO_SECONDS } from '../../demo/plan';

const ROOT = join(__dirname, '..', '..');
const npmRunDemo = (...args: string[]): { status: number | null; stdout: string; stderr: string } =>
  spawnSync('npm', ['run', '--silent', 'demo', '--', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 90_000, env: { ...process.env, CI: 'true' } });

describe('npm run demo -- <args>', () => {
  it('prints the usage and exits 0 for --help', () => {
    // WHEN the demo is asked for help through npm
    const run = npmRunDemo('--help');
    // THEN the usage is printed and nothing runs
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(DEMO_USAGE);
    expect(run.stdout).not.toContain('three mock regions');
  }, 60_000);

  it('refuses a bad --seconds with exit code 2 naming the value', () => {
    // WHEN the length is out of range
    const run = npmRunDemo('--seconds=900');
    // THEN the demo names the argument and the value
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('demo: --seconds must be a number of seconds from 6 to 60 (received "900")');
  }, 60_000);

  it('runs the short demo for --fast and passes', () => {
    // WHEN the fast demo is run through npm
    const run = npmRunDemo('--fast');
    // THEN it sent the fast run's requests, no client saw an error, and it exits 0
    expect(run.stdout).toContain(`requests sent            ${FAST_DEMO_SECONDS * DEMO_REQUESTS_PER_SECOND}\n`);
    expect(run.stdout).toContain('client-visible errors    0\n');
    expect(run.status).toBe(0);
  }, 90_000);
});
