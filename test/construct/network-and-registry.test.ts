/**
 * NetworkPolicy egress overrides (in-cluster upstreams, cluster DNS) and
 * imagePullSecrets for private registries.
 */
import { describe, expect, it } from 'vitest';
import { find, synthProxy } from './helpers';
import { ProxyRuntime, Upstream } from '../../src';

describe('FailoverProxy egress and registry options', () => {
  it('opens egressPorts instead of the URL ports when given', () => {
    // GIVEN an in-cluster upstream behind a Service on port 80 whose pods listen on 8000
    const upstreams = [Upstream.custom({ name: 'vllm', baseUrl: 'http://vllm.inference.svc/v1' }), Upstream.openAi()];
    // WHEN
    const { manifests } = synthProxy({ upstreams, egressPorts: [8000, 443] });
    // THEN
    const egress = find(manifests, 'NetworkPolicy').spec.egress;
    expect(egress[1].ports).toEqual([{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 8000 }]);
  });

  it('derives egress ports from the upstream URLs by default', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({ upstreams: [Upstream.custom({ name: 'vllm', baseUrl: 'http://vllm.inference.svc/v1' }), Upstream.openAi()] });
    // THEN
    expect(find(manifests, 'NetworkPolicy').spec.egress[1].ports).toEqual([{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 443 }]);
  });

  it('lets DNS go to a configurable namespace and pod labels', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({ dnsNamespace: 'dns', dnsPodLabels: { 'app.kubernetes.io/name': 'coredns' } });
    // THEN
    expect(find(manifests, 'NetworkPolicy').spec.egress[0].to).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'coredns' } },
    }]);
  });

  it('keeps kube-system/kube-dns as the DNS peer by default', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy();
    // THEN
    expect(find(manifests, 'NetworkPolicy').spec.egress[0].to[0].podSelector).toEqual({ matchLabels: { 'k8s-app': 'kube-dns' } });
  });

  it('renders imagePullSecrets on the pod, none by default', () => {
    // GIVEN / WHEN
    const custom = synthProxy({ runtime: ProxyRuntime.fromImage('registry.example/ai-failover-proxy:1.2.3'), imagePullSecrets: ['registry-creds'] });
    const byDefault = synthProxy();
    // THEN
    expect(find(custom.manifests, 'Deployment').spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry-creds' }]);
    expect(find(byDefault.manifests, 'Deployment').spec.template.spec.imagePullSecrets).toBeUndefined();
  });
});
