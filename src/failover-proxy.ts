import { createHash } from 'node:crypto';
import { Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Autoscaling, AutoscalingKind } from './autoscaling';
import { ApiKeyEnv, assignApiKeyEnvs, renderConfig } from './config-rendering';
import { CONFIG_FILE, DEFAULT_PRICING, ENV, PATHS, PORT_NAMES, PORTS, RUNTIME_BUNDLE } from './contract';
import { hpaSpec } from './hpa-spec';
import { NetworkPeer } from './network-peer';
import { networkPolicySpec } from './network-policy-spec';
import { FailoverDashboard, FailoverMonitoring, FailoverMonitoringOptions, RequestRateScaledObject } from './observability';
import { containerSecurityContext, podSecurityContext, resourceRequirements } from './pod-security';
import { ProxyRuntime, ProxyRuntimeKind } from './proxy-runtime';
import { loadGzippedBundle } from './runtime-bundle';
import { SecretKeyRef } from './secret-key-ref';
import { HolySheepRegion, Upstream } from './upstream';
import { urlPort } from './url-port';
import { WhenUnsatisfiable } from './zone-spread';
import { zoneSpread } from './zone-spread-rules';

const k8s = kplus.k8s;

/** Price of one model in USD per 1M tokens. */
export interface ModelPrice {
  /** Model name as clients send it. */
  readonly model: string;
  /** USD per 1M input (prompt) tokens. */
  readonly inputPerMillionUsd: number;
  /** USD per 1M output (completion) tokens. */
  readonly outputPerMillionUsd: number;
}

/** Log level of the proxy. */
export enum LogLevel {
  FATAL = 'fatal',
  ERROR = 'error',
  WARN = 'warn',
  INFO = 'info',
  DEBUG = 'debug',
  TRACE = 'trace',
  SILENT = 'silent',
}

/** What happens to running pods when the config ConfigMap changes. */
export enum ConfigRollout {
  /** Nothing: the proxy hot-reloads the mounted config.yaml (default). */
  HOT_RELOAD = 'hot-reload',
  /** A checksum annotation on the pod template rolls the pods on every change. */
  ROLLING_RESTART = 'rolling-restart',
}

