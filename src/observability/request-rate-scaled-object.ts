import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { objectMeta } from './object-meta';
import { labelSelector, promDuration } from './promql';
import { Autoscaling, AutoscalingKind } from '../autoscaling/autoscaling';
import { scalingRules } from '../autoscaling/private/scaling-behavior-check';
import { METRICS } from '../contract';
import * as keda from '../imports/keda.sh';
import { checkDnsSubdomain } from '../private/k8s-names';

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
   * Replica limits, targets, Prometheus address, polling interval, rate window
   * and scaling behavior: a `Autoscaling.kedaScaledObject(...)` choice, checked
   * and defaulted where it was made.
   * @default Autoscaling.kedaScaledObject()
   */
  readonly autoscaling?: Autoscaling;
}

/**
 * A KEDA `ScaledObject` that scales the proxy Deployment on request rate
 * (Prometheus trigger on `http_requests_total`) and CPU, with the playbook HPA's
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
    checkDnsSubdomain('deploymentName', props.deploymentName);
    const autoscaling = props.autoscaling ?? Autoscaling.kedaScaledObject();
    if (autoscaling.kind !== AutoscalingKind.KEDA) {
      throw new Error(`'autoscaling' must be Autoscaling.kedaScaledObject(...) (received the ${autoscaling.kind} choice)`);
    }
    this.minReplicas = autoscaling.minReplicas;
    this.maxReplicas = autoscaling.maxReplicas;
    const rps = autoscaling.requestsPerSecondPerPod;
    const cpu = autoscaling.cpuUtilizationPercent;
    const address = autoscaling.prometheusServerAddress!;
    const window = autoscaling.rateWindow!;
    const polling = autoscaling.pollingInterval!;

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
    this.apiObject = new keda.ScaledObject(this, 'Resource', {
      metadata: objectMeta({ name: props.name, namespace: props.namespaceName }),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.deploymentName },
        minReplicaCount: this.minReplicas,
        maxReplicaCount: this.maxReplicas,
        pollingInterval: polling.toSeconds(),
        advanced: {
          horizontalPodAutoscalerConfig: {
            behavior: { scaleUp: scalingRules(autoscaling.scaleUp!), scaleDown: scalingRules(autoscaling.scaleDown!) },
          },
        },
        triggers,
      },
    });
  }
}
