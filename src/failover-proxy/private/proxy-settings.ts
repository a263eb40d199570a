/**
 * Internal: FailoverProxy's props resolved once: defaults applied and every
 * check that needs no other object run up front, in a fixed order, so that a
 * bad prop fails `cdk8s synth` naming the prop and the value.
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ModelPriceTable, resolvePricing } from './config-rendering';
import { checkDnsIpBlocks, checkDnsPorts, checkEgressPorts, NetworkPolicySettings, resolveNetworkPolicy } from './network-policy-spec';
import { checkPdbMinAvailable } from './pod-disruption-budget';
import { resolveBufferedRequestBytes, resolveBufferedResponseBytes, resolveResourceSizes } from './proxy-resources';
import { Autoscaling } from '../../autoscaling/autoscaling';
import { CIRCUIT_BREAKER_DEFAULTS, CLIENT_KEY_MIN_LENGTH, LIFECYCLE_DEFAULTS, RATE_LIMIT_DEFAULTS, RETRIES_DEFAULTS, TIMEOUTS_DEFAULTS } from '../../contract';
import type { FailoverMonitoringOptions } from '../../observability';
import { checkCidrs } from '../../private/cidr';
import { checkDnsLabel, checkDnsSubdomain, checkLabelKey, checkLabelValue, checkServiceName } from '../../private/k8s-names';
import { checkInt, positiveSeconds, secondsOf, wholeSeconds } from '../../private/prop-checks';
import type { ResourceSizes } from '../../private/resource-requirements';
import { ProxyRuntime } from '../../proxy-runtime/proxy-runtime';
import { SecretKeyRef } from '../../secret-key-ref/secret-key-ref';
import type { SharedState } from '../../shared-state/shared-state';
import { resolvePriorities } from '../../upstream/private/upstream-priorities';
import { HolySheepRegion, Upstream } from '../../upstream/upstream';
import { ConfigRollout, FailoverProxyProps, LogLevel } from '../failover-proxy-props';
import { WhenUnsatisfiable } from '../zone-spread';

/** The playbook's object names, kept for the default `name`. */
const PLAYBOOK_NAMES = {
  name: 'holysheep-ai-proxy',
  serviceName: 'holysheep-ai-service',
  hpaName: 'holysheep-ai-hpa',
  configMapName: 'holysheep-config',
} as const;

/** The Service name for a proxy named `name`: the name itself, which must then be a DNS-1035 label. */
function derivedServiceName(name: string): string {
  if (!/^[a-z]/.test(name)) {
    throw new Error(`'serviceName' defaults to 'name', which must then start with a letter (a Service name is a DNS-1035 label): set 'serviceName' or another 'name' (received "${name}")`);
  }
  return name;
}

/** Time the pod gets past shutdownDelay + drainTimeout when `terminationGracePeriod` is not set. */
const GRACE_MARGIN_SECONDS = 10;

