/**
 * The package as a platform engineer gets it: a fresh copy of this repository
 * packed (`npm pack` compiles first), the tarball installed into a new cdk8s
 * app (only the npm registry, from its cache), the README's Quick start
 * synthesized there, the README's vitest snapshot test run twice with
 * FailoverTesting, the packed `ai-failover-mock` and `ai-failover-proxy` bins
 * run together for one failover, and the jsii targets generated with the
 * README's Python example checked against them.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { freshCopy, installedVersion, readmeBlocks, REPO_ROOT } from './fresh-copy';
import { MOCK_CONTROL } from '../../runtime/mock/mock-control';
import { HEADERS, PATHS } from '../../src/contract';
import { eventLine, startBin, type BinProcess } from '../runtime/cli/bin-process';

const PACKAGE = 'cdk8s-ai-failover';
/** Local output a checkout accumulates, planted in the copy: none of it may ship. */
const LOCAL_OUTPUT = [
  'test-reports/vitest.json', 'coverage/lcov.info', 'tsconfig.tsbuildinfo', 'bench/results/tmp/run.json', 'dist/us.k8s.yaml',
  'vitest.scratch.config.mts', 'tsconfig.scratch.json', 'notes.md',
];

/** Runs a command, failing with its output when it exits non-zero. */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  const timeout = 240_000;
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status ?? result.signal}\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
  }
  return result;
}

/**
 * The environment of a command run in the copy or the app: without the
 * variables of an outer `npm test` (npm_config_local_prefix would point npm
 * at this checkout) and of this vitest run, with or without the CI flag (so
 * vitest writes a missing snapshot, or fails on one).
 */
function envWithCi(ci: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name)) env[name] = value;
  }
  delete env.CI;
  delete env.VITEST;
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  delete env.NODE_ENV;
  return ci ? { ...env, CI: 'true' } : env;
}

