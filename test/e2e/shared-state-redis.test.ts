/**
 * Manifest → runtime path of `SharedState.deployRedis()`: the Redis
 * container's command line, env and readiness probe taken from the
 * synthesized Deployment and run against a local redis-server (image aside;
 * the one liberty, as for the proxy pod: its port is a free loopback port,
 * bound to 127.0.0.1), and the proxy run as a pod from the same manifests
 * whose Redis Service name resolves to that server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Chart, Duration, Testing } from 'cdk8s';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCall } from './http';
import { K8sObject } from './manifests';
import { RunningPod, startPod } from './pod-runner';
import { chat, proxyClient } from './proxy-client';
import { MockUpstream, startMockUpstream } from '../../runtime/mock/mock-upstream';
import { FailoverProxy, SecretKeyRef, SharedState, Upstream } from '../../src';
import { PATHS } from '../../src/contract';

const REDIS_PASSWORD = 'e2e-redis-password-0123';
const SECRETS = { 'holysheep-credentials/api-key': 'sk-upstream-test', 'redis-auth/password': REDIS_PASSWORD };

interface ContainerSpec {
  command: string[];
  args: string[];
  env: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }>;
  readinessProbe: { exec: { command: string[] } };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The container's env as the kubelet would set it (Secret refs from the test values). */
function containerEnv(container: ContainerSpec): Record<string, string> {
  return Object.fromEntries(container.env.map((e) => {
    const ref = e.valueFrom?.secretKeyRef;
    const value = ref ? SECRETS[`${ref.name}/${ref.key}` as keyof typeof SECRETS] : e.value;
    if (value === undefined) throw new Error(`no test value for env ${e.name}`);
    return [e.name, value];
  }));
}

/** Kubernetes `$(VAR)` expansion of command/args. */
const expand = (arg: string, env: Record<string, string>) => arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);

/** Starts the Redis container's command line on `port` (127.0.0.1) and waits until it accepts connections. */
async function startRedisContainer(container: ContainerSpec, port: number): Promise<ChildProcess> {
  const env = containerEnv(container);
  const argv = [...container.command, ...container.args].map((arg) => expand(arg, env));
  const portAt = argv.indexOf('--port');
  argv[portAt + 1] = String(port);
  const child = spawn(argv[0], [...argv.slice(1), '--bind', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis not ready: ${output}`)), 5000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis exited with ${code}: ${output}`)));
  });
  return child;
}

describe('SharedState.deployRedis(), run from the manifests', () => {
  let mock: MockUpstream;
  let redis: ChildProcess | undefined;
  let redisPort = 0;
  let redisContainer: ContainerSpec;
  let pod: RunningPod | undefined;

  beforeAll(async () => {
    // GIVEN a proxy with a deployed Redis whose password is in Secret redis-auth
    mock = await startMockUpstream({ name: 'mock-a', port: 0 });
    const chart = new Chart(Testing.app(), 'e2e', { namespace: 'e2e' });
    new FailoverProxy(chart, 'Proxy', {
      name: 'e2e-proxy',
      shutdownDelay: Duration.seconds(0),
      drainTimeout: Duration.seconds(1),
      upstreams: [Upstream.custom({ name: 'mock-a', baseUrl: mock.url })],
      sharedState: SharedState.deployRedis({ password: SecretKeyRef.fromSecret('redis-auth', 'password') }),
    });
    const manifests = Testing.synth(chart) as K8sObject[];
    const redisDeployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'e2e-proxy-redis') as any;
    redisContainer = redisDeployment.spec.template.spec.containers[0];
    // the Redis container, as the manifest starts it
    redisPort = await freePort();
    redis = await startRedisContainer(redisContainer, redisPort);
    // the proxy pod; the Service name e2e-proxy-redis resolves to the local server (the test's DNS)
    const resolved = JSON.parse(JSON.stringify(manifests).split('redis://e2e-proxy-redis:6379').join(`redis://127.0.0.1:${redisPort}`)) as K8sObject[];
    pod = await startPod({ manifests: resolved, deploymentName: 'e2e-proxy', secretValues: SECRETS });
  });

  afterAll(async () => {
    await pod?.dispose();
    if (redis && redis.exitCode === null) {
      const exited = new Promise((resolve) => redis!.once('exit', resolve));
      redis.kill('SIGTERM');
      await exited;
    }
    await mock.close();
  });

  it('starts Redis with the Secret\'s password and no persistence, and its readiness probe passes', async () => {
    // GIVEN the running Redis
    const client = new Redis({ host: '127.0.0.1', port: redisPort, lazyConnect: true, maxRetriesPerRequest: 0, enableReadyCheck: false });
    client.on('error', () => undefined);
    try {
      // THEN it refuses a client without the password, and keeps nothing on disk
      await client.connect();
      await expect(client.ping()).rejects.toThrow(/NOAUTH/);
      await client.auth(REDIS_PASSWORD);
      expect(await client.config('GET', 'save')).toEqual(['save', '']);
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'volatile-lru']);
    } finally {
      client.disconnect();
    }
    // AND the readiness probe's command succeeds as the kubelet would run it
    const probe = redisContainer.readinessProbe.exec.command.map((arg) => arg.replace('-p 6379', `-p ${redisPort}`));
    const result = spawnSync(probe[0], probe.slice(1), { env: { PATH: process.env.PATH ?? '', ...containerEnv(redisContainer) }, timeout: 5000 });
    expect(result.status, result.stderr?.toString()).toBe(0);
  });

  it('runs the proxy pod on that Redis: requests are served and the fleet usage comes from Redis', async () => {
    // GIVEN the proxy pod is ready
    expect((await pod!.waitForProbe('readiness', 10_000)).ok, pod!.logs()).toBe(true);
    const port = pod!.servicePort('http');
    // WHEN a request is served
    expect(await chat(proxyClient(port)), pod!.logs()).toMatchObject({ status: 200, upstream: 'mock-a' });
    // THEN the pod connected with the password from the Secret and reports the fleet's usage from Redis
    expect(pod!.logs()).toContain('shared state: connected to Redis');
    expect(pod!.logs()).not.toContain(REDIS_PASSWORD);
    const usage = await httpCall(port, `${PATHS.usage}?scope=fleet`);
    expect(usage.status, usage.body).toBe(200);
    expect(JSON.parse(usage.body)).toMatchObject({ scope: 'fleet', stats: { total_requests: 1, successful_requests: 1 } });
    // AND the keys carry the proxy's prefix
    const client = new Redis({ host: '127.0.0.1', port: redisPort, password: REDIS_PASSWORD, maxRetriesPerRequest: 0 });
    try {
      expect(await client.keys('ai-failover:e2e.e2e-proxy:*')).toContain('ai-failover:e2e.e2e-proxy:usage');
    } finally {
      client.disconnect();
    }
  });
});