/** Props of {@link FailoverProxy}. */
export interface FailoverProxyProps {
  /**
   * Name of the Deployment, its ServiceAccount, PDB, NetworkPolicy and the `app` label.
   * @default 'holysheep-ai-proxy'
   */
  readonly name?: string;
  /**
   * Name of the Service.
   * @default 'holysheep-ai-service'
   */
  readonly serviceName?: string;
  /**
   * Name of the HorizontalPodAutoscaler.
   * @default 'holysheep-ai-hpa'
   */
  readonly hpaName?: string;
  /**
   * Name of the ConfigMap holding config.yaml.
   * @default 'holysheep-config'
   */
  readonly configMapName?: string;
  /**
   * Upstreams, tried in list order unless an upstream sets `priority`.
   * @default - the seed's HolySheep regions: Asia-Pacific, US, EU
   */
  readonly upstreams?: Upstream[];
  /**
   * API key used by every upstream that sets none (env `HOLYSHEEP_API_KEY`).
   * @default - Secret `holysheep-credentials`, key `api-key` (must exist)
   */
  readonly apiKey?: SecretKeyRef;
  /**
   * Client keys the proxy accepts as `Authorization: Bearer` (env `PROXY_API_KEYS`, comma separated).
   * @default - the proxy accepts any caller that the NetworkPolicy lets in
   */
  readonly clientKeys?: SecretKeyRef;
  /**
   * PEM bundle of extra CAs trusted for upstream TLS (corporate egress).
   * @default - the system CAs only
   */
  readonly caBundle?: SecretKeyRef;
  /**
   * Corporate HTTPS proxy for upstream calls, e.g. `http://proxy.corp:3128`.
   * @default - direct connections
   */
  readonly httpsProxy?: string;
  /**
   * Hosts that bypass `httpsProxy`.
   * @default - none
   */
  readonly noProxy?: string[];
  /**
   * How the proxy's code reaches the pod.
   * @default ProxyRuntime.bundled()
   */
  readonly runtime?: ProxyRuntime;
  /**
   * Replica count or autoscaler (HPA, or a KEDA ScaledObject created in `monitoringScope`).
   * @default Autoscaling.horizontalPodAutoscaler()
   */
  readonly autoscaling?: Autoscaling;
  /**
   * Consecutive failures that open an upstream's circuit breaker.
   * @default 5
   */
  readonly failureThreshold?: number;
  /**
   * Time an opened breaker stays open before probing.
   * @default Duration.seconds(60)
   */
  readonly recoveryTimeout?: Duration;
  /**
   * Probes admitted at once in half-open.
   * @default 3
   */
  readonly halfOpenMaxCalls?: number;
  /**
   * Extra attempts after the first.
   * @default 3
   */
  readonly maxRetries?: number;
  /**
   * Per-try timeout until response headers.
   * @default Duration.seconds(30)
   */
  readonly requestTimeout?: Duration;
  /**
   * Deadline for the whole request, all attempts included.
   * @default Duration.seconds(120)
   */
  readonly requestDeadline?: Duration;
  /**
   * Requests per minute per client key per pod; 0 disables.
   * @default 1000
   */
  readonly rateLimitPerMinute?: number;
  /**
   * Prices per model.
   * @default - the seed's four models (gpt-4.1, claude-sonnet-4.5, gemini-2.5-flash, deepseek-v3.2)
   */
  readonly pricing?: ModelPrice[];
  /**
   * Log level.
   * @default LogLevel.INFO
   */
  readonly logLevel?: LogLevel;
  /**
   * After SIGTERM, how long the pod stays unready but serving before the listener closes.
   * @default Duration.seconds(5)
   */
  readonly shutdownDelay?: Duration;
  /**
   * How long in-flight requests get to finish after that.
   * @default Duration.seconds(25)
   */
  readonly drainTimeout?: Duration;
  /**
   * Pod termination grace period; must exceed shutdownDelay + drainTimeout.
   * @default - shutdownDelay + drainTimeout + 10s
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * Also emit the seed's env variables (HOLYSHEEP_PRIMARY_REGION, HOLYSHEEP_BACKUP_REGIONS,
   * FAILURE_THRESHOLD, RECOVERY_TIMEOUT, MAX_RETRIES, RATE_LIMIT_PER_MINUTE).
   * Env ranks above config.yaml, so these settings are then NOT hot-reloadable:
   * changing them requires a rollout. All upstreams must share one API key.
   * @default false
   */
  readonly seedEnvVars?: boolean;
  /**
   * What a config change does to running pods.
   * @default ConfigRollout.HOT_RELOAD
   */
  readonly configRollout?: ConfigRollout;
  /**
   * CPU request in millicores.
   * @default 250
   */
  readonly cpuRequestMillis?: number;
  /**
   * CPU limit in millicores.
   * @default 1000
   */
  readonly cpuLimitMillis?: number;
  /**
   * Memory request in MiB.
   * @default 512
   */
  readonly memoryRequestMebibytes?: number;
  /**
   * Memory limit in MiB.
   * @default 1024
   */
  readonly memoryLimitMebibytes?: number;
  /**
   * Ephemeral storage request in MiB.
   * @default 64
   */
  readonly ephemeralStorageRequestMebibytes?: number;
  /**
   * Ephemeral storage limit in MiB.
   * @default 256
   */
  readonly ephemeralStorageLimitMebibytes?: number;
  /**
   * Largest difference of proxy pods between two zones.
   * @default 1
   */
  readonly zoneMaxSkew?: number;
  /**
   * What the scheduler does when the zone spread cannot be met.
   * @default WhenUnsatisfiable.SCHEDULE_ANYWAY
   */
  readonly zoneWhenUnsatisfiable?: WhenUnsatisfiable;
  /**
   * PodDisruptionBudget `minAvailable`; must be below the minimum replica count.
   * @default - `maxUnavailable: 1` instead
   * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
   */
  readonly pdbMinAvailable?: number;
  /**
   * Create a NetworkPolicy.
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Who may reach the API port 8080.
   * @default - every pod in the cluster (NetworkPeer.anyNamespace())
   */
  readonly ingressPeers?: NetworkPeer[];
  /**
   * Namespace whose pods may scrape the metrics port 9090.
   * @default 'monitoring'
   */
  readonly monitoringNamespace?: string;
  /**
   * Extra labels on every object and pod (the `app` label is always set).
   * @default - `app` and `version` only
   */
  readonly labels?: { [key: string]: string };
  /**
   * Value of the seed's `version` label.
   * @default 'v2.0'
   */
  readonly version?: string;
  /**
   * Observability to emit: ServiceMonitor or PodMonitor, PrometheusRule alerts,
   * Grafana dashboard ConfigMap, prometheus-adapter rule. The dashboard becomes the
   * child `Dashboard` of this proxy; the rest goes to `monitoringScope`. The adapter
   * rule ConfigMap goes to `monitoringNamespace` unless its options name another.
   * @default - no monitoring objects
   */
  readonly monitoring?: FailoverMonitoringOptions;
  /**
   * Where the objects that need CRDs (ServiceMonitor, PodMonitor, PrometheusRule,
   * KEDA ScaledObject) or live in another namespace (prometheus-adapter rule) are
   * created, e.g. a Chart written to a separate file so that `kubectl apply` of
   * this proxy's file works on a cluster without those CRDs. They keep this proxy's
   * namespace and names either way.
   * @default - this proxy (the same chart)
   */
  readonly monitoringScope?: Construct;
}

