import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { objectMeta } from './object-meta';
import { checkDuration, labelSelector, promDuration } from './promql';
import { ScalingBehavior, ScalingPolicyType } from '../autoscaling/autoscaling';
import { checkScalingBehavior } from '../autoscaling/private/scaling-behavior-check';
import { METRICS } from '../contract';
import * as keda from '../imports/keda.sh';

/**
 * Props of {@link RequestRateScaledObject}.
 */
export interface RequestRateScaledObjectProps {
  /** Name of the proxy's Deployment (the scale target). */
  readonly deploymentName: string;
  /**
   * Namespace of the ScaledObject (the Deployment's); also the `namespace` matcher of the query.
   * @default - the chart's namespace (no matcher when the chart has none)
   */
  readonly namespaceName?: string;
  /**
   * `job` matcher of the query (a ServiceMonitor sets it to the Service name).
   * @default - no job matcher
   */
  readonly job?: string;
  /**
   * Name of the ScaledObject.
   * @default - a cdk8s-generated name
   */
  readonly name?: string;
  /**
   * Address of the Prometheus HTTP API KEDA queries.
   * @default 'http://prometheus-operated.monitoring.svc:9090'
   */
  readonly prometheusServerAddress?: string;
  /**
   * Lowest replica count.
   * @default 3
   */
  readonly minReplicas?: number;
  /**
   * Highest replica count.
   * @default 20
   */
  readonly maxReplicas?: number;
  /**
   * Target requests per second per pod (Prometheus trigger, `AverageValue`); 0 drops the trigger.
   * @default 100
   */
  readonly requestsPerSecondPerPod?: number;
  /**
   * Target average CPU utilization in percent of the request (CPU trigger); 0 drops the trigger.
   * @default 70
   */
  readonly cpuUtilizationPercent?: number;
  /**
   * Window of the `rate()` in the request-rate query.
   * @default Duration.minutes(2)
   */
  readonly rateWindow?: Duration;
  /**
   * How often KEDA evaluates the triggers.
   * @default Duration.seconds(30)
   */
  readonly pollingInterval?: Duration;
  /**
   * Scale-up behavior of the HPA KEDA manages.
   * @default - no stabilization, +100% per 15s (seed)
   */
  readonly scaleUp?: ScalingBehavior;
  /**
   * Scale-down behavior of the HPA KEDA manages.
   * @default - 300s stabilization, -10% per 60s (seed)
   */
  readonly scaleDown?: ScalingBehavior;
}

/**
 * A KEDA `ScaledObject` that scales the proxy Deployment on request rate
 * (Prometheus trigger on `http_requests_total`) and CPU, with the seed HPA's
 * scale-up/scale-down behavior. An alternative to the HorizontalPodAutoscaler
 * that needs no prometheus-adapter; do not use both on one Deployment.
 *
 * @see https://keda.sh/docs/latest/reference/scaledobject-spec/
 * @see https://keda.sh/docs/latest/scalers/prometheus/
 */
export class RequestRateScaledObject extends Construct {
  /** The generated ScaledObject. */
  public readonly apiObject: ApiObject;
  /** Lowest replica count in effect. */
  public readonly minReplicas: number;
  /** Highest replica count in effect. */
  public readonly maxReplicas: number;
  /** The PromQL query of the Prometheus trigger (cluster-wide requests per second). */
  public readonly query: string;

  public constructor(scope: Construct, id: string, props: RequestRateScaledObjectProps) {
    super(scope, id);
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(props.deploymentName)) {
      throw new Error(`'deploymentName' must be a DNS-1123 subdomain (received '${props.deploymentName}')`);
    }
    this.minReplicas = props.minReplicas ?? 3;
    this.maxReplicas = props.maxReplicas ?? 20;
    if (!Number.isInteger(this.minReplicas) || this.minReplicas < 1) {
      throw new Error(`'minReplicas' must be an integer >= 1 (received ${this.minReplicas})`);
    }
    if (!Number.isInteger(this.maxReplicas) || this.maxReplicas < this.minReplicas) {
      throw new Error(`'maxReplicas' (${this.maxReplicas}) must be an integer >= 'minReplicas' (${this.minReplicas})`);
    }
    const rps = props.requestsPerSecondPerPod ?? 100;
    if (!Number.isFinite(rps) || rps < 0) {
      throw new Error(`'requestsPerSecondPerPod' must be a number >= 0 (received ${rps})`);
    }
    const cpu = props.cpuUtilizationPercent ?? 70;
    if (!Number.isInteger(cpu) || cpu < 0) {
      throw new Error(`'cpuUtilizationPercent' must be an integer >= 0 (received ${cpu})`);
    }
    if (rps === 0 && cpu === 0) {
      throw new Error('\'requestsPerSecondPerPod\' and \'cpuUtilizationPercent\' must not both be 0 (received 0 and 0)');
    }
    const address = props.prometheusServerAddress ?? 'http://prometheus-operated.monitoring.svc:9090';
    if (!/^https?:\/\/[^\s/]+/.test(address)) {
      throw new Error(`'prometheusServerAddress' must be an http(s) URL (received '${address}')`);
    }
    const window = checkDuration('rateWindow', props.rateWindow ?? Duration.minutes(2), 1);
    const polling = checkDuration('pollingInterval', props.pollingInterval ?? Duration.seconds(30), 1);
    const scaleUp = checkScalingBehavior('scaleUp', props.scaleUp ?? {
      stabilizationWindow: Duration.seconds(0), policyType: ScalingPolicyType.PERCENT, value: 100, period: Duration.seconds(15),
    });
    const scaleDown = checkScalingBehavior('scaleDown', props.scaleDown ?? {
      stabilizationWindow: Duration.seconds(300), policyType: ScalingPolicyType.PERCENT, value: 10, period: Duration.seconds(60),
    });

    const matchers: { [key: string]: string } = {};
    const namespace = props.namespaceName ?? Chart.of(this).namespace;
    if (namespace) matchers.namespace = namespace;
    if (props.job) matchers.job = props.job;
    this.query = `sum(rate(${METRICS.httpRequestsTotal}${labelSelector(matchers)}[${promDuration(window)}]))`;

    const triggers: keda.ScaledObjectSpecTriggers[] = [];
    if (rps > 0) {
      triggers.push({
        type: 'prometheus',
        name: 'requests-per-second',
        metricType: 'AverageValue',
        metadata: { serverAddress: address, query: this.query, threshold: String(rps) },
      });
    }
    if (cpu > 0) {
      triggers.push({ type: 'cpu', name: 'cpu', metricType: 'Utilization', metadata: { value: String(cpu) } });
    }
    const rules = (b: ScalingBehavior) => ({
      stabilizationWindowSeconds: b.stabilizationWindow.toSeconds(),
      policies: [{ type: b.policyType, value: b.value, periodSeconds: b.period.toSeconds() }],
    });
    this.apiObject = new keda.ScaledObject(this, 'Resource', {
      metadata: objectMeta({ name: props.name, namespace: props.namespaceName }),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.deploymentName },
        minReplicaCount: this.minReplicas,
        maxReplicaCount: this.maxReplicas,
        pollingInterval: polling.toSeconds(),
        advanced: {
          horizontalPodAutoscalerConfig: {
            behavior: { scaleUp: rules(scaleUp), scaleDown: rules(scaleDown) },
          },
        },
        triggers,
      },
    });
  }
}