/** The props of a FailoverProxy resolved and checked: the only input of its renderers. @internal */
export interface ProxySettings {
  /** Deployment, ServiceAccount, PDB and NetworkPolicy name; the `app` label. */
  readonly name: string;
  readonly serviceName: string;
  readonly hpaName: string;
  readonly configMapName: string;
  /** Labels selecting the proxy's pods (`app`). */
  readonly selectorLabels: Record<string, string>;
  /** Labels of every object and pod: the extra `labels`, then `app` and `version`. */
  readonly labels: Record<string, string>;
  readonly monitoringNamespace: string;
  readonly imagePullSecrets: string[];
  readonly upstreams: Upstream[];
  /** config.yaml priority of each upstream, in the order of `upstreams`. */
  readonly priorities: number[];
  readonly autoscaling: Autoscaling;
  readonly runtime: ProxyRuntime;
  /** The key of upstreams that set none. */
  readonly apiKey: SecretKeyRef;
  readonly failureThreshold: number;
  readonly recoveryTimeoutSeconds: number;
  readonly maxRecoveryTimeoutSeconds: number;
  readonly halfOpenMaxCalls: number;
  readonly maxRetries: number;
  readonly requestTimeoutSeconds: number;
  readonly requestDeadlineSeconds: number;
  /** config.yaml `timeouts.clientWriteSeconds`: how long a stream waits for a client that stopped reading. */
  readonly clientWriteTimeoutSeconds: number;
  readonly rateLimitPerMinute: number;
  readonly logLevel: LogLevel;
  readonly shutdownDelaySeconds: number;
  readonly drainTimeoutSeconds: number;
  /** Whole seconds, greater than shutdownDelay + drainTimeout. */
  readonly terminationGracePeriodSeconds: number;
  readonly configRollout: ConfigRollout;
  readonly resources: ResourceSizes;
  /** config.yaml `limits.maxBufferedResponseBytes`: the prop, else derived from the memory limit. */
  readonly maxBufferedResponseBytes: number;
  /** config.yaml `limits.maxBufferedRequestBytes`: derived from the memory limit. */
  readonly maxBufferedRequestBytes: number;
  /** config.yaml `server.trustedProxyCidrs`: peers whose forwarding headers count (empty: none). */
  readonly trustedProxyCidrs: string[];
  readonly zoneMaxSkew: number;
  readonly zoneWhenUnsatisfiable: WhenUnsatisfiable;
  /** Client keys the proxy accepts (env `PROXY_API_KEYS`), if any. */
  readonly clientKeys?: SecretKeyRef;
  /** Extra CAs for upstream TLS, if any. */
  readonly caBundle?: SecretKeyRef;
  /** Corporate HTTPS proxy, if any. */
  readonly httpsProxy?: string;
  /** Hosts that bypass `httpsProxy` (empty when none). */
  readonly noProxy: string[];
  /** config.yaml `pricing`: the props' prices, or the runtime's defaults. */
  readonly pricing: ModelPriceTable;
  /** Also emit the playbook's env names (`HOLYSHEEP_PRIMARY_REGION`, ...). */
  readonly legacyEnvVars: boolean;
  /** Shared state across the replicas (Redis), if any. */
  readonly sharedState?: SharedState;
  /** PodDisruptionBudget `minAvailable` (else `maxUnavailable: 1`). */
  readonly pdbMinAvailable?: number;
  /** The NetworkPolicy's peers, ports and DNS; undefined when `networkPolicy` is false. */
  readonly networkPolicy?: NetworkPolicySettings;
  /** What to monitor, if anything. */
  readonly monitoring?: FailoverMonitoringOptions;
  /** Where the CRD-backed and cross-namespace objects go (undefined: the proxy itself). */
  readonly monitoringScope?: Construct;
}

