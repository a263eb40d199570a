import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureManifests } from './fixture-pod';
import { httpCall } from './http';
import { cloneManifests, Deployment, findObject, K8sObject } from './manifests';
import { MountTable } from './mount-table';
import { RunningPod, startPod } from './pod-runner';

const SECRETS = { 'fixture-credentials/api-key': 'sk-test-fixture' };
const asRoot = process.getuid?.() === 0;
const userNote = asRoot ? 'as the pod uid 10001' : 'as the current (non-root) user';

function mainContainer(manifests: K8sObject[]) {
  return findObject<Deployment>(manifests, 'Deployment', 'fixture').spec.template.spec.containers[0] as unknown as {
    env: Array<{ name: string; value?: string }>;
    readinessProbe: { httpGet: { path: string } };
    ports: Array<{ containerPort: number }>;
  };
}

describe('MountTable', () => {
  it('rewrites mounted paths by longest prefix, whole or embedded, and leaves others alone', () => {
    // GIVEN
    const table = new MountTable([
      { containerPath: '/app', hostPath: '/h/app' },
      { containerPath: '/app/config', hostPath: '/h/cfg' },
    ]);
    // WHEN / THEN
    expect(table.rewrite('/app/config/config.yaml')).toBe('/h/cfg/config.yaml');
    expect(table.rewrite('/app/runtime/x.js')).toBe('/h/app/runtime/x.js');
    expect(table.rewrite('f.readFileSync("/app/config/a")')).toBe('f.readFileSync("/h/cfg/a")');
    expect(table.rewrite('/application/x')).toBe('/application/x');
    expect(table.rewrite('https://example.test/app/config')).toBe('https://example.test/app/config');
    expect(table.resolve('/app/config')).toBe('/h/cfg');
    expect(table.resolve('/etc/passwd')).toBeUndefined();
  });
});

describe('pod runner on a fixture pod', () => {
  let pod: RunningPod | undefined;
  afterEach(async () => {
    await pod?.dispose();
    pod = undefined;
  });

  it(`runs init then main container with the manifest's volumes, env and ports, ${userNote}`, async () => {
    // GIVEN
    const manifests = fixtureManifests();
    // WHEN
    pod = await startPod({ manifests, deploymentName: 'fixture', secretValues: SECRETS });
    const ready = await pod.waitForProbe('readiness', 8_000);
    // THEN
    expect(ready, pod.logs()).toMatchObject({ ok: true, status: 200, path: '/health/ready' });
    expect((await pod.probe('liveness')).ok).toBe(true);
    const seen = JSON.parse((await httpCall(pod.servicePort('http'), '/health/ready')).body) as Record<string, unknown>;
    expect(seen).toMatchObject({
      config: 'greeting: hello\n',
      secret: 'sk-test-fixture',
      pod: 'fixture-e2e-0',
      cwd: pod.volumes.get('run'),
      port: String(pod.hostPort('http')),
      bundleMode: '555',
      home: '/',
      inherited: null,
    });
    expect(seen.uid).toBe(asRoot ? 10001 : process.getuid?.());
    expect(pod.hostPort('http')).not.toBe(8080);
    expect((await httpCall(pod.servicePort('metrics'), '/')).body).toBe('fixture_up 1\n');
    // items projected only config.yaml, with defaultMode
    expect(() => readFileSync(join(pod!.volumes.get('config')!, 'ignored.txt'))).toThrow(/ENOENT/);
  });

  it('stops the main container with SIGTERM and reports its exit code', async () => {
    // GIVEN
    pod = await startPod({ manifests: fixtureManifests(), deploymentName: 'fixture', secretValues: SECRETS });
    expect((await pod.waitForProbe('readiness', 8_000)).ok, pod.logs()).toBe(true);
    // WHEN
    const exit = await pod.stop();
    // THEN
    expect(exit).toEqual({ code: 0, signal: null, killed: false, exitedBeforeStop: false });
    expect(pod.running()).toBe(false);
  });

  it('fails readiness when the manifest renames the port env the process reads (drift)', async () => {
    // GIVEN
    const manifests = cloneManifests(fixtureManifests());
    const env = mainContainer(manifests).env.find((e) => e.name === 'PORT')!;
    (env as { name: string }).name = 'HTTP_PORT';
    // WHEN
    pod = await startPod({ manifests, deploymentName: 'fixture', secretValues: SECRETS });
    const ready = await pod.waitForProbe('readiness', 1_500);
    // THEN the process runs and serves metrics, but not where the probes look
    expect(ready.ok).toBe(false);
    expect(pod.running()).toBe(true);
    expect((await httpCall(pod.servicePort('metrics'), '/')).status).toBe(200);
  });

  it('fails readiness when the manifest changes the readiness path (drift)', async () => {
    // GIVEN
    const manifests = cloneManifests(fixtureManifests());
    mainContainer(manifests).readinessProbe.httpGet.path = '/healthz';
    // WHEN
    pod = await startPod({ manifests, deploymentName: 'fixture', secretValues: SECRETS });
    const ready = await pod.waitForProbe('readiness', 1_500);
    // THEN
    expect(ready).toMatchObject({ ok: false, status: 404, path: '/healthz' });
  });

  it('refuses to start when a Secret key the pod reads has no test value', async () => {
    // GIVEN / WHEN / THEN
    await expect(startPod({ manifests: fixtureManifests(), deploymentName: 'fixture', secretValues: {} }))
      .rejects.toThrow('env API_KEY of container "server" reads Secret key "fixture-credentials/api-key", but the test gave no value for it');
  });

  it('refuses to start the main container when an init container exits non-zero', async () => {
    // GIVEN
    const manifests = cloneManifests(fixtureManifests());
    const init = findObject<Deployment>(manifests, 'Deployment', 'fixture').spec.template.spec.initContainers![0] as unknown as { command: string[] };
    init.command = ['node', '-e', 'process.exit(3)'];
    // WHEN / THEN
    await expect(startPod({ manifests, deploymentName: 'fixture', secretValues: SECRETS })).rejects.toThrow('init container "unpack" exited with code 3');
  });

  it('refuses a floating node image', async () => {
    // GIVEN
    const manifests = cloneManifests(fixtureManifests());
    (findObject<Deployment>(manifests, 'Deployment', 'fixture').spec.template.spec.containers[0] as { image: string }).image = 'node:latest';
    // WHEN / THEN
    await expect(startPod({ manifests, deploymentName: 'fixture', secretValues: SECRETS })).rejects.toThrow('(received "node:latest")');
  });
});
