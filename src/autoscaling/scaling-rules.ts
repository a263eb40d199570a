import { Duration } from 'cdk8s';

/** What a scaling policy's `value` counts. */
export enum ScalingPolicyType {
  /** Change by a percentage of the current replicas. */
  PERCENT = 'Percent',
  /** Change by a number of pods. */
  PODS = 'Pods',
}

/**
 * Which policy wins when several allow different changes.
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#scaling-policies
 */
export enum ScalingPolicySelect {
  /** The policy that allows the largest change (the Kubernetes default). */
  MAX = 'Max',
  /** The policy that allows the smallest change. */
  MIN = 'Min',
  /** No scaling in this direction. */
  DISABLED = 'Disabled',
}

/** One scaling policy: at most `value` pods or percent per `period`. */
export interface ScalingPolicy {
  /** What `value` counts. */
  readonly type: ScalingPolicyType;
  /** Amount (percent or pods) allowed per period: an integer >= 1. */
  readonly value: number;
  /** Period the amount applies to: whole seconds, 1s to 1800s. */
  readonly period: Duration;
}

/**
 * Scale-up or scale-down behavior of a HorizontalPodAutoscaler (also the HPA
 * that KEDA manages), as cdk8s-plus's `ScalingRules`.
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#configurable-scaling-behavior
 */
export interface ScalingBehavior {
  /**
   * How long past recommendations are considered before scaling: whole seconds, 0s to 3600s.
   * @default Duration.seconds(0)
   * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#stabilization-window
   */
  readonly stabilizationWindow?: Duration;
  /** The policies (at least one). */
  readonly policies: ScalingPolicy[];
  /**
   * Which policy wins when several apply.
   * @default - Kubernetes' default (`ScalingPolicySelect.MAX`), not written
   */
  readonly selectPolicy?: ScalingPolicySelect;
}
