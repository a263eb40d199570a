/**
 * Scenario 2: a FailoverProxy built here with custom upstreams pointing at
 * mock upstreams (no URL override): the construct's own config.yaml
 * rendering, per-upstream Secret keys and lifecycle props, end to end.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCall } from './http';
import { K8sObject } from './manifests';
import { RunningPod, startPod } from './pod-runner';
import { chat, proxyClient } from './proxy-client';
import { MockUpstream, startMockUpstream } from '../../runtime/mock/mock-upstream';
import { FailoverProxy, SecretKeyRef, Upstream } from '../../src';
import { METRICS, PATHS } from '../../src/contract';

const asRoot = process.getuid?.() === 0;

describe(`FailoverProxy with custom upstreams, pod run ${asRoot ? 'as its uid 10001' : 'as the current non-root user'}`, () => {
  const mocks: MockUpstream[] = [];
  let pod: RunningPod;

  beforeAll(async () => {
    // GIVEN two mock upstreams and a proxy whose backup reads its key from its own Secret
    mocks.push(await startMockUpstream({ name: 'mock-primary', port: 0 }));
    mocks.push(await startMockUpstream({ name: 'mock-backup', port: 0 }));
    const chart = new Chart(Testing.app(), 'e2e', { namespace: 'e2e' });
    new FailoverProxy(chart, 'Proxy', {
      name: 'e2e-proxy',
      upstreams: [
        Upstream.custom({ name: 'mock-primary', baseUrl: mocks[0].url }),
        Upstream.custom({ name: 'mock-backup', baseUrl: mocks[1].url, apiKey: SecretKeyRef.fromSecret('backup-credentials', 'token') }),
      ],
      shutdownDelay: Duration.seconds(0),
      drainTimeout: Duration.seconds(2),
    });
    const manifests = Testing.synth(chart) as K8sObject[];
    pod = await startPod({
      manifests,
      deploymentName: 'e2e-proxy',
      secretValues: { 'holysheep-credentials/api-key': 'sk-primary-test', 'backup-credentials/token': 'sk-backup-test' },
    });
  });

  afterAll(async () => {
    await pod?.dispose();
    await Promise.all(mocks.map((m) => m.close()));
  });

  it('becomes ready on the manifest readiness probe', async () => {
    // WHEN
    const ready = await pod.waitForProbe('readiness', 10_000);
    // THEN
    expect(ready, pod.logs()).toMatchObject({ ok: true, status: 200, path: PATHS.healthReady });
  });

  it('serves from the primary with its key, then fails over to the backup with the backup key', async () => {
    // GIVEN
    const client = proxyClient(pod.servicePort('http'));
    // WHEN
    const first = await chat(client);
    mocks[0].setMode({ kind: 'status', status: 503 });
    const second = await chat(client);
    // THEN
    expect(first, pod.logs()).toMatchObject({ status: 200, upstream: 'mock-primary' });
    expect(second, pod.logs()).toMatchObject({ status: 200, upstream: 'mock-backup' });
    expect(mocks[0].received[0]?.headers.authorization).toBe('Bearer sk-primary-test');
    expect(mocks[1].received.at(-1)?.headers.authorization).toBe('Bearer sk-backup-test');
  });

  it('counts the failover in the metrics behind the Service metrics port', async () => {
    // WHEN
    const metrics = await httpCall(pod.servicePort('metrics'), PATHS.metrics);
    // THEN
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(new RegExp(`^${METRICS.failoversTotal}\\{[^}]*\\} [1-9]`, 'm'));
  });

  it('exits 0 on SIGTERM', async () => {
    // WHEN
    const exit = await pod.stop();
    // THEN
    expect(exit, pod.logs()).toEqual({ code: 0, signal: null, killed: false, exitedBeforeStop: false });
  });
});
