import { describe, expect, it } from 'vitest';
import { ForwardingPolicy, forwardedForList } from '../../../runtime/http/forwarding-policy';
import { TrustedProxies } from '../../../runtime/http/trusted-proxies';

describe('TrustedProxies', () => {
  const trusted = new TrustedProxies(['10.0.0.0/8', '192.168.1.7', 'fd00::/8']);

  it.each([
    ['10.1.2.3', true],
    ['::ffff:10.1.2.3', true],
    ['11.0.0.1', false],
    ['192.168.1.7', true],
    ['192.168.1.8', false],
    ['fd12::1', true],
    ['fe80::1', false],
    ['not-an-ip', false],
    [undefined, false],
  ])('trusts %s: %s', (address, expected) => {
    expect(trusted.trusts(address)).toBe(expected);
  });

  it('trusts nobody without ranges', () => {
    expect(new TrustedProxies([]).trusts('127.0.0.1')).toBe(false);
  });
});

describe('ForwardingPolicy', () => {
  it('takes the socket peer as the client when it is not trusted, whatever it claims', () => {
    const policy = new ForwardingPolicy([]);
    expect(policy.clientOf('::ffff:203.0.113.9', { 'x-forwarded-for': '1.1.1.1' })).toEqual({
      address: '203.0.113.9', trustedPeer: false, forwardedFor: '203.0.113.9',
    });
  });

  it('takes the right-most untrusted hop as the client behind trusted proxies', () => {
    // GIVEN an ingress (10.0.0.5) behind a load balancer (10.0.0.9), both trusted
    const policy = new ForwardingPolicy(['10.0.0.0/8']);
    // WHEN the load balancer forwards a client that itself claimed an address
    const client = policy.clientOf('10.0.0.9', { 'x-forwarded-for': ['6.6.6.6, 198.51.100.4', '10.0.0.5'] });
    // THEN the client is the last address no trusted proxy vouches for, and the peer is appended
    expect(client).toEqual({ address: '198.51.100.4', trustedPeer: true, forwardedFor: '6.6.6.6, 198.51.100.4, 10.0.0.5, 10.0.0.9' });
  });

  it('takes the peer as the client when a trusted proxy sends no X-Forwarded-For', () => {
    const policy = new ForwardingPolicy(['10.0.0.0/8']);
    expect(policy.clientOf('10.0.0.9', {}).address).toBe('10.0.0.9');
  });

  it('skips entries of X-Forwarded-For that are not addresses', () => {
    expect(forwardedForList('unknown, 198.51.100.4 , ::ffff:10.0.0.1,, 2001:db8::1')).toEqual(['198.51.100.4', '10.0.0.1', '2001:db8::1']);
  });
});
