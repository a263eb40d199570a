import { createHash } from 'node:crypto';
import { Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Autoscaling, AutoscalingKind } from './autoscaling';
import { ApiKeyEnv, assignApiKeyEnvs, renderConfig } from './config-rendering';
import { CONFIG_FILE, DEFAULT_PRICING, ENV, PATHS, PORT_NAMES, PORTS, RUNTIME_BUNDLE } from './contract';
import { hpaSpec } from './hpa-spec';
import { checkDnsLabel, checkDnsSubdomain, checkLabelKey, checkLabelValue, checkServiceName } from './k8s-names';
import { NetworkPeer } from './network-peer';
import { networkPolicySpec } from './network-policy-spec';
import { FailoverDashboard, FailoverMonitoring, FailoverMonitoringOptions, RequestRateScaledObject } from './observability';
import { containerSecurityContext, podSecurityContext, resourceRequirements } from './pod-security';
import { ProxyRuntime, ProxyRuntimeKind } from './proxy-runtime';
import { loadGzippedBundle } from './runtime-bundle';
import { SecretKeyRef } from './secret-key-ref';
import { seedEnv, seedEnvSharedKey } from './seed-env-vars';
import { HolySheepRegion, Upstream } from './upstream';
import { resolvePriorities } from './upstream-priorities';
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
   * Name of the Deployment, its ServiceAccount, PDB, NetworkPolicy and the `app` label:
   * a DNS label (at most 63 characters of `a-z`, `0-9`, `-`).
   * @default 'holysheep-ai-proxy'
   */
  readonly name?: string;
  /**
   * Name of the Service: a DNS-1035 label (at most 63 characters, starting with a letter).
   * @default 'holysheep-ai-service'
   */
  readonly serviceName?: string;
  /**
   * Name of the HorizontalPodAutoscaler (a DNS subdomain).
   * @default 'holysheep-ai-hpa'
   */
  readonly hpaName?: string;
  /**
   * Name of the ConfigMap holding config.yaml (a DNS subdomain).
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
   * Upper bound of the breaker's open time, which grows after each failed probe.
   * Must be at least `recoveryTimeout`.
   * @default - Duration.seconds(300), or `recoveryTimeout` when that is longer
   */
  readonly maxRecoveryTimeout?: Duration;
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
   * Whole seconds (a Kubernetes field).
   * @default - shutdownDelay + drainTimeout + 10s, rounded up to whole seconds
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * Also emit the seed's env variables (HOLYSHEEP_PRIMARY_REGION, HOLYSHEEP_BACKUP_REGIONS,
   * FAILURE_THRESHOLD, RECOVERY_TIMEOUT, MAX_RETRIES, RATE_LIMIT_PER_MINUTE).
   * Env ranks above config.yaml, so these settings are then NOT hot-reloadable:
   * changing them requires a rollout. The runtime then replaces the config.yaml upstreams
   * with env upstreams named `primary`, `backup_1`, ... that all read `HOLYSHEEP_API_KEY`
   * (emitted from the one key every upstream must share), serve every model and weigh 1:
   * an upstream with `models`, a `weight` other than 1, its own `apiKey` or a priority
   * shared with another upstream is refused.
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
   * TCP ports the NetworkPolicy lets the proxy connect to (besides DNS), replacing
   * the derived list. The default uses the ports written in the upstream URLs
   * (443/80 when none); an in-cluster upstream reached through a Service
   * (`http://vllm.inference.svc/v1`, port 80) needs the POD's port here instead,
   * because NetworkPolicies match the port after the Service's translation.
   * @default - the ports of the upstream URLs and of `httpsProxy`
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   */
  readonly egressPorts?: number[];
  /**
   * Namespace of the cluster DNS pods that the NetworkPolicy lets the proxy query (UDP/TCP 53).
   * @default 'kube-system'
   */
  readonly dnsNamespace?: string;
  /**
   * Labels of the cluster DNS pods in `dnsNamespace` (CoreDNS keeps the `kube-dns` label on most distributions).
   * @default { 'k8s-app': 'kube-dns' }
   */
  readonly dnsPodLabels?: { [key: string]: string };
  /**
   * Names of existing `kubernetes.io/dockerconfigjson` Secrets used to pull the
   * image (a private registry for `ProxyRuntime.fromImage`, or a mirrored Node image).
   * @default - none
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/
   */
  readonly imagePullSecrets?: string[];
  /**
   * Namespace whose pods may scrape the metrics port 9090 (a DNS label).
   * @default 'monitoring'
   */
  readonly monitoringNamespace?: string;
  /**
   * Extra labels on every object and pod, in Kubernetes label syntax; `app` and
   * `version` come from `name` and `version` and cannot be set here.
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
   * @default - `app` and `version` only
   */
  readonly labels?: { [key: string]: string };
  /**
   * Value of the seed's `version` label (a label value: at most 63 characters).
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

/** Default upper bound of the breaker's growing open time (the runtime's default). */
const DEFAULT_MAX_RECOVERY_TIMEOUT_SECONDS = 300;
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
    this.name = checkDnsLabel('name', props.name ?? 'holysheep-ai-proxy');
    this.serviceName = checkServiceName('serviceName', props.serviceName ?? 'holysheep-ai-service');
    const hpaName = checkDnsSubdomain('hpaName', props.hpaName ?? 'holysheep-ai-hpa');
    const configMapName = checkDnsSubdomain('configMapName', props.configMapName ?? 'holysheep-config');
    const version = checkLabelValue('version', props.version ?? 'v2.0');
    for (const [key, value] of Object.entries(props.labels ?? {})) {
      checkLabelKey('labels', key);
      checkLabelValue(`labels.${key}`, value);
      if (key === 'app' || key === 'version') {
        throw new Error(`'labels' must not set "${key}" (it comes from '${key === 'app' ? 'name' : 'version'}') (received "${key}": "${value}")`);
      }
    }
    const monitoringNamespace = checkDnsLabel('monitoringNamespace', props.monitoringNamespace ?? 'monitoring');
    const imagePullSecrets = (props.imagePullSecrets ?? []).map((name) => checkDnsSubdomain('imagePullSecrets', name));
    if (props.egressPorts !== undefined) {
      if (props.egressPorts.length === 0) {
        throw new Error('\'egressPorts\' must list at least one port, or set \'networkPolicy\' to false (received [])');
      }
      for (const port of props.egressPorts) {
        if (!Number.isInteger(port) || port < 1 || port > 65535) {
          throw new Error(`'egressPorts' must hold integers between 1 and 65535 (received ${port})`);
        }
      }
    }
    this.upstreams = props.upstreams ?? [
      Upstream.holySheep(HolySheepRegion.ASIA_PACIFIC),
      Upstream.holySheep(HolySheepRegion.US),
      Upstream.holySheep(HolySheepRegion.EU),
    ];
    this.autoscaling = props.autoscaling ?? Autoscaling.horizontalPodAutoscaler();
    this.runtime = props.runtime ?? ProxyRuntime.bundled();
    const apiKey = props.apiKey ?? SecretKeyRef.fromSecret('holysheep-credentials', 'api-key');
    // config.yaml takes decimal seconds; Kubernetes fields take whole seconds (checked by prop name)
    const shutdownDelaySeconds = secondsOf(props.shutdownDelay ?? Duration.seconds(5));
    const drainTimeoutSeconds = secondsOf(props.drainTimeout ?? Duration.seconds(25));
    const minGrace = shutdownDelaySeconds + drainTimeoutSeconds;
    const graceSeconds = props.terminationGracePeriod !== undefined
      ? wholeSeconds('terminationGracePeriod', props.terminationGracePeriod)
      : Math.ceil(minGrace) + 10;
    const recoveryTimeoutSeconds = secondsOf(props.recoveryTimeout ?? Duration.seconds(60));
    const maxRecoveryTimeoutSeconds = props.maxRecoveryTimeout !== undefined
      ? secondsOf(props.maxRecoveryTimeout)
      : Math.max(DEFAULT_MAX_RECOVERY_TIMEOUT_SECONDS, recoveryTimeoutSeconds);
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
    const priorities = resolvePriorities(this.upstreams);
    checkInt('failureThreshold', props.failureThreshold, 1);
    checkInt('halfOpenMaxCalls', props.halfOpenMaxCalls, 1);
    checkInt('maxRetries', props.maxRetries, 0);
    checkInt('rateLimitPerMinute', props.rateLimitPerMinute, 0);
    checkInt('zoneMaxSkew', props.zoneMaxSkew, 1);
    if (graceSeconds <= minGrace) {
      throw new Error(`'terminationGracePeriod' (${graceSeconds}s) must be greater than 'shutdownDelay' + 'drainTimeout' (${minGrace}s)`);
    }
    if (maxRecoveryTimeoutSeconds < recoveryTimeoutSeconds) {
      throw new Error(`'maxRecoveryTimeout' (${maxRecoveryTimeoutSeconds}s) must be >= 'recoveryTimeout' (${recoveryTimeoutSeconds}s)`);
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
    // with seedEnvVars the runtime's env upstreams read ENV.apiKey: the shared key must be emitted under that name
    const keys = assignApiKeyEnvs(this.upstreams, props.seedEnvVars ? seedEnvSharedKey(this.upstreams, apiKey) : apiKey);
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
        priority: priorities[index],
        ...(upstream.weight !== 1 ? { weight: upstream.weight } : {}),
        apiKeyEnv: keys.byUpstream.get(upstream.name),
        ...(upstream.models.length > 0 ? { models: upstream.models } : {}),
        ...(Object.keys(upstream.modelRewrites).length > 0 ? { modelRewrites: upstream.modelRewrites } : {}),
      })),
      circuitBreaker: {
        failureThreshold: props.failureThreshold ?? 5,
        recoveryTimeoutSeconds,
        maxRecoveryTimeoutSeconds,
        halfOpenMaxCalls: props.halfOpenMaxCalls ?? 3,
      },
      retries: { maxRetries: props.maxRetries ?? 3 },
      timeouts: {
        requestSeconds: secondsOf(props.requestTimeout ?? Duration.seconds(30)),
        deadlineSeconds: secondsOf(props.requestDeadline ?? Duration.seconds(120)),
      },
      rateLimit: { requestsPerMinute: props.rateLimitPerMinute ?? 1000 },
      pricing,
      logging: { level: props.logLevel ?? LogLevel.INFO },
      lifecycle: { shutdownDelaySeconds, drainTimeoutSeconds },
      ...(Object.keys(egress).length > 0 ? { egress } : {}),
    };
    const rendered = renderConfig(configInput);
    this.configYaml = rendered.yaml;

    // ---- labels ----
    this.selectorLabels = { app: this.name };
    const labels = { ...(props.labels ?? {}), app: this.name, version };

    // ---- secrets created from explicit literals only ----
    this.secrets = [];
    const bySecret = literalSecrets([apiKey, ...this.upstreams.map((u) => u.apiKey), props.clientKeys, props.caBundle]);
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
      env.push(...seedEnv(this.upstreams, {
        failureThreshold: props.failureThreshold ?? 5,
        recoveryTimeoutSeconds: recoveryTimeoutSeconds,
        maxRetries: props.maxRetries ?? 3,
        rateLimitPerMinute: props.rateLimitPerMinute ?? 1000,
      }));
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
            imagePullSecrets: imagePullSecrets.length > 0 ? imagePullSecrets.map((name) => ({ name })) : undefined,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: graceSeconds,
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
      const egressPorts = props.egressPorts ?? this.upstreams.map((u) => u.port);
      if (props.egressPorts === undefined && props.httpsProxy) {
        egressPorts.push(urlPort(props.httpsProxy));
      }
      const dnsNamespace = checkDnsLabel('dnsNamespace', props.dnsNamespace ?? 'kube-system');
      const dnsPodLabels = props.dnsPodLabels ?? { 'k8s-app': 'kube-dns' };
      for (const [key, value] of Object.entries(dnsPodLabels)) {
        checkLabelKey('dnsPodLabels', key);
        checkLabelValue(`dnsPodLabels.${key}`, value);
      }
      this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: { name: this.name, labels },
        spec: networkPolicySpec(this.selectorLabels, peers, monitoringNamespace, egressPorts, { namespace: dnsNamespace, podLabels: dnsPodLabels }),
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

