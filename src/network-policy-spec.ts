/** Internal: the proxy's NetworkPolicy rules. */
import * as kplus from 'cdk8s-plus-28';
import { PORTS } from './contract';
import { NetworkPeer } from './network-peer';

const port = (protocol: string, value: number): kplus.k8s.NetworkPolicyPort => ({ protocol, port: kplus.k8s.IntOrString.fromNumber(value) });
const namespaceNamed = (name: string): kplus.k8s.LabelSelector => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });

/** Where the cluster DNS pods run. @internal */
export interface DnsPeer {
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
}

/**
 * Ingress to 8080 from `peers` and to 9090 from the monitoring namespace;
 * egress to the cluster DNS and to the upstream (and HTTPS proxy) ports. @internal
 */
export function networkPolicySpec(
  selectorLabels: Record<string, string>,
  peers: readonly NetworkPeer[],
  monitoringNamespace: string,
  egressPorts: readonly number[],
  dns: DnsPeer,
): kplus.k8s.NetworkPolicySpec {
  return {
    podSelector: { matchLabels: { ...selectorLabels } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      { from: peers.map((p) => p._toKube()), ports: [port('TCP', PORTS.http)] },
      { from: [{ namespaceSelector: namespaceNamed(monitoringNamespace) }], ports: [port('TCP', PORTS.metrics)] },
    ],
    egress: [
      {
        to: [{ namespaceSelector: namespaceNamed(dns.namespace), podSelector: { matchLabels: { ...dns.podLabels } } }],
        ports: [port('UDP', 53), port('TCP', 53)],
      },
      { ports: [...new Set(egressPorts)].sort((a, b) => a - b).map((p) => port('TCP', p)) },
    ],
  };
}
