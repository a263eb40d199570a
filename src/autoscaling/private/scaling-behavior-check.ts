/**
 * Internal: the ranges Kubernetes enforces on an HPA scaling rule
 * (autoscaling/v2 `HPAScalingRules`), checked at synth with the prop's name.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/
 */
import { secondsOf } from '../../private/prop-checks';
import type { ScalingBehavior } from '../autoscaling';

/** Longest `periodSeconds` of a scaling policy. */
const MAX_PERIOD_SECONDS = 1800;
/** Longest `stabilizationWindowSeconds`. */
const MAX_STABILIZATION_SECONDS = 3600;

/**
 * Returns `behavior` when its value is an integer >= 1, its period whole
 * seconds in 1..1800 and its stabilization window whole seconds in 0..3600;
 * throws naming `<name>.<field>` and the value otherwise. @internal
 */
export function checkScalingBehavior(name: string, behavior: ScalingBehavior): ScalingBehavior {
  if (!Number.isInteger(behavior.value) || behavior.value < 1) {
    throw new Error(`'${name}.value' must be an integer >= 1 (received ${behavior.value})`);
  }
  const period = secondsOf(behavior.period);
  if (!Number.isInteger(period) || period < 1 || period > MAX_PERIOD_SECONDS) {
    throw new Error(`'${name}.period' must be whole seconds between 1s and ${MAX_PERIOD_SECONDS}s (received ${period}s)`);
  }
  const window = secondsOf(behavior.stabilizationWindow);
  if (!Number.isInteger(window) || window < 0 || window > MAX_STABILIZATION_SECONDS) {
    throw new Error(`'${name}.stabilizationWindow' must be whole seconds between 0s and ${MAX_STABILIZATION_SECONDS}s (received ${window}s)`);
  }
  return behavior;
}
