/**
 * Internal: the CIDR checks of the props (`dnsIpBlocks`, `NetworkPeer.ipBlock`,
 * `trustedProxyCidrs`), on the one CIDR rule of the config schema
 * (src/contract `isCidr`), so that the construct accepts what the runtime does.
 */
import { isCidr } from '../contract';

/**
 * Throws naming `prop` and the entry unless every entry of `values` (if given)
 * is an IPv4 or IPv6 CIDR; a bare address (one host) passes too when
 * `bareAddress` is set (config.yaml fields; a Kubernetes `ipBlock` needs the
 * prefix). `rule` is the message's rule, e.g. `must hold CIDRs such as 10.0.0.0/8`. @internal
 */
export function checkCidrs(prop: string, values: readonly string[] | undefined, rule: string, bareAddress = false): void {
  for (const value of values ?? []) {
    if (typeof value !== 'string' || !isCidr(value, !bareAddress)) {
      throw new Error(`'${prop}' ${rule} (received ${JSON.stringify(value)})`);
    }
  }
}
