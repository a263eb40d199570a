import { ApiObject, ApiObjectMetadata, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { hpaSpec } from './private/hpa-spec';
import { checkScalingBehavior } from './private/scaling-behavior-check';
import { ScalingBehavior, ScalingPolicyType } from './scaling-rules';
import { RequestRateScaledObject } from '../observability/request-rate-scaled-object';
import { secondsOf } from '../private/prop-checks';

/** What a KEDA ScaledObject needs to know about the proxy it scales. @internal */
export interface ScaledObjectTarget {
  readonly deploymentName: string;
  readonly namespaceName?: string;
  readonly name?: string;
  readonly job?: string;
}

/** Props of {@link Autoscaling.horizontalPodAutoscaler}. */
export interface HorizontalPodAutoscalingProps {
  /**
   * Lowest replica count; also sizes the PodDisruptionBudget.
   * @default 3
   */
  readonly minReplicas?: number;
  /**
   * Highest replica count.
   * @default 20
   */
  readonly maxReplicas?: number;
  /**
   * Target average CPU utilization in percent of the request; 0 drops the CPU metric.
   * @default 70
   */
  readonly cpuUtilizationPercent?: number;
  /**
   * Target average requests per second per pod (Pods metric
   * `http_requests_per_second`, served by prometheus-adapter); 0 drops the metric.
   * @default 100
   */
  readonly requestsPerSecondPerPod?: number;
  /**
   * Scale-up behavior.
   * @default - no stabilization, +100% per 15s (the playbook's)
   */
  readonly scaleUp?: ScalingBehavior;
  /**
   * Scale-down behavior.
   * @default - 300s stabilization, -10% per 60s (the playbook's)
   */
  readonly scaleDown?: ScalingBehavior;
}

/** Props of {@link Autoscaling.kedaScaledObject}. */
export interface KedaScaledObjectProps {
  /**
   * Lowest replica count; also sizes the PodDisruptionBudget.
   * @default 3
   */
  readonly minReplicas?: number;
  /**
   * Highest replica count.
   * @default 20
   */
  readonly maxReplicas?: number;
  /**
   * Target average CPU utilization in percent of the request (KEDA `cpu` trigger); 0 drops the trigger.
   * @default 70
   */
  readonly cpuUtilizationPercent?: number;
  /**
   * Target average requests per second per pod (KEDA `prometheus` trigger on
   * `http_requests_total`, no prometheus-adapter needed); 0 drops the trigger.
   * @default 100
   */
  readonly requestsPerSecondPerPod?: number;
  /**
   * Address of the Prometheus HTTP API that KEDA queries.
   * @default 'http://prometheus-operated.monitoring.svc:9090'
   */
  readonly prometheusServerAddress?: string;
  /**
   * How often KEDA evaluates the triggers.
   * @default Duration.seconds(30)
   */
  readonly pollingInterval?: Duration;
  /**
   * Window of the `rate()` in the request-rate query.
   * @default Duration.minutes(2)
   */
  readonly rateWindow?: Duration;
  /**
   * Scale-up behavior of the HPA that KEDA manages.
   * @default - no stabilization, +100% per 15s (the playbook's)
   */
  readonly scaleUp?: ScalingBehavior;
  /**
   * Scale-down behavior of the HPA that KEDA manages.
   * @default - 300s stabilization, -10% per 60s (the playbook's)
   */
  readonly scaleDown?: ScalingBehavior;
}

/** Kinds of autoscaling choice. */
export enum AutoscalingKind {
  /** A fixed replica count on the Deployment. */
  FIXED = 'fixed',
  /** An autoscaling/v2 HorizontalPodAutoscaler owns the replica count. */
  HORIZONTAL_POD_AUTOSCALER = 'hpa',
  /** A KEDA ScaledObject owns the replica count (needs the KEDA CRDs and a Prometheus). */
  KEDA = 'keda',
}

const DEFAULT_PROMETHEUS_ADDRESS = 'http://prometheus-operated.monitoring.svc:9090';

/**
 * How the proxy's replica count is decided. A class with static factories so
 * that more choices (e.g. KEDA) can be added without breaking callers.
 *
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 */
export class Autoscaling {
  /** The playbook's HPA: min 3, max 20, CPU 70 %, 100 requests/s per pod. */
  public static horizontalPodAutoscaler(props: HorizontalPodAutoscalingProps = {}): Autoscaling {
    const r = resolveScaling(props);
    return new Autoscaling(AutoscalingKind.HORIZONTAL_POD_AUTOSCALER, r.minReplicas, r.maxReplicas, r.cpu, r.rps, r.scaleUp, r.scaleDown,
      undefined, undefined, undefined);
  }

  /**
   * A KEDA `ScaledObject` instead of the HPA: request rate straight from
   * Prometheus (no prometheus-adapter) plus CPU, with the playbook's behavior.
   * The Deployment gets no `replicas`; the ScaledObject needs the KEDA CRDs.
   *
   * @see https://keda.sh/docs/latest/reference/scaledobject-spec/
   */
  public static kedaScaledObject(props: KedaScaledObjectProps = {}): Autoscaling {
    const r = resolveScaling(props);
    const address = props.prometheusServerAddress ?? DEFAULT_PROMETHEUS_ADDRESS;
    if (!/^https?:\/\/[^\s/]+/.test(address)) {
      throw new Error(`'prometheusServerAddress' must be an http(s) URL (received '${address}')`);
    }
    const pollingInterval = props.pollingInterval ?? Duration.seconds(30);
    const rateWindow = props.rateWindow ?? Duration.minutes(2);
    for (const [label, d] of [['pollingInterval', pollingInterval], ['rateWindow', rateWindow]] as const) {
      const seconds = secondsOf(d);
      if (!Number.isInteger(seconds) || seconds < 1) {
        throw new Error(`'${label}' must be whole seconds >= 1s (received ${seconds}s)`);
      }
    }
    return new Autoscaling(AutoscalingKind.KEDA, r.minReplicas, r.maxReplicas, r.cpu, r.rps, r.scaleUp, r.scaleDown,
      address, pollingInterval, rateWindow);
  }

  /** A fixed replica count and no HPA (replicas must be >= 1). */
  public static fixedReplicas(replicas: number): Autoscaling {
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new Error(`'replicas' must be an integer >= 1 (received ${replicas})`);
    }
    return new Autoscaling(AutoscalingKind.FIXED, replicas, replicas, 0, 0, undefined, undefined, undefined, undefined, undefined);
  }

  private constructor(
    /** Which choice this is (for inspection; the choice renders itself). */
    public readonly kind: AutoscalingKind,
    /** Lowest replica count (the fixed count for FIXED). */
    public readonly minReplicas: number,
    /** Highest replica count (the fixed count for FIXED). */
    public readonly maxReplicas: number,
    /** CPU target in percent (0: none). */
    public readonly cpuUtilizationPercent: number,
    /** Requests/s per pod target (0: none). */
    public readonly requestsPerSecondPerPod: number,
    /** Scale-up behavior (HPA and KEDA). */
    public readonly scaleUp: ScalingBehavior | undefined,
    /** Scale-down behavior (HPA and KEDA). */
    public readonly scaleDown: ScalingBehavior | undefined,
    /** Prometheus HTTP API queried by KEDA (KEDA only). */
    public readonly prometheusServerAddress: string | undefined,
    /** KEDA polling interval (KEDA only). */
    public readonly pollingInterval: Duration | undefined,
    /** Window of the request-rate query (KEDA only). */
    public readonly rateWindow: Duration | undefined,
  ) {}

  /** @internal the Deployment's `replicas`: the fixed count, or undefined when an autoscaler owns it */
  public _replicas(): number | undefined {
    return this.kind === AutoscalingKind.FIXED ? this.minReplicas : undefined;
  }

  /** @internal adds the HorizontalPodAutoscaler of `target` (HPA choice only) */
  public _addHpa(scope: Construct, id: string, metadata: ApiObjectMetadata, target: ApiObject): kplus.k8s.KubeHorizontalPodAutoscalerV2 | undefined {
    if (this.kind !== AutoscalingKind.HORIZONTAL_POD_AUTOSCALER) {
      return undefined;
    }
    return new kplus.k8s.KubeHorizontalPodAutoscalerV2(scope, id, { metadata, spec: hpaSpec(this, target) });
  }

  /** @internal adds the KEDA ScaledObject of `target` (KEDA choice only) */
  public _addScaledObject(scope: () => Construct, id: string, target: ScaledObjectTarget): RequestRateScaledObject | undefined {
    if (this.kind !== AutoscalingKind.KEDA) {
      return undefined;
    }
    return new RequestRateScaledObject(scope(), id, { ...target, autoscaling: this });
  }
}