/** Resolves and checks `props`; throws naming the first bad prop and its value. @internal */
export function resolveProxySettings(props: FailoverProxyProps): ProxySettings {
  const name = checkDnsLabel('name', props.name ?? PLAYBOOK_NAMES.name);
  // the playbook's names for the playbook's Deployment; any other `name` derives its own, so
  // that two proxies in one namespace never share a Service, HPA or config ConfigMap
  const playbook = name === PLAYBOOK_NAMES.name;
  const serviceName = props.serviceName !== undefined
    ? checkServiceName('serviceName', props.serviceName)
    : playbook ? PLAYBOOK_NAMES.serviceName : derivedServiceName(name);
  const hpaName = checkDnsSubdomain('hpaName', props.hpaName ?? (playbook ? PLAYBOOK_NAMES.hpaName : name));
  const configMapName = checkDnsSubdomain('configMapName', props.configMapName ?? (playbook ? PLAYBOOK_NAMES.configMapName : `${name}-config`));
  const version = checkLabelValue('version', props.version ?? 'v2.0');
  checkExtraLabels(props.labels ?? {});
  const monitoringNamespace = checkDnsLabel('monitoringNamespace', props.monitoringNamespace ?? 'monitoring');
  const imagePullSecrets = (props.imagePullSecrets ?? []).map((secret) => checkDnsSubdomain('imagePullSecrets', secret));
  checkEgressPorts(props.egressPorts);
  checkDnsPorts(props.dnsPorts);
  checkDnsIpBlocks(props.dnsIpBlocks);
  checkCidrs('trustedProxyCidrs', props.trustedProxyCidrs, 'must hold IPv4 or IPv6 addresses or CIDR ranges such as 10.0.0.0/8', true);
  const upstreams = props.upstreams ?? [
    Upstream.holySheep(HolySheepRegion.ASIA_PACIFIC),
    Upstream.holySheep(HolySheepRegion.US),
    Upstream.holySheep(HolySheepRegion.EU),
  ];
  const autoscaling = props.autoscaling ?? Autoscaling.horizontalPodAutoscaler();
  // config.yaml takes decimal seconds; Kubernetes fields take whole seconds (checked by prop name)
  const shutdownDelaySeconds = secondsOf(props.shutdownDelay ?? Duration.seconds(LIFECYCLE_DEFAULTS.shutdownDelaySeconds));
  const drainTimeoutSeconds = secondsOf(props.drainTimeout ?? Duration.seconds(LIFECYCLE_DEFAULTS.drainTimeoutSeconds));
  const minGrace = shutdownDelaySeconds + drainTimeoutSeconds;
  const terminationGracePeriodSeconds = props.terminationGracePeriod !== undefined
    ? wholeSeconds('terminationGracePeriod', props.terminationGracePeriod)
    : Math.ceil(minGrace) + GRACE_MARGIN_SECONDS;
  const recoveryTimeoutSeconds = secondsOf(props.recoveryTimeout ?? Duration.seconds(CIRCUIT_BREAKER_DEFAULTS.recoveryTimeoutSeconds));
  const maxRecoveryTimeoutSeconds = props.maxRecoveryTimeout !== undefined
    ? secondsOf(props.maxRecoveryTimeout)
    : Math.max(CIRCUIT_BREAKER_DEFAULTS.maxRecoveryTimeoutSeconds, recoveryTimeoutSeconds);
  const requestTimeoutSeconds = secondsOf(props.requestTimeout ?? Duration.seconds(TIMEOUTS_DEFAULTS.requestSeconds));
  const requestDeadlineSeconds = secondsOf(props.requestDeadline ?? Duration.seconds(TIMEOUTS_DEFAULTS.deadlineSeconds));
  const clientWriteTimeoutSeconds = positiveSeconds('clientWriteTimeout', props.clientWriteTimeout ?? Duration.seconds(TIMEOUTS_DEFAULTS.clientWriteSeconds));
  const resources = resolveResourceSizes(props);

  const priorities = checkUpstreams(upstreams);
  checkInt('failureThreshold', props.failureThreshold, 1);
  checkInt('halfOpenMaxCalls', props.halfOpenMaxCalls, 1);
  checkInt('maxRetries', props.maxRetries, 0);
  checkInt('rateLimitPerMinute', props.rateLimitPerMinute, 0);
  checkInt('zoneMaxSkew', props.zoneMaxSkew, 1);
  if (terminationGracePeriodSeconds <= minGrace) {
    throw new Error(`'terminationGracePeriod' (${terminationGracePeriodSeconds}s) must be greater than 'shutdownDelay' + 'drainTimeout' (${minGrace}s)`);
  }
  if (maxRecoveryTimeoutSeconds < recoveryTimeoutSeconds) {
    throw new Error(`'maxRecoveryTimeout' (${maxRecoveryTimeoutSeconds}s) must be >= 'recoveryTimeout' (${recoveryTimeoutSeconds}s)`);
  }
  checkPdbMinAvailable(props.pdbMinAvailable, autoscaling.minReplicas);
  if (requestTimeoutSeconds > requestDeadlineSeconds) {
    throw new Error(`'requestTimeout' (${requestTimeoutSeconds}s) must not exceed 'requestDeadline' (${requestDeadlineSeconds}s): the deadline covers every attempt of a request`);
  }
  checkLiteralClientKeys(props.clientKeys);
  checkLiteralApiKey('apiKey', props.apiKey);
  for (const upstream of upstreams) {
    checkLiteralApiKey(`upstream '${upstream.name}' 'apiKey'`, upstream.apiKey, true);
  }
  checkLiteralCaBundle(props.caBundle);
  const pricing = resolvePricing(props.pricing);

  return {
    name,
    serviceName,
    hpaName,
    configMapName,
    selectorLabels: { app: name },
    labels: { ...(props.labels ?? {}), app: name, version },
    monitoringNamespace,
    imagePullSecrets,
    upstreams,
    priorities,
    autoscaling,
    runtime: props.runtime ?? ProxyRuntime.bundled(),
    apiKey: props.apiKey ?? SecretKeyRef.fromSecret('holysheep-credentials', 'api-key'),
    failureThreshold: props.failureThreshold ?? CIRCUIT_BREAKER_DEFAULTS.failureThreshold,
    recoveryTimeoutSeconds,
    maxRecoveryTimeoutSeconds,
    halfOpenMaxCalls: props.halfOpenMaxCalls ?? CIRCUIT_BREAKER_DEFAULTS.halfOpenMaxCalls,
    maxRetries: props.maxRetries ?? RETRIES_DEFAULTS.maxRetries,
    requestTimeoutSeconds,
    requestDeadlineSeconds,
    clientWriteTimeoutSeconds,
    rateLimitPerMinute: props.rateLimitPerMinute ?? RATE_LIMIT_DEFAULTS.requestsPerMinute,
    logLevel: props.logLevel ?? LogLevel.INFO,
    shutdownDelaySeconds,
    drainTimeoutSeconds,
    terminationGracePeriodSeconds,
    configRollout: props.configRollout ?? ConfigRollout.HOT_RELOAD,
    resources,
    maxBufferedResponseBytes: resolveBufferedResponseBytes(props, resources),
    maxBufferedRequestBytes: resolveBufferedRequestBytes(resources),
    trustedProxyCidrs: [...(props.trustedProxyCidrs ?? [])],
    zoneMaxSkew: props.zoneMaxSkew ?? 1,
    zoneWhenUnsatisfiable: props.zoneWhenUnsatisfiable ?? WhenUnsatisfiable.SCHEDULE_ANYWAY,
    clientKeys: props.clientKeys,
    caBundle: props.caBundle,
    httpsProxy: props.httpsProxy,
    noProxy: [...(props.noProxy ?? [])],
    pricing,
    legacyEnvVars: props.legacyEnvVars ?? false,
    sharedState: props.sharedState,
    pdbMinAvailable: props.pdbMinAvailable,
    networkPolicy: (props.networkPolicy ?? true) ? resolveNetworkPolicy(props, upstreams) : undefined,
    monitoring: props.monitoring,
    monitoringScope: props.monitoringScope,
  };
}

