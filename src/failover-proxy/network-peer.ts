import * as kplus from 'cdk8s-plus-28';
import { checkCidrs } from '../private/cidr';

/**
 * Who may reach the proxy's API port (8080) through its NetworkPolicy.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class NetworkPeer {
  /** Every pod of every namespace in the cluster (not traffic from outside the cluster). */
  public static anyNamespace(): NetworkPeer {
    return new NetworkPeer({ namespaceSelector: {} }, 'any namespace');
  }

  /** Every pod of the namespace named `name`. */
  public static fromNamespace(name: string): NetworkPeer {
    return new NetworkPeer({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } }, `namespace ${name}`);
  }

  /** Pods with these labels in the proxy's own namespace. */
  public static pods(labels: { [key: string]: string }): NetworkPeer {
    return new NetworkPeer({ podSelector: { matchLabels: { ...labels } } }, `pods ${JSON.stringify(labels)}`);
  }

  /** Pods with these labels in the namespace named `namespaceName`. */
  public static podsInNamespace(namespaceName: string, labels: { [key: string]: string }): NetworkPeer {
    return new NetworkPeer({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespaceName } },
      podSelector: { matchLabels: { ...labels } },
    }, `pods ${JSON.stringify(labels)} in namespace ${namespaceName}`);
  }

  /** An IPv4/IPv6 CIDR, e.g. an ingress controller's node range. */
  public static ipBlock(cidr: string): NetworkPeer {
    checkCidrs('cidr', [cidr], 'must be a CIDR such as 10.0.0.0/8');
    return new NetworkPeer({ ipBlock: { cidr } }, `cidr ${cidr}`);
  }

  private constructor(
    private readonly peer: kplus.k8s.NetworkPolicyPeer,
    /** Human-readable description. */
    public readonly description: string,
  ) {}

  /** @internal the Kubernetes NetworkPolicyPeer */
  public _toKube(): kplus.k8s.NetworkPolicyPeer {
    return JSON.parse(JSON.stringify(this.peer));
  }
}