/** Seed's probe timings. */
const LIVENESS = { initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 };
const READINESS = { initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 };
/** Where the gzipped bundle and the CA bundle are mounted. */
const BUNDLE_MOUNT_DIR = '/bundle';
const CA_MOUNT_DIR = '/app/ca';
const CA_FILE_NAME = 'ca.pem';
const GZ_KEY = `${RUNTIME_BUNDLE.fileName}.gz`;
/** ConfigMaps hold at most 1 MiB; leave room for metadata. */
const MAX_BUNDLE_BYTES = 1024 * 1024 - 16 * 1024;
const CHECKSUM_ANNOTATION = 'ai-failover.cdk8s.io/config-sha256';
/** The init container's whole program: gunzip the bundle into the emptyDir. */
const GUNZIP_SCRIPT = `const f=require('fs'),z=require('zlib');f.writeFileSync('${RUNTIME_BUNDLE.appDir}/${RUNTIME_BUNDLE.fileName}',z.gunzipSync(f.readFileSync('${BUNDLE_MOUNT_DIR}/${GZ_KEY}')))`;

/**
 * One cluster's deployment of the LLM API failover proxy: Deployment,
 * Service, HPA, PDB, NetworkPolicy, ServiceAccount and the ConfigMap that
 * holds config.yaml (hot-reloaded by the proxy); optionally its monitoring
 * (ServiceMonitor/PodMonitor, PrometheusRule, Grafana dashboard,
 * prometheus-adapter rule) and a KEDA ScaledObject instead of the HPA.
 */
export class FailoverProxy extends Construct {
  /** Deployment name and `app` label. */
  public readonly name: string;
  /** Upstreams in the order given. */
  public readonly upstreams: Upstream[];
  /** The autoscaling choice. */
  public readonly autoscaling: Autoscaling;
  /** The runtime delivery. */
  public readonly runtime: ProxyRuntime;
  /** Labels selecting the proxy's pods. */
  public readonly selectorLabels: { [key: string]: string };
  /** The rendered config.yaml. */
  public readonly configYaml: string;
  /** The Deployment. */
  public readonly deployment: kplus.k8s.KubeDeployment;
  /** The ClusterIP Service (port 80 → http, 9090 → metrics). */
  public readonly service: kplus.k8s.KubeService;
  /** The ConfigMap holding config.yaml. */
  public readonly configMap: kplus.k8s.KubeConfigMap;
  /** The immutable ConfigMap with the gzipped runtime (bundled runtime only). */
  public readonly runtimeConfigMap?: kplus.k8s.KubeConfigMap;
  /** The HorizontalPodAutoscaler (HPA autoscaling only). */
  public readonly hpa?: kplus.k8s.KubeHorizontalPodAutoscalerV2;
  /** The PodDisruptionBudget. */
  public readonly podDisruptionBudget: kplus.k8s.KubePodDisruptionBudget;
  /** The NetworkPolicy (unless disabled). */
  public readonly networkPolicy?: kplus.k8s.KubeNetworkPolicy;
  /** The pod's dedicated ServiceAccount. */
  public readonly serviceAccount: kplus.k8s.KubeServiceAccount;
  /** Secrets created from explicit literals (empty unless `SecretKeyRef.fromLiteral` was used). */
  public readonly secrets: kplus.k8s.KubeSecret[];
  /** The Service's in-cluster DNS name (without namespace suffix). */
  public readonly serviceName: string;
  /**
   * The ServiceMonitor / PodMonitor, PrometheusRule and prometheus-adapter rule
   * (when `monitoring` asks for any of them), created in `monitoringScope`.
   */
  public readonly monitoring?: FailoverMonitoring;
  /** The Grafana dashboard ConfigMap (when `monitoring` is set and its `dashboard` is not false). */
  public readonly dashboard?: FailoverDashboard;
  /** The KEDA ScaledObject (KEDA autoscaling only), created in `monitoringScope`. */
  public readonly scaledObject?: RequestRateScaledObject;

