/** Internal: the pod placement rules behind the zone spread props. */
import * as kplus from 'cdk8s-plus-28';
import { WhenUnsatisfiable } from '../zone-spread';

/** The zone label every cloud provider sets on nodes (FailoverProxy.ZONE_TOPOLOGY_KEY). @internal */
export const ZONE_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';

/**
 * Preferred anti-affinity (weight 100) plus a topologySpreadConstraint on
 * zones: never a required rule that leaves pods Pending once replicas exceed
 * zones. @internal
 */
export function zoneSpread(labels: Record<string, string>, maxSkew: number, whenUnsatisfiable: WhenUnsatisfiable): {
  affinity: kplus.k8s.Affinity;
  topologySpreadConstraints: kplus.k8s.TopologySpreadConstraint[];
} {
  return {
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: {
            labelSelector: { matchLabels: { ...labels } },
            topologyKey: ZONE_TOPOLOGY_KEY,
          },
        }],
      },
    },
    topologySpreadConstraints: [{
      maxSkew,
      topologyKey: ZONE_TOPOLOGY_KEY,
      whenUnsatisfiable,
      labelSelector: { matchLabels: { ...labels } },
    }],
  };
}
