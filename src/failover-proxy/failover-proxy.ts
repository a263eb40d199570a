import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Autoscaling } from '../autoscaling/autoscaling';
import { CONFIG_FILE } from '../contract';
import type { FailoverProxyProps } from './failover-proxy-props';
import { FailoverDashboard, FailoverMonitoring, RequestRateScaledObject } from '../observability';
import { renderProxyConfig } from './private/config-rendering';
import { proxyNetworkPolicySpec } from './private/network-policy-spec';
import { checkObjectNamesUnique } from './private/object-collisions';
import { podDisruptionBudgetSpec } from './private/pod-disruption-budget';
import { proxyDeploymentSpec } from './private/proxy-deployment';
import { proxyEnv } from './private/proxy-env';
import { addProxyObservability } from './private/proxy-observability';
import { proxyService } from './private/proxy-service';
import { resolveProxySettings } from './private/proxy-settings';
import { ZONE_TOPOLOGY_KEY } from './private/zone-spread-rules';
import { ProxyRuntime } from '../proxy-runtime/proxy-runtime';
import { literalSecrets } from '../secret-key-ref/private/literal-secrets';
import { SharedState } from '../shared-state/shared-state';
import type { SharedStateRedis } from '../shared-state/shared-state-redis';
import { Upstream } from '../upstream/upstream';

const k8s = kplus.k8s;

/**
 * One cluster's deployment of the LLM API failover proxy: Deployment,
 * Service, HPA, PDB, NetworkPolicy, ServiceAccount and the ConfigMap that
 * holds config.yaml (hot-reloaded by the proxy); optionally its monitoring
 * (ServiceMonitor/PodMonitor, PrometheusRule, Grafana dashboard,
 * prometheus-adapter rule) and a KEDA ScaledObject instead of the HPA.
 *
 * Children, by id: `Secret-<name>` (one per `SecretKeyRef.fromLiteral`
 * Secret), `Config`, `Runtime` (bundled runtime), `ServiceAccount`,
 * `Resource` (the Deployment, the default child), `Service` (a cdk8s-plus
 * Service), `Pods` (a cdk8s-plus selection, no object), `Hpa`, `Pdb`,
 * `Monitoring`, `Dashboard`, `ScaledObject` and `NetworkPolicy`, each only
 * when its part is on. `Monitoring` and `ScaledObject` go under a construct
 * named like this proxy in `monitoringScope` when that is another chart.
 */
export class FailoverProxy extends Construct {
  /** The node label the proxy's pods are spread over (`zoneMaxSkew`, preferred anti-affinity). */
  public static readonly ZONE_TOPOLOGY_KEY: string = ZONE_TOPOLOGY_KEY;

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
  /**
   * The ClusterIP Service (port 80 → http, 9090 → metrics), a cdk8s-plus
   * Service: put the proxy behind an Ingress with
   * `kplus.IngressBackend.fromService(proxy.service, { port: 80 })`.
   * Its manifest targets the container ports by name (`http`, `metrics`).
   */
  public readonly service: kplus.Service;
  /**
   * The proxy's pods as a cdk8s-plus selection (by `selectorLabels`): a peer for
   * `kplus.NetworkPolicy` rules and for `connections.allowTo(proxy.pods)` of a
   * `kplus.Deployment` that calls the proxy.
   */
  public readonly pods: kplus.Pods;
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

  /** Shared state across the replicas (`sharedState`), if any. */
  public readonly sharedState?: SharedState;
  /** The Redis deployed for shared state (`SharedState.deployRedis`), as child `Redis`. */
  public readonly redis?: SharedStateRedis;

  constructor(scope: Construct, id: string, props: FailoverProxyProps = {}) {
    super(scope, id);
    const settings = resolveProxySettings(props);
    this.name = settings.name;
    this.serviceName = settings.serviceName;
    this.upstreams = settings.upstreams;
    this.autoscaling = settings.autoscaling;
    this.runtime = settings.runtime;
    this.selectorLabels = settings.selectorLabels;
    this.sharedState = settings.sharedState;
    const shared = this.sharedState?._bind(this, { name: settings.name, selectorLabels: settings.selectorLabels, labels: settings.labels });
    this.redis = shared?.redis;
    const config = renderProxyConfig(settings, shared?.config);
    this.configYaml = config.yaml;
    const metadata = (name: string) => ({ name, labels: settings.labels });

    this.secrets = [...literalSecrets([settings.apiKey, ...this.upstreams.map((u) => u.apiKey), settings.clientKeys, settings.caBundle,
      ...(shared?.secrets ?? [])])]
      .map(([secretName, data]) => new k8s.KubeSecret(this, `Secret-${secretName}`, { metadata: metadata(secretName), type: 'Opaque', stringData: data }));
    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: metadata(settings.configMapName),
      data: { [CONFIG_FILE.fileName]: config.yaml },
    });
    const runtimeParts = this.runtime._bind(this, 'Runtime', this.name, settings.labels);
    this.runtimeConfigMap = runtimeParts.configMap;
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(this.name),
      automountServiceAccountToken: false,
    });
    this.deployment = new k8s.KubeDeployment(this, 'Resource', {
      metadata: metadata(this.name),
      spec: proxyDeploymentSpec(settings, config.yaml, {
        serviceAccountName: this.serviceAccount.name,
        env: [...proxyEnv(settings, config.apiKeyEnvs), ...(shared?.env ?? [])],
        runtime: runtimeParts,
      }),
    });
    this.service = proxyService(this, 'Service', metadata(this.serviceName), this.selectorLabels);
    this.pods = kplus.Pods.select(this, 'Pods', { labels: this.selectorLabels });
    this.hpa = this.autoscaling._addHpa(this, 'Hpa', metadata(settings.hpaName), this.deployment);
    this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'Pdb', {
      metadata: metadata(this.name),
      spec: podDisruptionBudgetSpec(this.selectorLabels, settings.pdbMinAvailable),
    });
    const observability = addProxyObservability(this, settings);
    this.monitoring = observability.monitoring;
    this.dashboard = observability.dashboard;
    this.scaledObject = observability.scaledObject;
    if (settings.networkPolicy) {
      this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: metadata(this.name),
        spec: proxyNetworkPolicySpec(settings.networkPolicy, this.selectorLabels, settings.monitoringNamespace, shared ? [shared.egress] : []),
      });
    }
    const explicitNames = new Set((['serviceName', 'hpaName', 'configMapName'] as const).filter((prop) => props[prop] !== undefined));
    checkObjectNamesUnique(this, [this.monitoring, this.scaledObject], explicitNames);
  }
}
