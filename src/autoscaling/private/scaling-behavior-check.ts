/**
 * Internal: the ranges Kubernetes enforces on an HPA scaling rule
 * (autoscaling/v2 `HPAScalingRules`), checked at synth with the prop's name,
 * and the rule they render (the same for the HPA and for KEDA's HPA).
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/
 */
import { secondsOf } from '../../private/prop-checks';
import type { ScalingBehavior } from '../scaling-rules';

/** Longest `periodSeconds` of a scaling policy. */
const MAX_PERIOD_SECONDS = 1800;
/** Longest `stabilizationWindowSeconds`. */
const MAX_STABILIZATION_SECONDS = 3600;

/** An autoscaling/v2 `HPAScalingRules` object. @internal */
export interface HpaScalingRules {
  readonly stabilizationWindowSeconds: number;
  readonly selectPolicy?: string;
  readonly policies: { type: string; value: number; periodSeconds: number }[];
}

/**
 * Returns `behavior` when it has at least one policy, each value an integer
 * >= 1 and each period whole seconds in 1..1800, and its stabilization window
 * is whole seconds in 0..3600; throws naming `<name>.<field>` and the value
 * otherwise (`<name>.policies[i].<field>` when there are several policies). @internal
 */
export function checkScalingBehavior(name: string, behavior: ScalingBehavior): ScalingBehavior {
  if (behavior.policies.length === 0) {
    throw new Error(`'${name}.policies' must hold at least one policy (received [])`);
  }
  behavior.policies.forEach((policy, i) => {
    const at = behavior.policies.length === 1 ? name : `${name}.policies[${i}]`;
    if (!Number.isInteger(policy.value) || policy.value < 1) {
      throw new Error(`'${at}.value' must be an integer >= 1 (received ${policy.value})`);
    }
    const period = secondsOf(policy.period);
    if (!Number.isInteger(period) || period < 1 || period > MAX_PERIOD_SECONDS) {
      throw new Error(`'${at}.period' must be whole seconds between 1s and ${MAX_PERIOD_SECONDS}s (received ${period}s)`);
    }
  });
  if (behavior.stabilizationWindow !== undefined) {
    const window = secondsOf(behavior.stabilizationWindow);
    if (!Number.isInteger(window) || window < 0 || window > MAX_STABILIZATION_SECONDS) {
      throw new Error(`'${name}.stabilizationWindow' must be whole seconds between 0s and ${MAX_STABILIZATION_SECONDS}s (received ${window}s)`);
    }
  }
  return behavior;
}

/** The `HPAScalingRules` of a checked behavior. @internal */
export function scalingRules(behavior: ScalingBehavior): HpaScalingRules {
  return {
    stabilizationWindowSeconds: behavior.stabilizationWindow?.toSeconds() ?? 0,
    ...(behavior.selectPolicy !== undefined ? { selectPolicy: behavior.selectPolicy } : {}),
    policies: behavior.policies.map((p) => ({ type: p.type, value: p.value, periodSeconds: p.period.toSeconds() })),
  };
}
