import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { plainAddress, TrustedProxies } from './trusted-proxies';

/**
 * Headers by which a client says who it is or which proxies it came
 * through. From an untrusted peer they are dropped (anyone can write them);
 * from a trusted proxy they are passed on.
 */
export const FORWARDING_HEADERS: readonly string[] = [
  'x-forwarded-for', 'x-real-ip', 'forwarded', 'via', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port',
];

/** Who sent one request, as the forwarding policy sees it. */
export interface ForwardedClient {
  /** The client's address: the socket's, or from a trusted proxy's `X-Forwarded-For`. */
  readonly address: string;
  /** True when the socket peer is a trusted proxy (its forwarding headers are kept). */
  readonly trustedPeer: boolean;
  /** The `X-Forwarded-For` the upstream gets: the socket address, appended to a trusted proxy's list. */
  readonly forwardedFor: string;
}

/**
 * The forwarding policy: without trusted proxies (the default) the client
 * is the socket peer, whatever headers it sends; they are dropped and
 * `X-Forwarded-For` is set to the peer. When the peer is in
 * `server.trustedProxyCidrs`, its headers are kept, the peer is appended to
 * `X-Forwarded-For`, and the client is the right-most address of that list
 * that is not itself a trusted proxy (the left-most when all are).
 */
export class ForwardingPolicy {
  private readonly trusted: TrustedProxies;

  public constructor(trustedProxyCidrs: readonly string[]) {
    this.trusted = new TrustedProxies(trustedProxyCidrs);
  }

  /** The client of a request from socket peer `peer` with headers `headers`. */
  public clientOf(peer: string | undefined, headers: IncomingHttpHeaders): ForwardedClient {
    const socketAddress = peer === undefined ? 'unknown' : plainAddress(peer);
    if (!this.trusted.trusts(peer)) {
      return { address: socketAddress, trustedPeer: false, forwardedFor: socketAddress };
    }
    const claimed = forwardedForList(headers['x-forwarded-for']);
    let address = socketAddress;
    for (let i = claimed.length - 1; i >= 0; i--) {
      address = claimed[i]!;
      if (!this.trusted.trusts(address)) break;
    }
    return {
      address,
      trustedPeer: true,
      forwardedFor: [...claimed, socketAddress].join(', '),
    };
  }
}

/** The addresses of an `X-Forwarded-For` value (all of its headers), left to right; entries that are not IPs are skipped. */
export function forwardedForList(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(',') : value ?? '';
  return text.split(',').map((part) => plainAddress(part.trim())).filter((part) => isIP(part) !== 0);
}
