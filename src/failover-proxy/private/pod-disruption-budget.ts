/**
 * Internal: the proxy's PodDisruptionBudget: `maxUnavailable: 1`, or the
 * `pdbMinAvailable` prop when set, which must stay below the minimum replica
 * count or no voluntary eviction (node drain) could ever proceed.
 *
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
 */
import * as kplus from 'cdk8s-plus-28';
import { checkInt } from '../../private/prop-checks';

/** Throws unless `minAvailable` is undefined or an integer in 0..minReplicas-1. @internal */
export function checkPdbMinAvailable(minAvailable: number | undefined, minReplicas: number): void {
  if (minAvailable === undefined) {
    return;
  }
  checkInt('pdbMinAvailable', minAvailable, 0);
  if (minAvailable >= minReplicas) {
    throw new Error(`'pdbMinAvailable' (${minAvailable}) must be lower than the minimum replica count (${minReplicas}), or the PodDisruptionBudget blocks every eviction`);
  }
}

/** PDB spec over the pods matching `selectorLabels`. @internal */
export function podDisruptionBudgetSpec(selectorLabels: Record<string, string>, minAvailable: number | undefined): kplus.k8s.PodDisruptionBudgetSpec {
  return {
    selector: { matchLabels: { ...selectorLabels } },
    ...(minAvailable !== undefined
      ? { minAvailable: kplus.k8s.IntOrString.fromNumber(minAvailable) }
      : { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1) }),
  };
}