describe('the packed library in a fresh cdk8s app', () => {
  let root: string;
  let repo: string;
  let app: string;
  let tarball: string;
  const started: BinProcess[] = [];

  beforeAll(() => {
    // GIVEN a fresh copy of the repository with local output lying around
    root = mkdtempSync(join(tmpdir(), 'ai-failover-package-'));
    repo = join(root, 'repo');
    app = join(root, 'app');
    freshCopy(repo);
    for (const file of LOCAL_OUTPUT) {
      mkdirSync(join(repo, file, '..'), { recursive: true });
      writeFileSync(join(repo, file), 'local output\n');
    }
    expect(existsSync(join(repo, 'lib'))).toBe(false);
    // WHEN it is packed (prepack compiles) and the tarball installed into a new app with its peers
    run('npm', ['pack', '--pack-destination', root], repo, envWithCi(true));
    tarball = join(root, readdirSync(root).find((f) => f.endsWith('.tgz'))!);
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-cdk8s-app', version: '1.0.0', private: true }));
    const peers = ['cdk8s', 'cdk8s-plus-28', 'constructs', 'vitest', 'tsx'].map((name) => `${name}@${installedVersion(name)}`);
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...peers], app, envWithCi(true));
  }, 360_000);

  afterAll(async () => {
    for (const bin of started) await bin.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('ships lib/ with the jsii assembly and both bins, and none of the sources or local output', () => {
    // THEN the tarball holds the compiled library, .jsii, the bins and the bundled dependencies
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    for (const file of ['package.json', 'README.md', 'LICENSE', '.jsii', 'lib/index.js', 'lib/index.d.ts', 'lib/testing/failover-testing.js', 'lib/runtime/ai-failover-proxy.js', 'lib/runtime/ai-failover-mock.js', 'node_modules/zod/package.json', 'node_modules/yaml/package.json']) {
      expect(files).toContain(file);
    }
    // AND besides lib/ and the bundled dependencies only the manifest, docs and assembly: no sources, tests, tools or local output
    const topLevel = files.filter((f) => !f.startsWith('node_modules/') && !f.startsWith('lib/')).sort();
    expect(topLevel).toEqual(['.jsii', 'API.md', 'LICENSE', 'README.md', 'package.json']);
    expect(files.filter((f) => f.startsWith('lib/') && !/\.(js|d\.ts)$/.test(f))).toEqual([]);
    // AND the installed package exposes both bins
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules', PACKAGE, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(Object.keys(manifest.bin).sort()).toEqual(['ai-failover-mock', 'ai-failover-proxy']);
  });

  it('synthesizes the README Quick start unchanged', () => {
    // GIVEN the Quick start of the README as the app's main.ts
    const [quickStart] = readmeBlocks('## Quick start', 'ts');
    writeFileSync(join(app, 'main.ts'), quickStart);
    // WHEN the app runs
    run(join(app, 'node_modules', '.bin', 'tsx'), ['main.ts'], app, envWithCi(true));
    // THEN each region's file starts with its Namespace and holds the proxy's Deployment and Service
    for (const region of ['asia-pacific', 'us']) {
      const docs = parseAllDocuments(readFileSync(join(app, 'dist', `${region}.k8s.yaml`), 'utf8')).map((d) => d.toJSON() as { kind: string; metadata: { name: string } });
      expect(docs[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'production' } });
      expect(docs.filter((d) => d.kind === 'Deployment')).toHaveLength(1);
      expect(docs.filter((d) => d.kind === 'Service').length).toBeGreaterThanOrEqual(1);
    }
  });

  it('runs the README vitest snapshot test: written once, matched on the second run, failing when it differs', () => {
    // GIVEN the README's vitest example as the app's test
    const [vitestExample] = readmeBlocks('## Testing your deployment', 'ts').filter((b) => b.includes("from 'vitest'"));
    mkdirSync(join(app, 'test'), { recursive: true });
    writeFileSync(join(app, 'test', 'proxy.test.ts'), vitestExample);
    const vitest = join(app, 'node_modules', '.bin', 'vitest');
    const snapshot = join(app, 'test', '__snapshots__', 'proxy.test.ts.snap');
    // WHEN it runs the first time (not CI: the snapshot is written)
    run(vitest, ['run'], app, envWithCi(false));
    // THEN the snapshot holds the stable bundle line, not the bundle
    const written = readFileSync(snapshot, 'utf8');
    expect(written).toContain('<ai-failover-proxy.js.gz: gzipped runtime bundle, replaced by FailoverTesting.synth>');
    expect(written).toMatch(/-runtime-bundle/);
    expect(statSync(snapshot).size).toBeLessThan(100_000);
    // WHEN it runs again as CI does
    run(vitest, ['run'], app, envWithCi(true));
    // THEN it matched: the snapshot is unchanged
    expect(readFileSync(snapshot, 'utf8')).toBe(written);
    // WHEN the snapshot no longer matches the chart
    writeFileSync(snapshot, written.replace('replaced by FailoverTesting.synth', 'an older bundle'));
    const mismatch = spawnSync(vitest, ['run'], { cwd: app, env: envWithCi(true), encoding: 'utf8', timeout: 120_000 });
    // THEN the run fails
    expect(mismatch.status).not.toBe(0);
    expect(`${mismatch.stdout}${mismatch.stderr}`).toContain('Snapshot');
  }, 180_000);

  it('fails over with the packed bins: two mock regions, the proxy, the primary broken, the backup answers', async () => {
    // GIVEN two mock regions from the packed ai-failover-mock bin
    const bin = (name: string): string => join(app, 'node_modules', '.bin', name);
    const mocks = startBin(bin('ai-failover-mock'), ['--name', 'region', '0', '0'], {});
    started.push(mocks);
    await mocks.line((l) => l.startsWith('region_2 '));
    const [primaryUrl, backupUrl] = mocks.stdout().split('\n').filter((l) => l.startsWith('region_')).map((l) => l.split(' ')[1]);
    // AND the packed ai-failover-proxy bin pointed at them
    const local = { HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', SHUTDOWN_DELAY: '0' };
    const playbook = { HOLYSHEEP_API_KEY: 'sk-local-test', HOLYSHEEP_PRIMARY_REGION: primaryUrl, HOLYSHEEP_BACKUP_REGIONS: backupUrl };
    const proxy = startBin(bin('ai-failover-proxy'), [], { ...local, ...playbook });
    started.push(proxy);
    const listening = eventLine(await proxy.line((l) => eventLine(l, 'listening') !== undefined), 'listening')!;
    const origin = `http://127.0.0.1:${listening.port as number}`;
    const ask = (): Promise<Response> => fetch(`${origin}${PATHS.chatCompletions}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }),
    });
    // WHEN a request is sent while both are healthy
    const healthy = await ask();
    // THEN the primary answers
    expect(healthy.status).toBe(200);
    expect(healthy.headers.get(HEADERS.upstream)).toBe('primary');
    await healthy.arrayBuffer();
    // WHEN the primary is broken over its control route and the request sent again
    const primaryOrigin = new URL(primaryUrl).origin;
    const broken = await fetch(`${primaryOrigin}${MOCK_CONTROL.mode}`, { method: 'PUT', body: JSON.stringify({ kind: 'reset' }) });
    expect(broken.status).toBe(200);
    const failedOver = await ask();
    // THEN the backup answers, with the mock's chat completion
    expect(failedOver.status).toBe(200);
    expect(failedOver.headers.get(HEADERS.upstream)).toBe('backup_1');
    expect(Number(failedOver.headers.get(HEADERS.attempts))).toBeGreaterThanOrEqual(2);
    const body = (await failedOver.json()) as { object: string; system_fingerprint: string; choices: Array<{ message: { content: string } }> };
    expect(body).toMatchObject({ object: 'chat.completion', system_fingerprint: 'region_2' });
    expect(body.choices[0].message.content).toBe('Hello from the mock upstream.');
    // AND both processes stop on SIGTERM by their PIDs
    expect(await proxy.stop()).toBe(0);
    expect(await mocks.stop()).toBe(0);
  }, 60_000);

  it('generates the Python, Java and Go bindings, and the README Python example matches the Python API', () => {
    // WHEN jsii-pacmak generates the code of every target (no toolchains needed)
    const out = join(root, 'code-only');
    run(join(repo, 'node_modules', '.bin', 'jsii-pacmak'), ['--code-only', '--target', 'python', '--target', 'java', '--target', 'go', '--outdir', out], repo, envWithCi(true));
    // THEN each language has its sources
    const python = join(out, 'python', 'src', 'cdk8s_ai_failover', '__init__.py');
    expect(readFileSync(python, 'utf8')).toContain('class FailoverTesting(');
    expect(existsSync(join(out, 'java', 'src', 'main', 'java', 'io', 'github', 'maintainers', 'cdk8s', 'aifailover', 'FailoverProxy.java'))).toBe(true);
    expect(readdirSync(join(out, 'go', 'cdk8saifailover')).some((f) => f.endsWith('.go'))).toBe(true);
    // AND the README's Python example uses only names and arguments the generated module has
    const check = run('python3', [join(REPO_ROOT, 'scripts', 'check-python-example.py'), join(REPO_ROOT, 'README.md'), python], root, envWithCi(true));
    expect(check.stdout).toMatch(/^python examples match the generated bindings: \d+ examples?/);
  }, 120_000);
});
