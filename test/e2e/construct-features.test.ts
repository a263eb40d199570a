/**
 * Manifest → runtime paths of FailoverProxy props, each run as a pod from the
 * synthesized manifests against mock upstreams on 127.0.0.1:
 * - `legacyEnvVars` with a shared non-default key: the env upstreams get the key;
 * - `clientKeys` → PROXY_API_KEYS: 401 without a client key, 200 with one;
 * - a ConfigMap edit (kubelet's `..data` symlink swap) hot-reloads the upstream order.
 */
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chart, Duration, Testing } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { httpCall } from './http';
import { K8sObject } from './manifests';
import { RunningPod, startPod } from './pod-runner';
import { chat, proxyClient } from './proxy-client';
import { MockUpstream, startMockUpstream } from '../../runtime/mock/mock-upstream';
import { FailoverProxy, FailoverProxyProps, SecretKeyRef, Upstream } from '../../src';
import { CONFIG_FILE, ENV, ENV_UPSTREAM_NAMES, PATHS } from '../../src/contract';

/** Synthesizes one FailoverProxy named `e2e-proxy` in namespace `e2e`. */
function synth(props: FailoverProxyProps): K8sObject[] {
  const chart = new Chart(Testing.app(), 'e2e', { namespace: 'e2e' });
  new FailoverProxy(chart, 'Proxy', { name: 'e2e-proxy', shutdownDelay: Duration.seconds(0), drainTimeout: Duration.seconds(1), ...props });
  return Testing.synth(chart) as K8sObject[];
}

/** Two mock upstreams on port 0, closed by the returned function. */
async function twoMocks(): Promise<MockUpstream[]> {
  return [await startMockUpstream({ name: 'mock-a', port: 0 }), await startMockUpstream({ name: 'mock-b', port: 0 })];
}

const chatBody = JSON.stringify({ model: 'deepseek-v3.2', messages: [{ role: 'user', content: 'ping' }] });

describe('legacyEnvVars with a shared non-default API key, run as a pod', () => {
  let mocks: MockUpstream[] = [];
  let pod: RunningPod | undefined;

  beforeAll(async () => {
    // GIVEN every upstream shares the key openai-credentials/token (not the default Secret) and legacyEnvVars is on
    mocks = await twoMocks();
    const key = SecretKeyRef.fromSecret('openai-credentials', 'token');
    const manifests = synth({
      legacyEnvVars: true,
      upstreams: [
        Upstream.custom({ name: 'mock-a', baseUrl: mocks[0].url, apiKey: key }),
        Upstream.custom({ name: 'mock-b', baseUrl: mocks[1].url, apiKey: key }),
      ],
    });
    pod = await startPod({ manifests, deploymentName: 'e2e-proxy', secretValues: { 'openai-credentials/token': 'sk-shared-test-key' } });
  });

  afterAll(async () => {
    await pod?.dispose();
    await Promise.all(mocks.map((m) => m.close()));
  });

  it('gives the env upstreams the shared key and fails over between them', async () => {
    // GIVEN
    expect((await pod!.waitForProbe('readiness', 10_000)).ok, pod!.logs()).toBe(true);
    const client = proxyClient(pod!.servicePort('http'));
    // WHEN
    const first = await chat(client);
    mocks[0].setMode({ kind: 'status', status: 503 });
    const second = await chat(client);
    // THEN the env upstreams (named by the runtime) carry the key from HOLYSHEEP_API_KEY
    expect(pod!.env[ENV.apiKey]).toBe('sk-shared-test-key');
    expect(first, pod!.logs()).toMatchObject({ status: 200, upstream: ENV_UPSTREAM_NAMES.primary });
    expect(second, pod!.logs()).toMatchObject({ status: 200, upstream: `${ENV_UPSTREAM_NAMES.backupPrefix}1` });
    expect(mocks[0].received[0]?.headers.authorization).toBe('Bearer sk-shared-test-key');
    expect(mocks[1].received.at(-1)?.headers.authorization).toBe('Bearer sk-shared-test-key');
  });
});

