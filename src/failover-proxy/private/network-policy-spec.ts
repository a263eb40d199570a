/**
 * Internal: the proxy's NetworkPolicy: its props checked and defaulted once
 * (peers, egress ports, cluster DNS) and the rules they render.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import * as kplus from 'cdk8s-plus-28';
import { PORTS } from '../../contract';
import { checkCidrs } from '../../private/cidr';
import { checkDnsLabel, checkLabelKey, checkLabelValue } from '../../private/k8s-names';
import { urlPort } from '../../private/url-port';
import { Upstream } from '../../upstream/upstream';
import type { FailoverProxyProps } from '../failover-proxy-props';
import { NetworkPeer } from '../network-peer';

const port = (protocol: string, value: number): kplus.k8s.NetworkPolicyPort => ({ protocol, port: kplus.k8s.IntOrString.fromNumber(value) });
const namespaceNamed = (name: string): kplus.k8s.LabelSelector => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });

/** Where the proxy may send DNS queries: the cluster DNS pods, extra CIDRs and the ports. @internal */
export interface DnsPeer {
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
  /** UDP and TCP each. @default [53] */
  readonly ports?: readonly number[];
  /** Extra CIDR peers (NodeLocal DNSCache's link-local address). @default [] */
  readonly ipBlocks?: readonly string[];
}

/**
 * Throws unless `ports` is undefined or a non-empty list of ports (1-65535);
 * messages name `prop`, and `emptyHint` says what to do instead of an empty list.
 */
function checkPortList(prop: string, ports: readonly number[] | undefined, emptyHint = ''): void {
  if (ports === undefined) {
    return;
  }
  if (ports.length === 0) {
    throw new Error(`'${prop}' must list at least one port${emptyHint} (received [])`);
  }
  for (const p of ports) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) {
      throw new Error(`'${prop}' must hold integers between 1 and 65535 (received ${p})`);
    }
  }
}

/** Throws unless `ports` is undefined or a non-empty list of ports (1-65535). @internal */
export function checkDnsPorts(ports: readonly number[] | undefined): void {
  checkPortList('dnsPorts', ports);
}

/** Throws unless every entry of `cidrs` (if given) is an IPv4 or IPv6 CIDR. @internal */
export function checkDnsIpBlocks(cidrs: readonly string[] | undefined): void {
  checkCidrs('dnsIpBlocks', cidrs, 'must hold CIDRs such as 169.254.20.10/32');
}

/** Throws unless `ports` is undefined or a non-empty list of TCP ports (1-65535). @internal */
export function checkEgressPorts(ports: readonly number[] | undefined): void {
  checkPortList('egressPorts', ports, ', or set \'networkPolicy\' to false');
}

/** The NetworkPolicy's props resolved: who may call, where the proxy may connect, its DNS. @internal */
export interface NetworkPolicySettings {
  /** Who may reach the API port (at least one). */
  readonly ingressPeers: readonly NetworkPeer[];
  /** TCP ports of the upstreams (and of the HTTPS proxy), or the `egressPorts` prop. */
  readonly egressPorts: readonly number[];
  /** The cluster DNS the proxy may query. */
  readonly dns: DnsPeer;
}

/**
 * FailoverProxy's NetworkPolicy props resolved: `ingressPeers` (every
 * namespace by default), `egressPorts` (default: the upstream URLs' ports and
 * the `httpsProxy` port) and the cluster DNS (`dnsNamespace`, `dnsPodLabels`,
 * `dnsPorts`, `dnsIpBlocks`). Throws naming the prop and the value for an
 * empty peer list or a bad DNS namespace or label. @internal
 */
export function resolveNetworkPolicy(props: FailoverProxyProps, upstreams: readonly Upstream[]): NetworkPolicySettings {
  const ingressPeers = props.ingressPeers ?? [NetworkPeer.anyNamespace()];
  if (ingressPeers.length === 0) {
    throw new Error('\'ingressPeers\' must name at least one peer, or set \'networkPolicy\' to false (received [])');
  }
  const egressPorts = props.egressPorts ?? upstreams.map((u) => u.port);
  if (props.egressPorts === undefined && props.httpsProxy) {
    egressPorts.push(urlPort(props.httpsProxy));
  }
  const dnsNamespace = checkDnsLabel('dnsNamespace', props.dnsNamespace ?? 'kube-system');
  const dnsPodLabels = props.dnsPodLabels ?? { 'k8s-app': 'kube-dns' };
  for (const [key, value] of Object.entries(dnsPodLabels)) {
    checkLabelKey('dnsPodLabels', key);
    checkLabelValue(`dnsPodLabels.${key}`, value);
  }
  return {
    ingressPeers: [...ingressPeers],
    egressPorts,
    dns: { namespace: dnsNamespace, podLabels: dnsPodLabels, ports: props.dnsPorts, ipBlocks: props.dnsIpBlocks },
  };
}

/** The proxy's NetworkPolicy spec from its resolved settings. @internal */
export function proxyNetworkPolicySpec(
  policy: NetworkPolicySettings,
  selectorLabels: Record<string, string>,
  monitoringNamespace: string,
  extraEgress: readonly kplus.k8s.NetworkPolicyEgressRule[] = [],
): kplus.k8s.NetworkPolicySpec {
  const spec = networkPolicySpec(selectorLabels, policy.ingressPeers, monitoringNamespace, policy.egressPorts, policy.dns);
  // e.g. shared state: the Redis pods, or the Redis port
  return extraEgress.length > 0 ? { ...spec, egress: [...(spec.egress ?? []), ...extraEgress] } : spec;
}

/**
 * Ingress to 8080 from `peers` and to 9090 from the monitoring namespace;
 * egress to the cluster DNS (pods and extra CIDRs, UDP and TCP on each DNS
 * port) and to the upstream (and HTTPS proxy) ports. @internal
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
        to: [
          { namespaceSelector: namespaceNamed(dns.namespace), podSelector: { matchLabels: { ...dns.podLabels } } },
          ...[...new Set(dns.ipBlocks ?? [])].map((cidr) => ({ ipBlock: { cidr } })),
        ],
        ports: [...new Set(dns.ports ?? [53])].sort((a, b) => a - b).flatMap((p) => [port('UDP', p), port('TCP', p)]),
      },
      { ports: [...new Set(egressPorts)].sort((a, b) => a - b).map((p) => port('TCP', p)) },
    ],
  };
}
