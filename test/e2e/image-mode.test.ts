/**
 * Scenario 3: image mode, as far as it goes without a container engine. The
 * final stage of runtime/Dockerfile is read (base image, WORKDIR, COPY of the
 * bundle, USER, ENTRYPOINT/CMD) and checked against the manifest the construct
 * synthesizes with `ProxyRuntime.fromImage(...)`; then the pod is run with the
 * image's files mapped to the built bundle (lib/runtime/ai-failover-proxy.js,
 * copied as the COPY would) and answers probes, a request and a scrape.
 */
import { copyFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { Chart, Duration, Testing } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerStage, numericUser, readDockerfile } from './dockerfile';
import { httpCall } from './http';
import { cloneManifests, Container, Deployment, findObject, K8sObject } from './manifests';
import { ImageConfig, RunningPod, startPod } from './pod-runner';
import { chat, proxyClient } from './proxy-client';
import { MockUpstream, startMockUpstream } from '../../runtime/mock/mock-upstream';
import { FailoverProxy, ProxyRuntime, Upstream } from '../../src';
import { METRICS, PATHS, RUNTIME_BUNDLE } from '../../src/contract';

const ROOT = join(__dirname, '..', '..');
const IMAGE = 'registry.example.test/ai-failover-proxy:1.2.3';
const BUNDLE_IN_IMAGE = posix.join(RUNTIME_BUNDLE.appDir, RUNTIME_BUNDLE.fileName);
const SECRETS = { 'holysheep-credentials/api-key': 'sk-image-test' };

let stage: DockerStage;
let manifests: K8sObject[];
let container: Container;
let imageRoot: string;
let image: ImageConfig;
const mocks: MockUpstream[] = [];

beforeAll(async () => {
  stage = readDockerfile(join(ROOT, 'runtime', 'Dockerfile')).final;
  mocks.push(await startMockUpstream({ name: 'image-primary', port: 0 }));
  mocks.push(await startMockUpstream({ name: 'image-backup', port: 0 }));
  const chart = new Chart(Testing.app(), 'image', { namespace: 'e2e' });
  new FailoverProxy(chart, 'Proxy', {
    name: 'image-proxy',
    runtime: ProxyRuntime.fromImage(IMAGE),
    upstreams: [Upstream.custom({ name: 'image-primary', baseUrl: mocks[0].url }), Upstream.custom({ name: 'image-backup', baseUrl: mocks[1].url })],
    shutdownDelay: Duration.seconds(0),
    drainTimeout: Duration.seconds(2),
  });
  manifests = Testing.synth(chart) as K8sObject[];
  container = findObject<Deployment>(manifests, 'Deployment', 'image-proxy').spec.template.spec.containers[0];
  imageRoot = mkdtempSync(join(tmpdir(), 'e2e-image-'));
  chmodSync(imageRoot, 0o755);
  image = imageFromDockerfile(stage, imageRoot);
});

afterAll(async () => {
  await Promise.all(mocks.map((m) => m.close()));
  if (imageRoot) rmSync(imageRoot, { recursive: true, force: true });
});

/**
 * "Builds" the final stage: each COPY of the bundle (from the build context
 * or another stage) becomes the built lib/runtime bundle at its destination in
 * a temp image root; everything else the stage says becomes the ImageConfig.
 */
