import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`), else the address itself. */
export function plainAddress(address: string): string {
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:') && isIPv4(lower.slice(7))) return lower.slice(7);
  return address;
}

/**
 * The CIDR ranges whose peers may tell the proxy who the client is (a load
 * balancer, an ingress controller). Empty by default: no peer is trusted.
 * Entries are validated by the config schema (`server.trustedProxyCidrs`);
 * a bare address counts as a single host.
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  /** True when at least one range is configured. */
  public readonly any: boolean;

  public constructor(cidrs: readonly string[]) {
    for (const cidr of cidrs) {
      const [network = '', prefixText] = cidr.trim().split('/');
      const address = plainAddress(network);
      const family = isIPv4(address) ? 'ipv4' : 'ipv6';
      const prefix = prefixText === undefined ? (family === 'ipv4' ? 32 : 128) : Number(prefixText);
      this.list.addSubnet(address, prefix, family);
    }
    this.any = cidrs.length > 0;
  }

  /** True when `address` (IPv4, IPv6 or IPv4-mapped) lies in a trusted range. */
  public trusts(address: string | undefined): boolean {
    if (!this.any || address === undefined) return false;
    const plain = plainAddress(address.trim());
    if (isIPv4(plain)) return this.list.check(plain, 'ipv4');
    if (isIPv6(plain)) return this.list.check(plain, 'ipv6');
    return false;
  }
}
