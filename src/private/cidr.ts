/** Internal: the one CIDR rule of the NetworkPolicy props (`dnsIpBlocks`, `NetworkPeer.ipBlock`). */
import { isIPv4, isIPv6 } from 'node:net';

/** True for an IPv4 (`a.b.c.d/0-32`) or IPv6 (`addr/0-128`) CIDR. @internal */
export function isCidr(cidr: string): boolean {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!match) {
    return false;
  }
  const prefix = Number(match[2]);
  if (isIPv4(match[1])) {
    return prefix <= 32;
  }
  return isIPv6(match[1]) && prefix <= 128;
}
