/**
 * Scenario 1: the very example app behind `npm run synth`. Its us region file
 * is read back from dist/, its pod is run the way the manifest says (init
 * container unpacking the bundle from the ConfigMap, the main container on the
 * bundle), and OpenAI traffic goes through the Service's ports to three mock
 * upstreams standing in for the HolySheep regions.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { httpCall } from './http';
import { cloneManifests, Deployment, findObject, K8sObject, readManifestFile } from './manifests';
import { RunningPod, startPod } from './pod-runner';
import { chat, chatStream, proxyClient } from './proxy-client';
import { overrideUpstreamUrls, RenderedUpstream } from './upstream-override';
import { MockUpstream, startMockUpstream } from '../../runtime/mock/mock-upstream';
import { CONFIG_FILE, ENV, METRICS, PATHS, RUNTIME_BUNDLE } from '../../src/contract';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');
const DEPLOYMENT = 'holysheep-ai-proxy';
const API_KEY = 'sk-e2e-holysheep-test-value';
const SECRETS = { 'holysheep-credentials/api-key': API_KEY };
const asRoot = process.getuid?.() === 0;

const REGIONS = ['asia-pacific', 'us', 'eu'];

let manifests: K8sObject[];
const regionManifests = new Map<string, K8sObject[]>();

beforeAll(() => {
  // `npm run synth` = bundle (done by vitest's globalSetup) + `tsx example/main.ts`
  execFileSync(process.execPath, [require.resolve('tsx/cli'), join('example', 'main.ts')], { cwd: ROOT, stdio: 'pipe', timeout: 60_000 });
  for (const region of REGIONS) {
    regionManifests.set(region, readManifestFile(join(DIST, `${region}.k8s.yaml`)));
  }
  manifests = regionManifests.get('us')!;
}, 60_000);

/** Volume name of the config.yaml mount of the main container. */
function configVolume(objects: readonly K8sObject[]): string {
  const container = findObject<Deployment>(objects, 'Deployment', DEPLOYMENT).spec.template.spec.containers[0];
  const mount = (container.volumeMounts ?? []).find((m) => m.mountPath === CONFIG_FILE.mountDir);
  if (!mount) {
    throw new Error(`main container mounts nothing at ${CONFIG_FILE.mountDir} (mounts: ${JSON.stringify(container.volumeMounts)})`);
  }
  return mount.name;
}