  constructor(scope: Construct, id: string, props: FailoverProxyProps = {}) {
    super(scope, id);
    this.name = props.name ?? 'holysheep-ai-proxy';
    this.serviceName = props.serviceName ?? 'holysheep-ai-service';
    const hpaName = props.hpaName ?? 'holysheep-ai-hpa';
    const configMapName = props.configMapName ?? 'holysheep-config';
    this.upstreams = props.upstreams ?? [
      Upstream.holySheep(HolySheepRegion.ASIA_PACIFIC),
      Upstream.holySheep(HolySheepRegion.US),
      Upstream.holySheep(HolySheepRegion.EU),
    ];
    this.autoscaling = props.autoscaling ?? Autoscaling.horizontalPodAutoscaler();
    this.runtime = props.runtime ?? ProxyRuntime.bundled();
    const apiKey = props.apiKey ?? SecretKeyRef.fromSecret('holysheep-credentials', 'api-key');
    const shutdownDelay = props.shutdownDelay ?? Duration.seconds(5);
    const drainTimeout = props.drainTimeout ?? Duration.seconds(25);
    const minGrace = shutdownDelay.toSeconds() + drainTimeout.toSeconds();
    const grace = props.terminationGracePeriod ?? Duration.seconds(minGrace + 10);
    const configRollout = props.configRollout ?? ConfigRollout.HOT_RELOAD;

    // ---- validation of props that the schema cannot see ----
    if (this.upstreams.length === 0) {
      throw new Error('\'upstreams\' must contain at least one upstream (received [])');
    }
    const seen = new Set<string>();
    for (const upstream of this.upstreams) {
      if (seen.has(upstream.name)) {
        throw new Error(`'upstreams' must have unique names (received "${upstream.name}" twice)`);
      }
      seen.add(upstream.name);
    }
    checkInt('failureThreshold', props.failureThreshold, 1);
    checkInt('halfOpenMaxCalls', props.halfOpenMaxCalls, 1);
    checkInt('maxRetries', props.maxRetries, 0);
    checkInt('rateLimitPerMinute', props.rateLimitPerMinute, 0);
    checkInt('zoneMaxSkew', props.zoneMaxSkew, 1);
    if (grace.toSeconds() <= minGrace) {
      throw new Error(`'terminationGracePeriod' (${grace.toSeconds()}s) must be greater than 'shutdownDelay' + 'drainTimeout' (${minGrace}s)`);
    }
    if (props.pdbMinAvailable !== undefined) {
      checkInt('pdbMinAvailable', props.pdbMinAvailable, 0);
      if (props.pdbMinAvailable >= this.autoscaling.minReplicas) {
        throw new Error(`'pdbMinAvailable' (${props.pdbMinAvailable}) must be lower than the minimum replica count (${this.autoscaling.minReplicas}), or the PodDisruptionBudget blocks every eviction`);
      }
    }
    const resources = {
      cpuRequestMillis: props.cpuRequestMillis ?? 250,
      cpuLimitMillis: props.cpuLimitMillis ?? 1000,
      memoryRequestMebibytes: props.memoryRequestMebibytes ?? 512,
      memoryLimitMebibytes: props.memoryLimitMebibytes ?? 1024,
      ephemeralStorageRequestMebibytes: props.ephemeralStorageRequestMebibytes ?? 64,
      ephemeralStorageLimitMebibytes: props.ephemeralStorageLimitMebibytes ?? 256,
    };
    for (const [key, value] of Object.entries(resources)) {
      checkInt(key, value, 1);
    }
    for (const [request, limit] of [['cpuRequestMillis', 'cpuLimitMillis'], ['memoryRequestMebibytes', 'memoryLimitMebibytes'], ['ephemeralStorageRequestMebibytes', 'ephemeralStorageLimitMebibytes']] as const) {
      if (resources[request] > resources[limit]) {
        throw new Error(`'${request}' (${resources[request]}) must not exceed '${limit}' (${resources[limit]})`);
      }
    }

    // ---- config.yaml ----
    const keys = assignApiKeyEnvs(this.upstreams, apiKey);
    if (props.seedEnvVars && keys.envs.length > 1) {
      throw new Error(`'seedEnvVars' needs every upstream to share one API key (received ${keys.envs.length} distinct keys: ${keys.envs.map((e) => e.envName).join(', ')})`);
    }
    const pricing: Record<string, { inputPerMillion: number; outputPerMillion: number }> = {};
    const defaultPricing = Object.entries(DEFAULT_PRICING)
      .map(([model, p]) => ({ model, inputPerMillionUsd: p.inputPerMillion, outputPerMillionUsd: p.outputPerMillion }));
    for (const price of props.pricing ?? defaultPricing) {
      if (pricing[price.model]) {
        throw new Error(`'pricing' must list each model once (received "${price.model}" twice)`);
      }
      pricing[price.model] = { inputPerMillion: price.inputPerMillionUsd, outputPerMillion: price.outputPerMillionUsd };
    }
    const egress: Record<string, unknown> = {};
    if (props.httpsProxy !== undefined) {
      egress.httpsProxy = props.httpsProxy;
    }
    if (props.noProxy !== undefined && props.noProxy.length > 0) {
      egress.noProxy = props.noProxy.join(',');
    }
    if (props.caBundle) {
      egress.caBundlePath = `${CA_MOUNT_DIR}/${CA_FILE_NAME}`;
    }
    const configInput: Record<string, unknown> = {
      upstreams: this.upstreams.map((upstream, index) => ({
        name: upstream.name,
        baseUrl: upstream.baseUrl,
        priority: upstream.priority ?? index,
        ...(upstream.weight !== 1 ? { weight: upstream.weight } : {}),
        apiKeyEnv: keys.byUpstream.get(upstream.name),
        ...(upstream.models.length > 0 ? { models: upstream.models } : {}),
      })),
      circuitBreaker: {
        failureThreshold: props.failureThreshold ?? 5,
        recoveryTimeoutSeconds: (props.recoveryTimeout ?? Duration.seconds(60)).toSeconds(),
        halfOpenMaxCalls: props.halfOpenMaxCalls ?? 3,
      },
      retries: { maxRetries: props.maxRetries ?? 3 },
      timeouts: {
        requestSeconds: (props.requestTimeout ?? Duration.seconds(30)).toSeconds(),
        deadlineSeconds: (props.requestDeadline ?? Duration.seconds(120)).toSeconds(),
      },
      rateLimit: { requestsPerMinute: props.rateLimitPerMinute ?? 1000 },
      pricing,
      logging: { level: props.logLevel ?? LogLevel.INFO },
      lifecycle: { shutdownDelaySeconds: shutdownDelay.toSeconds(), drainTimeoutSeconds: drainTimeout.toSeconds() },
      ...(Object.keys(egress).length > 0 ? { egress } : {}),
    };
    const rendered = renderConfig(configInput);
    this.configYaml = rendered.yaml;

    // ---- labels ----
    this.selectorLabels = { app: this.name };
    const labels = { ...(props.labels ?? {}), app: this.name, version: props.version ?? 'v2.0' };

    // ---- secrets created from explicit literals only ----
    this.secrets = [];
    const literalRefs = [apiKey, ...this.upstreams.map((u) => u.apiKey), props.clientKeys, props.caBundle]
      .filter((ref): ref is SecretKeyRef => ref?._literal !== undefined);
    const bySecret = new Map<string, Record<string, string>>();
    for (const ref of literalRefs) {
      const data = bySecret.get(ref.secretName) ?? {};
      data[ref.key] = ref._literal!;
      bySecret.set(ref.secretName, data);
    }
    for (const [secretName, data] of bySecret) {
      this.secrets.push(new k8s.KubeSecret(this, `Secret-${secretName}`, {
        metadata: { name: secretName, labels },
        type: 'Opaque',
        stringData: data,
      }));
    }

    // ---- ConfigMaps ----
    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: configMapName, labels },
      data: { [CONFIG_FILE.fileName]: rendered.yaml },
    });
    if (this.runtime.kind === ProxyRuntimeKind.BUNDLED) {
      const bundle = loadGzippedBundle();
      if (bundle.gzip.length > MAX_BUNDLE_BYTES) {
        throw new Error(`the gzipped runtime bundle must fit a ConfigMap (at most ${MAX_BUNDLE_BYTES} bytes); use ProxyRuntime.fromImage() instead (received ${bundle.gzip.length} bytes)`);
      }
      this.runtimeConfigMap = new k8s.KubeConfigMap(this, 'Runtime', {
        metadata: { name: `${this.name}-runtime-${bundle.sha256.slice(0, 10)}`, labels },
        immutable: true,
        binaryData: { [GZ_KEY]: bundle.gzip.toString('base64') },
      });
    }

    // ---- ServiceAccount ----
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels },
      automountServiceAccountToken: false,
    });

    // ---- pod ----
    const containerSecurity = containerSecurityContext();
    const env: kplus.k8s.EnvVar[] = keys.envs.map((e: ApiKeyEnv) => secretEnv(e.envName, e.ref));
    if (props.clientKeys) {
      env.push(secretEnv(ENV.proxyApiKeys, props.clientKeys));
    }
    env.push(
      { name: ENV.port, value: String(PORTS.http) },
      { name: ENV.metricsPort, value: String(PORTS.metrics) },
      { name: ENV.configPath, value: CONFIG_FILE.defaultPath },
    );
    if (props.seedEnvVars) {
      const ordered = this.upstreams
        .map((upstream, index) => ({ upstream, priority: upstream.priority ?? index }))
        .sort((a, b) => a.priority - b.priority)
        .map((entry) => entry.upstream.baseUrl);
      env.push(
        { name: ENV.primaryRegion, value: ordered[0] },
        { name: ENV.backupRegions, value: ordered.slice(1).join(',') },
        { name: ENV.failureThreshold, value: String(props.failureThreshold ?? 5) },
        { name: ENV.recoveryTimeout, value: String((props.recoveryTimeout ?? Duration.seconds(60)).toSeconds()) },
        { name: ENV.maxRetries, value: String(props.maxRetries ?? 3) },
        { name: ENV.rateLimitPerMinute, value: String(props.rateLimitPerMinute ?? 1000) },
      );
    }
    const volumes: kplus.k8s.Volume[] = [
      { name: 'config', configMap: { name: configMapName } },
      { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
    ];
    const mounts: kplus.k8s.VolumeMount[] = [
      { name: 'config', mountPath: CONFIG_FILE.mountDir, readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ];
    if (props.caBundle) {
      volumes.push({ name: 'ca-bundle', secret: { secretName: props.caBundle.secretName, items: [{ key: props.caBundle.key, path: CA_FILE_NAME }] } });
      mounts.push({ name: 'ca-bundle', mountPath: CA_MOUNT_DIR, readOnly: true });
    }
    const initContainers: kplus.k8s.Container[] = [];
    if (this.runtimeConfigMap) {
      volumes.push(
        { name: 'runtime-bundle', configMap: { name: this.runtimeConfigMap.name } },
        { name: 'runtime', emptyDir: { sizeLimit: k8s.Quantity.fromString('32Mi') } },
      );
      mounts.push({ name: 'runtime', mountPath: RUNTIME_BUNDLE.appDir, readOnly: true });
      initContainers.push({
        name: 'unpack-runtime',
        image: this.runtime.image,
        imagePullPolicy: 'IfNotPresent',
        command: ['node', '-e', GUNZIP_SCRIPT],
        securityContext: containerSecurity,
        resources: resourceRequirements(50, 500, 64, 256, 16, 64),
        volumeMounts: [
          { name: 'runtime-bundle', mountPath: BUNDLE_MOUNT_DIR, readOnly: true },
          { name: 'runtime', mountPath: RUNTIME_BUNDLE.appDir },
        ],
      });
    }
    const container: kplus.k8s.Container = {
      name: 'ai-proxy',
      image: this.runtime.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['node', `${RUNTIME_BUNDLE.appDir}/${RUNTIME_BUNDLE.fileName}`],
      workingDir: RUNTIME_BUNDLE.appDir,
      ports: [
        { name: PORT_NAMES.http, containerPort: PORTS.http, protocol: 'TCP' },
        { name: PORT_NAMES.metrics, containerPort: PORTS.metrics, protocol: 'TCP' },
      ],
      env,
      resources: resourceRequirements(
        resources.cpuRequestMillis, resources.cpuLimitMillis,
        resources.memoryRequestMebibytes, resources.memoryLimitMebibytes,
        resources.ephemeralStorageRequestMebibytes, resources.ephemeralStorageLimitMebibytes,
      ),
      livenessProbe: { httpGet: { path: PATHS.healthLive, port: k8s.IntOrString.fromNumber(PORTS.http) }, ...LIVENESS },
      readinessProbe: { httpGet: { path: PATHS.healthReady, port: k8s.IntOrString.fromNumber(PORTS.http) }, ...READINESS },
      securityContext: containerSecurity,
      volumeMounts: mounts,
    };
    const spread = zoneSpread(this.selectorLabels, props.zoneMaxSkew ?? 1, props.zoneWhenUnsatisfiable ?? WhenUnsatisfiable.SCHEDULE_ANYWAY);
    const podAnnotations = configRollout === ConfigRollout.ROLLING_RESTART
      ? { [CHECKSUM_ANNOTATION]: createHash('sha256').update(rendered.yaml).digest('hex') }
      : undefined;

    this.deployment = new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: this.name, labels },
      spec: {
        replicas: this.autoscaling.kind === AutoscalingKind.FIXED ? this.autoscaling.minReplicas : undefined,
        revisionHistoryLimit: 5,
        selector: { matchLabels: { ...this.selectorLabels } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromString('25%') } },
        template: {
          metadata: { labels, annotations: podAnnotations },
          spec: {
            serviceAccountName: this.serviceAccount.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: grace.toSeconds(),
            securityContext: podSecurityContext(),
            initContainers: initContainers.length > 0 ? initContainers : undefined,
            containers: [container],
            volumes,
            affinity: spread.affinity,
            topologySpreadConstraints: spread.topologySpreadConstraints,
          },
        },
      },
    });

    // ---- Service ----
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.serviceName, labels },
      spec: {
        type: 'ClusterIP',
        selector: { ...this.selectorLabels },
        ports: [
          { name: PORT_NAMES.http, port: PORTS.serviceHttp, targetPort: k8s.IntOrString.fromString(PORT_NAMES.http), protocol: 'TCP' },
          { name: PORT_NAMES.metrics, port: PORTS.metrics, targetPort: k8s.IntOrString.fromString(PORT_NAMES.metrics), protocol: 'TCP' },
        ],
      },
    });

    // ---- HPA ----
    if (this.autoscaling.kind === AutoscalingKind.HORIZONTAL_POD_AUTOSCALER) {
      this.hpa = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Hpa', {
        metadata: { name: hpaName, labels },
        spec: hpaSpec(this.autoscaling, this.deployment),
      });
    }

    // ---- PodDisruptionBudget ----
    this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'Pdb', {
      metadata: { name: this.name, labels },
      spec: {
        selector: { matchLabels: { ...this.selectorLabels } },
        ...(props.pdbMinAvailable !== undefined
          ? { minAvailable: k8s.IntOrString.fromNumber(props.pdbMinAvailable) }
          : { maxUnavailable: k8s.IntOrString.fromNumber(1) }),
      },
    });

    // ---- observability and KEDA (CRD-backed objects go to monitoringScope) ----
    const namespace = Chart.of(this).namespace;
    const monitoringNamespace = props.monitoringNamespace ?? 'monitoring';
    let crdScope: Construct | undefined;
    const crdScopeOf = (): Construct => {
      crdScope ??= externalScope(this, props.monitoringScope);
      return crdScope;
    };
    const options = props.monitoring;
    if (options && (options.dashboard === false) && options.dashboardOptions) {
      throw new Error('\'monitoring.dashboardOptions\' needs \'monitoring.dashboard\' to be true (received dashboard: false)');
    }
    if (options && (options.serviceMonitor || options.podMonitor || options.alerts || options.prometheusAdapterRule
      || options.alertOptions || options.prometheusAdapterRuleOptions)) {
      this.monitoring = new FailoverMonitoring(crdScopeOf(), 'Monitoring', {
        ...options,
        dashboard: false,
        dashboardOptions: undefined,
        selectorLabels: this.selectorLabels,
        namespaceName: namespace,
        serviceName: this.serviceName,
        name: this.name,
        prometheusAdapterRuleOptions: options.prometheusAdapterRule
          ? { namespaceName: monitoringNamespace, name: `${this.name}-adapter-rules`, ...options.prometheusAdapterRuleOptions }
          : options.prometheusAdapterRuleOptions,
      });
    }
    const job = this.monitoring?.job ?? this.serviceName;
    if (options && (options.dashboard ?? true)) {
      this.dashboard = new FailoverDashboard(this, 'Dashboard', {
        name: `${this.name}-dashboard`,
        metricsNamespace: namespace,
        job,
        ...options.dashboardOptions,
      });
    }
    if (this.autoscaling.kind === AutoscalingKind.KEDA) {
      this.scaledObject = new RequestRateScaledObject(crdScopeOf(), 'ScaledObject', {
        deploymentName: this.name,
        namespaceName: namespace,
        name: this.name,
        job,
        minReplicas: this.autoscaling.minReplicas,
        maxReplicas: this.autoscaling.maxReplicas,
        cpuUtilizationPercent: this.autoscaling.cpuUtilizationPercent,
        requestsPerSecondPerPod: this.autoscaling.requestsPerSecondPerPod,
        prometheusServerAddress: this.autoscaling.prometheusServerAddress,
        pollingInterval: this.autoscaling.pollingInterval,
        rateWindow: this.autoscaling.rateWindow,
        scaleUp: this.autoscaling.scaleUp,
        scaleDown: this.autoscaling.scaleDown,
      });
    }

    // ---- NetworkPolicy ----
    if (props.networkPolicy ?? true) {
      const peers = props.ingressPeers ?? [NetworkPeer.anyNamespace()];
      if (peers.length === 0) {
        throw new Error('\'ingressPeers\' must name at least one peer, or set \'networkPolicy\' to false (received [])');
      }
      const egressPorts = this.upstreams.map((u) => u.port);
      if (props.httpsProxy) {
        egressPorts.push(urlPort(props.httpsProxy));
      }
      this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: { name: this.name, labels },
        spec: networkPolicySpec(this.selectorLabels, peers, props.monitoringNamespace ?? 'monitoring', egressPorts),
      });
    }
  }
}

/**
 * The construct under which `proxy`'s CRD-backed objects go: the proxy itself,
 * or a child of `scope` named like the proxy when `scope` is in another chart.
 */
function externalScope(proxy: Construct, scope: Construct | undefined): Construct {
  if (scope === undefined || Chart.of(scope) === Chart.of(proxy)) {
    return proxy;
  }
  if (scope.node.tryFindChild(proxy.node.id)) {
    throw new Error(`'monitoringScope' already holds a construct named "${proxy.node.id}" (received ${scope.node.path}); give each proxy sharing it a distinct id`);
  }
  return new Construct(scope, proxy.node.id);
}

/** An env variable read from a Secret key. */
function secretEnv(name: string, ref: SecretKeyRef): kplus.k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key, optional: false } } };
}

/** Throws unless `value` is undefined or an integer >= min. */
function checkInt(prop: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new Error(`'${prop}' must be an integer >= ${min} (received ${value})`);
  }
}