describe('clientKeys, run as a pod', () => {
  let mocks: MockUpstream[] = [];
  let pod: RunningPod | undefined;

  beforeAll(async () => {
    // GIVEN client keys from a Secret
    mocks = await twoMocks();
    const manifests = synth({
      upstreams: [Upstream.custom({ name: 'mock-a', baseUrl: mocks[0].url })],
      clientKeys: SecretKeyRef.fromSecret('proxy-clients', 'keys'),
    });
    pod = await startPod({
      manifests,
      deploymentName: 'e2e-proxy',
      secretValues: { 'holysheep-credentials/api-key': 'sk-upstream-test', 'proxy-clients/keys': 'client-key-one-123,client-key-two-456' },
    });
  });

  afterAll(async () => {
    await pod?.dispose();
    await Promise.all(mocks.map((m) => m.close()));
  });

  it('answers 401 without a client key and 200 with one of the Secret\'s keys', async () => {
    // GIVEN
    expect((await pod!.waitForProbe('readiness', 10_000)).ok, pod!.logs()).toBe(true);
    const port = pod!.servicePort('http');
    // WHEN
    const anonymous = await httpCall(port, PATHS.chatCompletions, { method: 'POST', body: chatBody });
    const wrong = await httpCall(port, PATHS.chatCompletions, { method: 'POST', body: chatBody, headers: { authorization: 'Bearer client-key-wrong-000' } });
    const allowed = await httpCall(port, PATHS.chatCompletions, { method: 'POST', body: chatBody, headers: { authorization: 'Bearer client-key-two-456' } });
    // THEN
    expect(anonymous.status, pod!.logs()).toBe(401);
    expect(JSON.parse(anonymous.body).error.code).toBe('invalid_api_key');
    expect(wrong.status).toBe(401);
    expect(allowed.status, allowed.body).toBe(200);
    expect(mocks[0].received.at(-1)?.headers.authorization).toBe('Bearer sk-upstream-test');
  });
});

describe('a ConfigMap edit, run as a pod', () => {
  let mocks: MockUpstream[] = [];
  let pod: RunningPod | undefined;
  let configDir = '';

  /** Writes config.yaml the way kubelet updates a ConfigMap volume: a new timestamped dir, then an atomic `..data` symlink swap. */
  const kubeletWrite = (dir: string, generation: number, text: string): void => {
    const data = `..2026_01_01_00_00_0${generation}.000000000`;
    mkdirSync(join(dir, data), { mode: 0o755 });
    writeFileSync(join(dir, data, CONFIG_FILE.fileName), text, { mode: 0o644 });
    symlinkSync(data, join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  };

  beforeAll(async () => {
    // GIVEN a proxy whose ConfigMap volume has kubelet's layout (config.yaml → ..data/config.yaml)
    mocks = await twoMocks();
    const manifests = synth({
      upstreams: [Upstream.custom({ name: 'mock-a', baseUrl: mocks[0].url }), Upstream.custom({ name: 'mock-b', baseUrl: mocks[1].url })],
    });
    pod = await startPod({
      manifests,
      deploymentName: 'e2e-proxy',
      secretValues: { 'holysheep-credentials/api-key': 'sk-upstream-test' },
      prepareVolumes: (volumes) => {
        configDir = volumes.get('config')!;
        const text = readFileSync(join(configDir, CONFIG_FILE.fileName), 'utf8');
        rmSync(join(configDir, CONFIG_FILE.fileName));
        kubeletWrite(configDir, 1, text);
        symlinkSync(join('..data', CONFIG_FILE.fileName), join(configDir, CONFIG_FILE.fileName));
      },
    });
  });

  afterAll(async () => {
    await pod?.dispose();
    await Promise.all(mocks.map((m) => m.close()));
  });

  it('serves from the new first upstream after the priorities are swapped, without a restart', async () => {
    // GIVEN
    expect((await pod!.waitForProbe('readiness', 10_000)).ok, pod!.logs()).toBe(true);
    const client = proxyClient(pod!.servicePort('http'));
    const before = await chat(client);
    // WHEN the ConfigMap is edited: mock-b first
    const config = parse(readFileSync(join(configDir, CONFIG_FILE.fileName), 'utf8'));
    config.upstreams = config.upstreams.map((u: { name: string }) => ({ ...u, priority: u.name === 'mock-b' ? 0 : 1 }));
    kubeletWrite(configDir, 2, stringify(config));
    let after = before;
    for (let i = 0; i < 40 && after.upstream !== 'mock-b'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await chat(client);
    }
    // THEN the same process serves from mock-b
    expect(before, pod!.logs()).toMatchObject({ status: 200, upstream: 'mock-a' });
    expect(after, pod!.logs()).toMatchObject({ status: 200, upstream: 'mock-b' });
    expect(pod!.running()).toBe(true);
  });
});