/**
 * Throws when a literal `clientKeys` value holds a key the runtime would
 * refuse (shorter than CLIENT_KEY_MIN_LENGTH, after splitting on commas as
 * the runtime does). The key itself never appears in the message.
 */
function checkLiteralClientKeys(ref: SecretKeyRef | undefined): void {
  const literal = ref?._literal;
  if (literal === undefined) {
    return;
  }
  const keys = literal.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  if (keys.length === 0) {
    throw new Error(`'clientKeys' literal must hold at least one key (comma separated) (received ${literal.length} characters without a key)`);
  }
  keys.forEach((key, index) => {
    if (key.length < CLIENT_KEY_MIN_LENGTH) {
      throw new Error(`'clientKeys' keys must be at least ${CLIENT_KEY_MIN_LENGTH} characters, the runtime's minimum (received key ${index + 1} of ${keys.length} with ${key.length} characters)`);
    }
  });
}

/** A header-safe API key: visible ASCII, no spaces (what `Authorization: Bearer <key>` can carry). */
const HEADER_SAFE_KEY = /^[\x21-\x7e]+$/;

/**
 * Throws when a literal API key could not be sent in an `Authorization`
 * header (spaces, line breaks, non-ASCII): every upstream request would fail.
 * Names the position of the first bad character, never the key.
 */
function checkLiteralApiKey(prop: string, ref: SecretKeyRef | undefined, quoted = false): void {
  const literal = ref?._literal;
  if (literal === undefined || HEADER_SAFE_KEY.test(literal)) {
    return;
  }
  const position = [...literal].findIndex((c) => !HEADER_SAFE_KEY.test(c)) + 1;
  const label = quoted ? prop : `'${prop}'`;
  throw new Error(`${label} literal must be visible ASCII without spaces or line breaks, as an Authorization header carries it (received ${literal.length} characters, character ${position} is not)`);
}

/** Throws when a literal `caBundle` holds no PEM certificate (the proxy could not build its TLS roots). */
function checkLiteralCaBundle(ref: SecretKeyRef | undefined): void {
  const literal = ref?._literal;
  if (literal !== undefined && !/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(literal)) {
    throw new Error(`'caBundle' literal must hold PEM certificates (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----) (received ${literal.length} characters without one)`);
  }
}

/** Throws unless every extra label is valid Kubernetes label syntax and none is `app` or `version`. */
function checkExtraLabels(labels: Record<string, string>): void {
  for (const [key, value] of Object.entries(labels)) {
    checkLabelKey('labels', key);
    checkLabelValue(`labels.${key}`, value);
    if (key === 'app' || key === 'version') {
      throw new Error(`'labels' must not set "${key}" (it comes from '${key === 'app' ? 'name' : 'version'}') (received "${key}": "${value}")`);
    }
  }
}

/** Throws on an empty list or a repeated name; returns the resolved priorities. */
function checkUpstreams(upstreams: readonly Upstream[]): number[] {
  if (upstreams.length === 0) {
    throw new Error('\'upstreams\' must contain at least one upstream (received [])');
  }
  const seen = new Set<string>();
  for (const upstream of upstreams) {
    if (seen.has(upstream.name)) {
      throw new Error(`'upstreams' must have unique names (received "${upstream.name}" twice)`);
    }
    seen.add(upstream.name);
  }
  return resolvePriorities(upstreams);
}
