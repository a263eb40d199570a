import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { FailoverProxy } from './failover-proxy';
import { NetworkPeer } from './network-peer';
import { Autoscaling } from '../autoscaling/autoscaling';
import { FailoverMonitoringOptions } from '../observability';
import { WhenUnsatisfiable } from './zone-spread';
import { ProxyRuntime } from '../proxy-runtime/proxy-runtime';
import { SecretKeyRef } from '../secret-key-ref/secret-key-ref';
import { SharedState } from '../shared-state/shared-state';
import { Upstream } from '../upstream/upstream';

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
  /** Only fatal errors. */
  FATAL = 'fatal',
  /** Errors. */
  ERROR = 'error',
  /** Warnings and errors (e.g. circuit breaker transitions, config warnings). */
  WARN = 'warn',
  /** Also one line per request and the lifecycle events (the default). */
  INFO = 'info',
  /** Also debug detail. */
  DEBUG = 'debug',
  /** The most verbose level. */
  TRACE = 'trace',
  /** No logs at all. */
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
   * a DNS label (at most 63 characters of `a-z`, `0-9`, `-`). Any other name than the
   * default also names the Service, HPA and config ConfigMap (unless those are set), so
   * that two proxies in one namespace never share an object; two proxies whose objects
   * would still share a name in one chart fail at synth.
   * @default 'holysheep-ai-proxy'
   */
  readonly name?: string;
  /**
   * Name of the Service: a DNS-1035 label (at most 63 characters, starting with a letter).
   * @default - 'holysheep-ai-service' with the default `name`, else `name`
   */
  readonly serviceName?: string;
  /**
   * Name of the HorizontalPodAutoscaler (a DNS subdomain).
   * @default - 'holysheep-ai-hpa' with the default `name`, else `name`
   */
  readonly hpaName?: string;
  /**
   * Name of the ConfigMap holding config.yaml (a DNS subdomain).
   * @default - 'holysheep-config' with the default `name`, else `<name>-config`
   */
  readonly configMapName?: string;
  /**
   * Upstreams, tried in list order unless an upstream sets `priority`.
   * @default - the playbook's HolySheep regions: Asia-Pacific, US, EU
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
   * Streams: how long the proxy waits for a client that stopped reading
   * (its socket buffer full) before it ends the stream and aborts the
   * upstream request, freeing the connection and the concurrency slot
   * (recorded as 499 `client_write_timeout`). Raise it for consumers that
   * pause between reads, e.g. a batch job that processes each event.
   * @default Duration.seconds(30)
   */
  readonly clientWriteTimeout?: Duration;
  /**
   * Requests per minute per client key per pod (across the replicas with `sharedState`); 0 disables.
   * @default 1000
   */
  readonly rateLimitPerMinute?: number;
  /**
   * Where the replicas share one rate limit, one view of each upstream's
   * health (breaker opens, half-open probes) and one usage total: a Redis
   * (`SharedState.redis(...)` for one the platform runs, `SharedState.deployRedis(...)`
   * for a small one in this chart).
   * @default - each pod keeps its own rate limiter, breakers and usage counters
   */
  readonly sharedState?: SharedState;
  /**
   * Prices per model.
   * @default - the playbook's four models (gpt-4.1, claude-sonnet-4.5, gemini-2.5-flash, deepseek-v3.2)
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
   * Also emit the playbook's env names (`HOLYSHEEP_PRIMARY_REGION`, `HOLYSHEEP_BACKUP_REGIONS`,
   * `FAILURE_THRESHOLD`, `RECOVERY_TIMEOUT`, `MAX_RETRIES`, `RATE_LIMIT_PER_MINUTE`), for
   * deployments that configure the proxy the way the playbook's own Deployment does.
   * Env ranks above config.yaml, so these settings are then NOT hot-reloadable:
   * changing them requires a rollout. The runtime then replaces the config.yaml upstreams
   * with env upstreams named `primary`, `backup_1`, ... that all read `HOLYSHEEP_API_KEY`
   * (emitted from the one key every upstream must share), serve every model and weigh 1:
   * an upstream with `models`, a `weight` other than 1, its own `apiKey` or a priority
   * shared with another upstream is refused.
   * @default false
   */
  readonly legacyEnvVars?: boolean;
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
   * Upstream answers the proxy buffers at once across all requests of one pod,
   * in MiB (to price and redact JSON answers, config.yaml
   * `limits.maxBufferedResponseBytes`); an answer that does not fit is
   * streamed through unpriced and logged, so slow readers of large answers
   * cannot take the pod past its memory limit. At most half of `memoryLimitMebibytes`.
   * @default - a quarter of `memoryLimitMebibytes`, at most 256 (the runtime's default, a quarter of the default 1 GiB)
   */
  readonly maxBufferedResponseMebibytes?: number;
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
   * Addresses or CIDR ranges of the load balancers or ingress controllers in
   * front of the proxy (e.g. the ingress controller pods' range,
   * `['10.244.0.0/16']`): from those peers the client's `X-Forwarded-For`,
   * `X-Real-IP`, `Forwarded` and `Via` are kept and the right-most untrusted
   * `X-Forwarded-For` address is the client (per-address rate limit, logs).
   * Only list peers that overwrite or append to these headers: a trusted
   * peer can name any client address. They must also be let in by `ingressPeers`.
   * @default - none: every client is its socket address and its forwarding headers are dropped
   */
  readonly trustedProxyCidrs?: string[];
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
   * Namespace of the cluster DNS pods that the NetworkPolicy lets the proxy query (UDP/TCP on `dnsPorts`).
   * @default 'kube-system'
   */
  readonly dnsNamespace?: string;
  /**
   * Labels of the cluster DNS pods in `dnsNamespace` (CoreDNS keeps the `kube-dns` label on most distributions).
   * @default { 'k8s-app': 'kube-dns' }
   */
  readonly dnsPodLabels?: { [key: string]: string };
  /**
   * Ports the NetworkPolicy lets the proxy send DNS queries to, over UDP and TCP each
   * (integers 1-65535). OpenShift's DNS pods listen on 5353 (set `dnsNamespace:
   * 'openshift-dns'`, `dnsPodLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' }`,
   * `dnsPorts: [5353]`).
   * @default [53]
   * @see https://docs.openshift.com/container-platform/latest/networking/dns-operator.html
   */
  readonly dnsPorts?: number[];
  /**
   * Extra CIDRs the NetworkPolicy lets the proxy send DNS queries to (on `dnsPorts`),
   * besides the DNS pods. NodeLocal DNSCache answers on a link-local address that is
   * not a pod, so its clusters need e.g. `['169.254.20.10/32']`.
   * @default - none (only the DNS pods)
   * @see https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/
   */
  readonly dnsIpBlocks?: string[];
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
   * Value of the playbook's `version` label (a label value: at most 63 characters).
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