/** Limits and targets shared by the HPA and KEDA choices, validated, defaults applied. */
function resolveScaling(props: HorizontalPodAutoscalingProps | KedaScaledObjectProps) {
  const minReplicas = props.minReplicas ?? 3;
  const maxReplicas = props.maxReplicas ?? 20;
  if (!Number.isInteger(minReplicas) || minReplicas < 1) {
    throw new Error(`'minReplicas' must be an integer >= 1 (received ${minReplicas})`);
  }
  if (!Number.isInteger(maxReplicas) || maxReplicas < minReplicas) {
    throw new Error(`'maxReplicas' (${maxReplicas}) must be an integer >= 'minReplicas' (${minReplicas})`);
  }
  const cpu = props.cpuUtilizationPercent ?? 70;
  if (!Number.isInteger(cpu) || cpu < 0) {
    throw new Error(`'cpuUtilizationPercent' must be an integer >= 0 (received ${cpu})`);
  }
  const rps = props.requestsPerSecondPerPod ?? 100;
  if (!(rps >= 0) || !Number.isFinite(rps)) {
    throw new Error(`'requestsPerSecondPerPod' must be >= 0 (received ${rps})`);
  }
  if (cpu === 0 && rps === 0) {
    throw new Error('\'cpuUtilizationPercent\' and \'requestsPerSecondPerPod\' must not both be 0 (received 0 and 0)');
  }
  const scaleUp = props.scaleUp ?? {
    stabilizationWindow: Duration.seconds(0), policies: [{ type: ScalingPolicyType.PERCENT, value: 100, period: Duration.seconds(15) }],
  };
  const scaleDown = props.scaleDown ?? {
    stabilizationWindow: Duration.seconds(300), policies: [{ type: ScalingPolicyType.PERCENT, value: 10, period: Duration.seconds(60) }],
  };
  checkScalingBehavior('scaleUp', scaleUp);
  checkScalingBehavior('scaleDown', scaleDown);
  return { minReplicas, maxReplicas, cpu, rps, scaleUp, scaleDown };
}