/**
 * The Secrets to create from literal refs: `secretName → key → value`. Throws
 * when two literals give one key different values (the last would win
 * silently) or when a literal Secret has the name of an existing Secret that
 * a `fromSecret` ref reads (the construct would overwrite it).
 */
function literalSecrets(refs: ReadonlyArray<SecretKeyRef | undefined>): Map<string, Record<string, string>> {
  const bySecret = new Map<string, Record<string, string>>();
  for (const ref of refs) {
    if (ref?._literal === undefined) {
      continue;
    }
    const data = bySecret.get(ref.secretName) ?? {};
    const previous = data[ref.key];
    if (previous !== undefined && previous !== ref._literal) {
      throw new Error(`two SecretKeyRef.fromLiteral values for the same key '${ref.secretName}/${ref.key}' differ (received 2 values for one key); use one ref or distinct keys`);
    }
    data[ref.key] = ref._literal;
    bySecret.set(ref.secretName, data);
  }
  for (const ref of refs) {
    if (ref !== undefined && ref._literal === undefined && bySecret.has(ref.secretName)) {
      throw new Error(`SecretKeyRef.fromSecret('${ref.secretName}', '${ref.key}') names an existing Secret that a SecretKeyRef.fromLiteral would create and overwrite (received Secret name "${ref.secretName}" for both); use another secretName for the literal`);
    }
  }
  return bySecret;
}

/** An env variable read from a Secret key. */
function secretEnv(name: string, ref: SecretKeyRef): kplus.k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key, optional: false } } };
}

/** Seconds of a Duration, decimals kept (config.yaml accepts them; cdk8s's toSeconds() refuses them). */
function secondsOf(duration: Duration): number {
  return duration.toMilliseconds() / 1000;
}

/** Whole seconds of a Duration for a Kubernetes field; throws naming the prop and the value otherwise. */
function wholeSeconds(prop: string, duration: Duration): number {
  const seconds = secondsOf(duration);
  if (!Number.isInteger(seconds)) {
    throw new Error(`'${prop}' must be a whole number of seconds (received ${seconds}s)`);
  }
  return seconds;
}

/** Throws unless `value` is undefined or an integer >= min. */
function checkInt(prop: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new Error(`'${prop}' must be an integer >= ${min} (received ${value})`);
  }
}
