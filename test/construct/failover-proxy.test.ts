import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { find, normalizeBundle, synthProxy } from './helpers';
import {
  Autoscaling, ConfigRollout, HolySheepRegion, LogLevel, NetworkPeer, ProxyRuntime, ScalingPolicyType,
  SecretKeyRef, Upstream, WhenUnsatisfiable,
} from '../../src';
import { CONFIG_FILE, ENV, parseProxyConfig, RUNTIME_BUNDLE } from '../../src/contract';
import { loadGzippedBundle } from '../../src/proxy-runtime/private/runtime-bundle';

/** A configuration that sets every prop. */
function fullyCustomized() {
  return synthProxy({
    name: 'llm-proxy',
    serviceName: 'llm',
    hpaName: 'llm-hpa',
    configMapName: 'llm-config',
    upstreams: [
      Upstream.openAi({ apiKey: SecretKeyRef.fromSecret('openai', 'token'), models: ['gpt-4.1'] }),
      Upstream.holySheep(HolySheepRegion.EU, { priority: 1, weight: 3 }),
      Upstream.custom({ name: 'local-vllm', baseUrl: 'http://vllm.inference.svc:8000/v1', priority: 1 }),
    ],
    apiKey: SecretKeyRef.fromSecret('holysheep', 'key'),
    clientKeys: SecretKeyRef.fromSecret('proxy-clients', 'keys'),
    caBundle: SecretKeyRef.fromSecret('corp-ca', 'ca.crt'),
    httpsProxy: 'http://proxy.corp.internal:3128',
    noProxy: ['vllm.inference.svc'],
    runtime: ProxyRuntime.fromImage('registry.example/ai-failover-proxy:1.2.3'),
    autoscaling: Autoscaling.horizontalPodAutoscaler({
      minReplicas: 4,
      maxReplicas: 12,
      cpuUtilizationPercent: 60,
      requestsPerSecondPerPod: 50,
      scaleUp: { stabilizationWindow: Duration.seconds(30), policies: [{ type: ScalingPolicyType.PODS, value: 4, period: Duration.seconds(30) }] },
    }),
    failureThreshold: 3,
    recoveryTimeout: Duration.seconds(30),
    halfOpenMaxCalls: 1,
    maxRetries: 2,
    requestTimeout: Duration.seconds(20),
    requestDeadline: Duration.seconds(90),
    rateLimitPerMinute: 600,
    pricing: [{ model: 'gpt-4.1', inputPerMillionUsd: 2, outputPerMillionUsd: 8 }],
    logLevel: LogLevel.DEBUG,
    shutdownDelay: Duration.seconds(10),
    drainTimeout: Duration.seconds(50),
    terminationGracePeriod: Duration.seconds(90),
    configRollout: ConfigRollout.ROLLING_RESTART,
    cpuRequestMillis: 500,
    cpuLimitMillis: 2000,
    memoryRequestMebibytes: 768,
    memoryLimitMebibytes: 2048,
    ephemeralStorageRequestMebibytes: 100,
    ephemeralStorageLimitMebibytes: 500,
    zoneMaxSkew: 2,
    zoneWhenUnsatisfiable: WhenUnsatisfiable.DO_NOT_SCHEDULE,
    pdbMinAvailable: 2,
    ingressPeers: [NetworkPeer.fromNamespace('apps'), NetworkPeer.podsInNamespace('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' })],
    monitoringNamespace: 'observability',
    labels: { team: 'platform' },
    version: 'v3.1',
  });
}

