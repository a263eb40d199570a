/**
 * NetworkPolicy DNS egress for clusters whose DNS is not kube-system/kube-dns
 * on port 53: NodeLocal DNSCache (a link-local address) and OpenShift (5353).
 */
import { describe, expect, it } from 'vitest';
import { find, synthProxy, synthWith } from './helpers';
import { validateAll } from './kubernetes-models';


describe('FailoverProxy DNS egress', () => {
  it('keeps UDP and TCP 53 to kube-dns only by default', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy();
    // THEN
    const dnsRule = find(manifests, 'NetworkPolicy').spec.egress[0];
    expect(dnsRule.to).toHaveLength(1);
    expect(dnsRule.ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
  });

  it('adds dnsIpBlocks as DNS peers for NodeLocal DNSCache', () => {
    // GIVEN a cluster with NodeLocal DNSCache on its link-local address
    // WHEN
    const { manifests } = synthProxy({ dnsIpBlocks: ['169.254.20.10/32', 'fd00::a/128'] });
    // THEN
    const dnsRule = find(manifests, 'NetworkPolicy').spec.egress[0];
    expect(dnsRule.to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
      { ipBlock: { cidr: '169.254.20.10/32' } },
      { ipBlock: { cidr: 'fd00::a/128' } },
    ]);
    expect(dnsRule.ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
  });

  it('opens each of dnsPorts over UDP and TCP for OpenShift DNS', () => {
    // GIVEN OpenShift's DNS pods listening on 5353
    // WHEN
    const { manifests } = synthProxy({
      dnsNamespace: 'openshift-dns',
      dnsPodLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' },
      dnsPorts: [5353, 53, 5353],
    });
    // THEN ports are de-duplicated and sorted; the upstream egress rule is untouched
    const egress = find(manifests, 'NetworkPolicy').spec.egress;
    expect(egress[0].ports).toEqual([
      { protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 },
      { protocol: 'UDP', port: 5353 }, { protocol: 'TCP', port: 5353 },
    ]);
    expect(egress[0].to[0].namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } });
    expect(egress[1].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
  });

  it('renders a NetworkPolicy that passes the Kubernetes schema with both props', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({ dnsPorts: [5353], dnsIpBlocks: ['169.254.20.10/32'] });
    // THEN
    expect(validateAll(manifests)).toContain('NetworkPolicy');
  });

  it('fails on dnsPorts out of range, not integers or empty', () => {
    expect(synthWith({ dnsPorts: [0] })).toThrow('\'dnsPorts\' must hold integers between 1 and 65535 (received 0)');
    expect(synthWith({ dnsPorts: [65536] })).toThrow('\'dnsPorts\' must hold integers between 1 and 65535 (received 65536)');
    expect(synthWith({ dnsPorts: [53.5] })).toThrow('\'dnsPorts\' must hold integers between 1 and 65535 (received 53.5)');
    expect(synthWith({ dnsPorts: [] })).toThrow('\'dnsPorts\' must list at least one port (received [])');
  });

  it('fails on dnsIpBlocks entries that are not CIDRs', () => {
    const message = (v: string) => `'dnsIpBlocks' must hold CIDRs such as 169.254.20.10/32 (received "${v}")`;
    expect(synthWith({ dnsIpBlocks: ['169.254.20.10'] })).toThrow(message('169.254.20.10'));
    expect(synthWith({ dnsIpBlocks: ['169.254.20.300/32'] })).toThrow(message('169.254.20.300/32'));
    expect(synthWith({ dnsIpBlocks: ['169.254.20.10/33'] })).toThrow(message('169.254.20.10/33'));
    expect(synthWith({ dnsIpBlocks: ['fd00::a/129'] })).toThrow(message('fd00::a/129'));
    expect(synthWith({ dnsIpBlocks: ['kube-dns/32'] })).toThrow(message('kube-dns/32'));
  });

  it('checks the DNS props even when networkPolicy is false', () => {
    expect(synthWith({ networkPolicy: false, dnsPorts: [70000] })).toThrow('\'dnsPorts\' must hold integers between 1 and 65535 (received 70000)');
  });
});