describe(`example app, dist/us.k8s.yaml, pod run ${asRoot ? 'as its uid 10001' : 'as the current non-root user'}`, () => {
  const mocks: MockUpstream[] = [];
  let pod: RunningPod;
  let upstreams: RenderedUpstream[];

  beforeAll(async () => {
    for (const name of ['first', 'second', 'third']) {
      mocks.push(await startMockUpstream({ name, port: 0 }));
    }
    pod = await startPod({
      manifests,
      deploymentName: DEPLOYMENT,
      secretValues: SECRETS,
      prepareVolumes: (volumes) => {
        upstreams = overrideUpstreamUrls(join(volumes.get(configVolume(manifests))!, CONFIG_FILE.fileName), mocks.map((m) => m.url));
      },
    });
  });

  afterAll(async () => {
    await pod?.dispose();
    await Promise.all(mocks.map((m) => m.close()));
  });

  it('renders the us region with the nearest HolySheep region first', () => {
    expect(upstreams.map((u) => u.baseUrl)).toEqual(['https://us-api.holysheep.ai/v1', 'https://eu-api.holysheep.ai/v1', 'https://api.holysheep.ai/v1']);
  });

  it('runs exactly the bundle this package built, unpacked by the init container from the ConfigMap', () => {
    // GIVEN
    const container = findObject<Deployment>(manifests, 'Deployment', DEPLOYMENT).spec.template.spec.containers[0];
    const appMount = (container.volumeMounts ?? []).find((m) => m.mountPath === RUNTIME_BUNDLE.appDir);
    // WHEN
    const unpacked = readFileSync(join(pod.volumes.get(appMount!.name)!, RUNTIME_BUNDLE.fileName));
    // THEN
    expect(unpacked.equals(readFileSync(join(ROOT, RUNTIME_BUNDLE.packagePath)))).toBe(true);
  });

  it('becomes ready and live on the probe paths and ports of the manifest', async () => {
    // WHEN
    const ready = await pod.waitForProbe('readiness', 10_000);
    // THEN
    expect(ready, pod.logs()).toMatchObject({ ok: true, status: 200, path: PATHS.healthReady });
    expect(await pod.probe('liveness'), pod.logs()).toMatchObject({ ok: true, path: PATHS.healthLive });
  });

  it('answers a chat completion through the Service http port from the primary, with the Secret-sourced key', async () => {
    // WHEN
    const result = await chat(proxyClient(pod.servicePort('http')));
    // THEN
    expect(result, pod.logs()).toMatchObject({ status: 200, upstream: upstreams[0].name });
    expect(result.content.length).toBeGreaterThan(0);
    expect(mocks[0].requests).toBeGreaterThanOrEqual(1);
    expect(mocks[0].received.at(-1)?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('streams a chat completion through the Service http port', async () => {
    // WHEN
    const result = await chatStream(proxyClient(pod.servicePort('http')));
    // THEN
    expect(result, pod.logs()).toMatchObject({ status: 200, upstream: upstreams[0].name });
    expect(result.chunks).toBeGreaterThan(1);
    expect(result.content.length).toBeGreaterThan(0);
  });

  it('fails over to the second upstream when the primary returns 503', async () => {
    // GIVEN
    mocks[0].setMode({ kind: 'status', status: 503 });
    const backupBefore = mocks[1].requests;
    // WHEN
    const result = await chat(proxyClient(pod.servicePort('http')));
    // THEN
    expect(result, pod.logs()).toMatchObject({ status: 200, upstream: upstreams[1].name });
    expect(mocks[1].requests).toBe(backupBefore + 1);
  });

  it('exposes request and breaker metrics on the Service metrics port', async () => {
    // WHEN
    const metrics = await httpCall(pod.servicePort('metrics'), PATHS.metrics);
    // THEN
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(new RegExp(`^${METRICS.httpRequestsTotal}\\{`, 'm'));
    expect(metrics.body).toMatch(new RegExp(`^${METRICS.circuitBreakerState}\\{[^}]*${upstreams[0].name}`, 'm'));
  });

  it('turns unready on SIGTERM while still live, then exits 0 within the grace period', async () => {
    // WHEN
    pod.sendTerm();
    const readiness = await pod.waitForProbe('readiness', 2_000, false);
    const liveness = await pod.probe('liveness');
    const exit = await pod.stop();
    // THEN
    expect(readiness.ok).toBe(false);
    expect(liveness.ok).toBe(true);
    expect(exit, pod.logs()).toEqual({ code: 0, signal: null, killed: false, exitedBeforeStop: false });
  });
});

describe('drift between the example manifest and the runtime fails the pod', () => {
  let pod: RunningPod | undefined;

  afterAll(async () => {
    await pod?.dispose();
  });

  /**
   * Starts a pod from a mutated copy of the manifests (and, optionally, an
   * edited copy of the materialized config.yaml); reports readiness and
   * whether the process still serves metrics.
   */
  async function driftedPod(mutate: (deployment: Deployment) => void, editConfig?: (configFile: string) => void) {
    const copy = cloneManifests(manifests);
    mutate(findObject<Deployment>(copy, 'Deployment', DEPLOYMENT));
    pod = await startPod({
      manifests: copy,
      deploymentName: DEPLOYMENT,
      secretValues: SECRETS,
      stopTimeoutMs: 1_000,
      prepareVolumes: editConfig ? (volumes) => editConfig(join(volumes.get(configVolume(copy))!, CONFIG_FILE.fileName)) : undefined,
    });
    try {
      const ready = await pod.waitForProbe('readiness', 1_500);
      const metrics = await httpCall(pod.servicePort('metrics'), PATHS.metrics).then((r) => r.status, (e: Error) => e.message);
      const listening = /"event":"listening","port":(\d+)/.exec(pod.logs());
      return { ready, metrics, running: pod.running(), listeningPort: listening ? Number(listening[1]) : undefined, probedPort: pod.hostPort('http') };
    } finally {
      await pod.dispose();
      pod = undefined;
    }
  }

  it('is never ready when the manifest renames the port env the runtime reads', async () => {
    // GIVEN the port env renamed in the manifest, and (in the materialized config copy only)
    // server.port 0, so the runtime's fallback is a free port, never the fixed 8080 on this machine
    // WHEN
    const result = await driftedPod((deployment) => {
      const env = (deployment.spec.template.spec.containers[0].env ?? []) as Array<{ name: string; value?: string }>;
      const port = env.find((e) => e.name === ENV.port);
      expect(port).toBeDefined();
      port!.name = 'HTTP_LISTEN_PORT';
    }, (configFile) => {
      const doc = parseDocument(readFileSync(configFile, 'utf8'));
      expect(doc.getIn(['server', 'port'])).toBeUndefined();
      doc.setIn(['server', 'port'], 0);
      writeFileSync(configFile, doc.toString());
    });
    // THEN the process runs and serves metrics, but not where the probes and the Service look
    expect(result).toMatchObject({ ready: { ok: false }, metrics: 200, running: true });
    // AND it listens on a free port of its own: neither the probed port nor the fixed 8080
    expect(result.listeningPort).toBeGreaterThan(0);
    expect(result.listeningPort).not.toBe(result.probedPort);
    expect(result.listeningPort).not.toBe(8080);
  });

  it('is never ready when the manifest changes the readiness path', async () => {
    // GIVEN / WHEN
    const result = await driftedPod((deployment) => {
      (deployment.spec.template.spec.containers[0].readinessProbe as { httpGet: { path: string } }).httpGet.path = '/healthz';
    });
    // THEN
    expect(result).toMatchObject({ ready: { ok: false, status: 404, path: '/healthz' }, running: true });
  });
});

describe('example app, the other region files of dist/', () => {
  const mocks: MockUpstream[] = [];
  const pods: RunningPod[] = [];

  afterAll(async () => {
    await Promise.all(pods.map((p) => p.dispose()));
    await Promise.all(mocks.map((m) => m.close()));
  });

  it.each(REGIONS.filter((r) => r !== 'us'))('%s: becomes ready and serves from its nearest upstream', async (region) => {
    // GIVEN one mock per upstream of the region
    const objects = regionManifests.get(region)!;
    const own: MockUpstream[] = [];
    for (let i = 0; i < 3; i++) own.push(await startMockUpstream({ name: `${region}-${i}`, port: 0 }));
    mocks.push(...own);
    let upstreams: RenderedUpstream[] = [];
    // WHEN
    const pod = await startPod({
      manifests: objects,
      deploymentName: DEPLOYMENT,
      secretValues: SECRETS,
      stopTimeoutMs: 1_000, // graceful exit is proven on the us file
      prepareVolumes: (volumes) => {
        upstreams = overrideUpstreamUrls(join(volumes.get(configVolume(objects))!, CONFIG_FILE.fileName), own.map((m) => m.url));
      },
    });
    pods.push(pod);
    const ready = await pod.waitForProbe('readiness', 10_000);
    const result = await chat(proxyClient(pod.servicePort('http')));
    // THEN
    expect(ready, pod.logs()).toMatchObject({ ok: true });
    expect(upstreams[0].baseUrl).toBe(region === 'eu' ? 'https://eu-api.holysheep.ai/v1' : 'https://api.holysheep.ai/v1');
    expect(result, pod.logs()).toMatchObject({ status: 200, upstream: upstreams[0].name });
    expect(own[0].requests).toBe(1);
  });
});