function imageFromDockerfile(final: DockerStage, root: string): ImageConfig {
  const files = final.copies.map((copy) => {
    // the build context is the repository root: the bundle is copied from where `npm run bundle:runtime` writes it
    if (copy.from !== undefined || copy.sources.length !== 1 || copy.sources[0].replace(/^\.\//, '') !== RUNTIME_BUNDLE.packagePath) {
      throw new Error(`final stage may copy only the runtime bundle (received ${copy.instruction} ${copy.sources.join(' ')} ${copy.dest})`);
    }
    const dest = copy.dest.endsWith('/') ? posix.join(copy.absoluteDest, RUNTIME_BUNDLE.fileName) : copy.absoluteDest;
    const hostFile = join(root, ...dest.split('/').filter(Boolean));
    mkdirSync(join(hostFile, '..'), { recursive: true, mode: 0o755 });
    copyFileSync(join(ROOT, RUNTIME_BUNDLE.packagePath), hostFile);
    chmodSync(hostFile, copy.chmod ? parseInt(copy.chmod, 8) : 0o644);
    return { containerPath: dest, hostPath: hostFile };
  });
  if (final.workdir) {
    const hostDir = join(root, ...final.workdir.split('/').filter(Boolean));
    mkdirSync(hostDir, { recursive: true, mode: 0o755 });
    files.push({ containerPath: final.workdir, hostPath: hostDir });
  }
  const user = numericUser(final.user);
  return { entrypoint: final.entrypoint, cmd: final.cmd, workingDir: final.workdir, user, env: { ...final.env }, files };
}

describe('runtime/Dockerfile matches what the construct expects of an image', () => {
  it('builds on a pinned official node 24 image', () => {
    expect(stage.from).toMatch(/^node:24\.\d+\.\d+(-[a-z0-9.]+)?(@sha256:[a-f0-9]{64})?$/);
  });

  it('copies the bundle, and nothing else, to the path the manifest runs', () => {
    expect(image.files?.map((f) => f.containerPath)).toContain(BUNDLE_IN_IMAGE);
    expect([...(container.command ?? []), ...(container.args ?? [])]).toContain(BUNDLE_IN_IMAGE);
    expect(stage.runs.filter((run) => /\bnpm\b|\byarn\b|\bpnpm\b/.test(run))).toEqual([]);
    expect(stage.healthcheck).toBeUndefined();
  });

  it('works in the directory and as the non-root user the pod uses', () => {
    const pod = findObject<Deployment>(manifests, 'Deployment', 'image-proxy').spec.template.spec;
    expect(stage.workdir).toBe(container.workingDir ?? RUNTIME_BUNDLE.appDir);
    expect(numericUser(stage.user)).toEqual({ uid: pod.securityContext?.runAsUser, gid: pod.securityContext?.runAsGroup });
  });

  it('runs the bundle with node as its ENTRYPOINT/CMD when no command is given', () => {
    const argv = [...(stage.entrypoint ?? []), ...(stage.cmd ?? [])];
    expect(argv[0]).toMatch(/^(node|\/usr\/local\/bin\/node)$/);
    expect(posix.resolve(stage.workdir ?? '/', argv[1])).toBe(BUNDLE_IN_IMAGE);
  });
});

describe('image-mode pod', () => {
  let pod: RunningPod | undefined;

  afterAll(async () => {
    await pod?.dispose();
  });

  /** Runs the pod of `objects` on the "image" and checks probe, request, scrape and exit; always disposes it. */
  async function serve(objects: K8sObject[]): Promise<void> {
    pod = await startPod({
      manifests: objects,
      deploymentName: 'image-proxy',
      secretValues: SECRETS,
      images: { [IMAGE]: image },
      checkImage: (ref) => expect(ref).toBe(IMAGE),
    });
    try {
      const ready = await pod.waitForProbe('readiness', 10_000);
      expect(ready, pod.logs()).toMatchObject({ ok: true, path: PATHS.healthReady });
      expect(await chat(proxyClient(pod.servicePort('http')))).toMatchObject({ status: 200, upstream: 'image-primary' });
      const metrics = await httpCall(pod.servicePort('metrics'), PATHS.metrics);
      expect(metrics.body).toMatch(new RegExp(`^${METRICS.httpRequestsTotal}\\{`, 'm'));
      expect(await pod.stop(), pod.logs()).toEqual({ code: 0, signal: null, killed: false, exitedBeforeStop: false });
    } finally {
      await pod.dispose();
      pod = undefined;
    }
  }

  it('serves probes, a request and metrics as the manifest runs the image', async () => {
    // GIVEN / WHEN / THEN
    await serve(manifests);
  });

  it('serves the same when the manifest leaves command/args to the image ENTRYPOINT/CMD', async () => {
    // GIVEN
    const copy = cloneManifests(manifests);
    const main = findObject<Deployment>(copy, 'Deployment', 'image-proxy').spec.template.spec.containers[0] as { command?: string[]; args?: string[] };
    delete main.command;
    delete main.args;
    // WHEN / THEN
    await serve(copy);
  });
});