describe('FailoverProxy', () => {
  it('synthesizes the playbook-compatible default deployment', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy();
    // THEN the snapshot holds, and the objects and their names are the playbook's
    const normalized = normalizeBundle(manifests);
    expect(normalized).toMatchSnapshot();
    expect(normalized.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'ConfigMap/holysheep-config', 'ConfigMap/holysheep-ai-proxy-runtime-<sha256>', 'ServiceAccount/holysheep-ai-proxy',
      'Deployment/holysheep-ai-proxy', 'Service/holysheep-ai-service', 'HorizontalPodAutoscaler/holysheep-ai-hpa',
      'PodDisruptionBudget/holysheep-ai-proxy', 'NetworkPolicy/holysheep-ai-proxy',
    ]);
  });

  it('synthesizes a fully customized deployment', () => {
    // GIVEN / WHEN
    const { manifests } = fullyCustomized();
    // THEN the snapshot holds, every name follows its prop, and image mode ships no bundle
    expect(normalizeBundle(manifests)).toMatchSnapshot();
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'ConfigMap/llm-config', 'ServiceAccount/llm-proxy', 'Deployment/llm-proxy', 'Service/llm',
      'HorizontalPodAutoscaler/llm-hpa', 'PodDisruptionBudget/llm-proxy', 'NetworkPolicy/llm-proxy',
    ]);
    const pod = find(manifests, 'Deployment').spec.template.spec;
    expect(pod.containers[0].image).toBe('registry.example/ai-failover-proxy:1.2.3');
    expect(pod.terminationGracePeriodSeconds).toBe(90);
    expect(find(manifests, 'Deployment').spec.template.metadata.labels).toEqual({ team: 'platform', app: 'llm-proxy', version: 'v3.1' });
    expect(find(manifests, 'PodDisruptionBudget').spec.minAvailable).toBe(2);
  });

  it('keeps the playbook\'s object names, ports, probes and resources by default', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy();
    // THEN
    const deployment = find(manifests, 'Deployment', 'holysheep-ai-proxy');
    const container = deployment.spec.template.spec.containers[0];
    expect(deployment.spec.replicas).toBeUndefined();
    expect(container.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
    expect(container.livenessProbe).toEqual({ httpGet: { path: '/health/live', port: 8080 }, initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 });
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/health/ready', port: 8080 }, initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 });
    expect(container.resources.requests).toMatchObject({ cpu: '250m', memory: '512Mi' });
    expect(container.resources.limits).toMatchObject({ cpu: '1000m', memory: '1Gi' });
    expect(container.env.find((e: any) => e.name === ENV.apiKey)).toEqual({
      name: 'HOLYSHEEP_API_KEY', valueFrom: { secretKeyRef: { name: 'holysheep-credentials', key: 'api-key', optional: false } },
    });
    expect(container.env.map((e: any) => e.name)).toEqual([ENV.apiKey, ENV.port, ENV.metricsPort, ENV.configPath]);
    expect(find(manifests, 'Service', 'holysheep-ai-service').spec.ports.map((p: any) => [p.port, p.targetPort])).toEqual([[80, 'http'], [9090, 'metrics']]);
    const hpa = find(manifests, 'HorizontalPodAutoscaler', 'holysheep-ai-hpa');
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 20 });
    expect(hpa.spec.metrics[1].pods).toEqual({ metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } });
    expect(hpa.spec.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] });
    expect(find(manifests, 'ConfigMap', 'holysheep-config').data[CONFIG_FILE.fileName]).toContain('https://api.holysheep.ai/v1');
  });

  it('renders every tunable into a config.yaml the runtime schema accepts, not into env', () => {
    // GIVEN / WHEN
    const { manifests } = fullyCustomized();
    // THEN
    const text = find(manifests, 'ConfigMap', 'llm-config').data[CONFIG_FILE.fileName];
    const parsed = parseProxyConfig(parse(text));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.config.upstreams.map((u) => [u.name, u.priority, u.apiKeyEnv])).toEqual([
      ['openai', 0, 'OPENAI_API_KEY'],
      ['holysheep-eu', 1, 'HOLYSHEEP_API_KEY'],
      ['local-vllm', 1, 'HOLYSHEEP_API_KEY'],
    ]);
    expect(parsed.config.circuitBreaker).toMatchObject({ failureThreshold: 3, recoveryTimeoutSeconds: 30, halfOpenMaxCalls: 1 });
    expect(parsed.config.retries.maxRetries).toBe(2);
    expect(parsed.config.timeouts).toMatchObject({ requestSeconds: 20, deadlineSeconds: 90 });
    expect(parsed.config.rateLimit.requestsPerMinute).toBe(600);
    expect(parsed.config.pricing).toEqual({ 'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8 } });
    expect(parsed.config.egress).toEqual({ httpsProxy: 'http://proxy.corp.internal:3128', noProxy: 'vllm.inference.svc', caBundlePath: '/app/ca/ca.pem' });
    expect(parsed.config.lifecycle).toEqual({ shutdownDelaySeconds: 10, drainTimeoutSeconds: 50 });
    const env = find(manifests, 'Deployment').spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(env).toEqual([ENV.apiKey, 'OPENAI_API_KEY', ENV.proxyApiKeys, ENV.port, ENV.metricsPort, ENV.configPath]);
    expect(env).not.toContain(ENV.failureThreshold);
  });

  it('emits the playbook\'s env names only when legacyEnvVars is set', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({ legacyEnvVars: true, maxRetries: 4 });
    // THEN
    const env = Object.fromEntries(find(manifests, 'Deployment').spec.template.spec.containers[0].env
      .filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      HOLYSHEEP_PRIMARY_REGION: 'https://api.holysheep.ai/v1',
      HOLYSHEEP_BACKUP_REGIONS: 'https://us-api.holysheep.ai/v1,https://eu-api.holysheep.ai/v1',
      FAILURE_THRESHOLD: '5',
      RECOVERY_TIMEOUT: '60',
      MAX_RETRIES: '4',
      RATE_LIMIT_PER_MINUTE: '1000',
    });
  });

  it('ships the bundle gzipped in an immutable ConfigMap named by its sha256 and unpacks it in an init container', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy();
    // THEN
    const runtime = manifests.find((m) => m.kind === 'ConfigMap' && m.binaryData)!;
    const gzip = Buffer.from(runtime.binaryData[`${RUNTIME_BUNDLE.fileName}.gz`], 'base64');
    const bundle = readFileSync(path.resolve(__dirname, '..', '..', RUNTIME_BUNDLE.packagePath));
    expect(gunzipSync(gzip).equals(bundle)).toBe(true);
    expect(gzip.length).toBeLessThan(1024 * 1024);
    expect(runtime.immutable).toBe(true);
    expect(runtime.metadata.name).toBe(`holysheep-ai-proxy-runtime-${createHash('sha256').update(gzip).digest('hex').slice(0, 10)}`);
    const pod = find(manifests, 'Deployment').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'runtime-bundle', configMap: { name: runtime.metadata.name } });
    expect(pod.initContainers[0].command.slice(0, 2)).toEqual(['node', '-e']);
    expect(pod.initContainers[0].image).toBe('node:24.11.1-alpine3.22');
    expect(pod.containers[0].command).toEqual(['node', '/app/runtime/ai-failover-proxy.js']);
  });

  it('unpacks the bundle with the init container\'s own command (paths moved to a temp dir)', () => {
    // GIVEN the init container's command, the ConfigMap content written where the volume would be
    const { manifests } = synthProxy();
    const pod = find(manifests, 'Deployment').spec.template.spec;
    const init = pod.initContainers[0];
    const gzKey = `${RUNTIME_BUNDLE.fileName}.gz`;
    const bundleMount = init.volumeMounts.find((m: any) => m.name === 'runtime-bundle').mountPath;
    const runtimeMount = init.volumeMounts.find((m: any) => m.name === 'runtime').mountPath;
    const root = mkdtempSync(path.join(tmpdir(), 'unpack-'));
    try {
      mkdirSync(path.join(root, 'bundle'));
      mkdirSync(path.join(root, 'runtime'));
      const runtimeConfigMap = manifests.find((m) => m.kind === 'ConfigMap' && m.binaryData)!;
      writeFileSync(path.join(root, 'bundle', gzKey), Buffer.from(runtimeConfigMap.binaryData[gzKey], 'base64'));
      const script = (init.command[2] as string).split(bundleMount).join(path.join(root, 'bundle')).split(runtimeMount).join(path.join(root, 'runtime'));
      // WHEN
      execFileSync(process.execPath, ['-e', script], { timeout: 10_000 });
      // THEN the main container's file is the bundle, byte for byte
      const unpacked = readFileSync(path.join(root, 'runtime', RUNTIME_BUNDLE.fileName));
      expect(unpacked.equals(readFileSync(path.resolve(__dirname, '..', '..', RUNTIME_BUNDLE.packagePath)))).toBe(true);
      expect(pod.containers[0].command[1]).toBe(`${runtimeMount}/${RUNTIME_BUNDLE.fileName}`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('runs a prebuilt image without init container or bundle ConfigMap in image mode', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({ runtime: ProxyRuntime.fromImage('registry.example/ai-failover-proxy:1.2.3') });
    // THEN
    const pod = find(manifests, 'Deployment').spec.template.spec;
    expect(pod.initContainers).toBeUndefined();
    expect(pod.containers[0].image).toBe('registry.example/ai-failover-proxy:1.2.3');
    expect(manifests.filter((m) => m.kind === 'ConfigMap')).toHaveLength(1);
  });

  it('rolls pods on config change only with ConfigRollout.ROLLING_RESTART', () => {
    // GIVEN / WHEN
    const hot = find(synthProxy().manifests, 'Deployment');
    const rolling = find(synthProxy({ configRollout: ConfigRollout.ROLLING_RESTART }).manifests, 'Deployment');
    const rollingOther = find(synthProxy({ configRollout: ConfigRollout.ROLLING_RESTART, maxRetries: 1 }).manifests, 'Deployment');
    // THEN
    expect(hot.spec.template.metadata.annotations).toBeUndefined();
    const a = rolling.spec.template.metadata.annotations;
    expect(Object.values(a)[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(rollingOther.spec.template.metadata.annotations).not.toEqual(a);
  });

  it('sets replicas and no HPA with fixed replicas', () => {
    // GIVEN / WHEN
    const { manifests, proxy } = synthProxy({ autoscaling: Autoscaling.fixedReplicas(2) });
    // THEN
    expect(find(manifests, 'Deployment').spec.replicas).toBe(2);
    expect(manifests.some((m) => m.kind === 'HorizontalPodAutoscaler')).toBe(false);
    expect(proxy.hpa).toBeUndefined();
  });

  it('writes a key into a Secret only when passed explicitly as a literal', () => {
    // GIVEN / WHEN
    const plain = synthProxy().manifests;
    const literal = synthProxy({ apiKey: SecretKeyRef.fromLiteral('my-creds', 'api-key', 'sk-test-123') }).manifests;
    // THEN
    expect(plain.some((m) => m.kind === 'Secret')).toBe(false);
    expect(JSON.stringify(plain)).not.toContain('sk-');
    expect(find(literal, 'Secret', 'my-creds').stringData).toEqual({ 'api-key': 'sk-test-123' });
    expect(JSON.stringify(literal.filter((m) => m.kind !== 'Secret'))).not.toContain('sk-test-123');
  });

  it('opens egress to the upstream and proxy ports only, plus DNS', () => {
    // GIVEN / WHEN
    const { manifests } = fullyCustomized();
    // THEN
    const policy = find(manifests, 'NetworkPolicy');
    expect(policy.spec.egress[1].ports.map((p: any) => p.port)).toEqual([443, 3128, 8000]);
    expect(policy.spec.ingress[1].from[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'observability' });
  });

  it('mounts config.yaml as a whole read-only directory so ConfigMap edits reach the running pod', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy();
    // THEN subPath mounts never receive ConfigMap updates
    const container = find(manifests, 'Deployment').spec.template.spec.containers[0];
    const mount = container.volumeMounts.find((m: any) => m.name === 'config');
    expect(mount).toEqual({ name: 'config', mountPath: CONFIG_FILE.mountDir, readOnly: true });
    expect(container.env.find((e: any) => e.name === ENV.configPath).value).toBe(CONFIG_FILE.defaultPath);
  });

  it('names the missing bundle file when the runtime was not bundled', () => {
    // GIVEN
    const missing = path.join(tmpdir(), 'no-such-dir', RUNTIME_BUNDLE.fileName);
    // WHEN / THEN
    expect(() => loadGzippedBundle(missing)).toThrow(`runtime bundle not found at ${missing}`);
  });

  it('exposes the children for composition', () => {
    // GIVEN / WHEN
    const { proxy } = synthProxy();
    // THEN
    expect(proxy.deployment.name).toBe('holysheep-ai-proxy');
    expect(proxy.service.name).toBe('holysheep-ai-service');
    expect(proxy.configMap.name).toBe('holysheep-config');
    expect(proxy.hpa?.name).toBe('holysheep-ai-hpa');
    expect(proxy.runtimeConfigMap?.name).toMatch(/^holysheep-ai-proxy-runtime-/);
  });
});
