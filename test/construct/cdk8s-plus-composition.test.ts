/**
 * The proxy composes with cdk8s-plus-28: its Service is a kplus.Service an
 * Ingress can route to, and its pods are a kplus.Pods selection that
 * NetworkPolicies and a Deployment's `connections` accept as a peer.
 */
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { find, Manifest } from './helpers';
import { FailoverProxy } from '../../src';

function chartWithProxy(): { chart: Chart; proxy: FailoverProxy } {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'production', disableResourceNameHashes: true });
  return { chart, proxy: new FailoverProxy(chart, 'Proxy', { name: 'llm-proxy' }) };
}

describe('composition with cdk8s-plus', () => {
  it('puts the proxy behind a kplus.Ingress by its Service name and port', () => {
    // GIVEN a proxy
    const { chart, proxy } = chartWithProxy();
    // WHEN an Ingress routes a host to its Service
    new kplus.Ingress(chart, 'Ingress', {
      rules: [{ host: 'llm.example.com', path: '/v1', pathType: kplus.HttpIngressPathType.PREFIX, backend: kplus.IngressBackend.fromService(proxy.service, { port: 80 }) }],
    });
    // THEN the Ingress backend names the proxy's Service and its API port
    const ingress = find(Testing.synth(chart) as Manifest[], 'Ingress');
    expect(ingress.spec.rules).toEqual([{
      host: 'llm.example.com',
      http: { paths: [{ path: '/v1', pathType: 'Prefix', backend: { service: { name: 'llm-proxy', port: { number: 80 } } } }] },
    }]);
    expect(proxy.service.name).toBe(proxy.serviceName);
  });

  it('refuses an Ingress backend on a port the Service does not expose', () => {
    // GIVEN / WHEN / THEN cdk8s-plus checks the port against the proxy's ports (80 and 9090)
    const { proxy } = chartWithProxy();
    expect(() => kplus.IngressBackend.fromService(proxy.service, { port: 8080 }))
      .toThrow('service exposes ports 80,9090 but backend is defined to use port 8080');
  });

  it('selects the proxy pods as the peer of a kplus.NetworkPolicy', () => {
    // GIVEN a proxy and a client app's pods
    const { chart, proxy } = chartWithProxy();
    const app = kplus.Pods.select(chart, 'ChatApp', { labels: { app: 'chat' } });
    // WHEN a NetworkPolicy lets the app reach the proxy's API port
    new kplus.NetworkPolicy(chart, 'ChatToProxy', {
      selector: app,
      egress: { rules: [{ peer: proxy.pods, ports: [kplus.NetworkPolicyPort.tcp(8080)] }] },
    });
    // THEN the egress rule selects exactly the proxy's pods
    const policies = (Testing.synth(chart) as Manifest[]).filter((m) => m.kind === 'NetworkPolicy');
    const chatPolicy = policies.find((p) => p.spec.podSelector.matchLabels?.app === 'chat')!;
    expect(chatPolicy.spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: { app: 'llm-proxy' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });

  it('lets a kplus.Deployment open a connection to the proxy pods', () => {
    // GIVEN a proxy and a client Deployment
    const { chart, proxy } = chartWithProxy();
    const client = new kplus.Deployment(chart, 'Client', {
      containers: [{ image: 'registry.example/chat:1.0.0', portNumber: 3000, securityContext: { ensureNonRoot: false } }],
    });
    // WHEN the client is allowed to the proxy on its API port
    client.connections.allowTo(proxy.pods, { ports: [kplus.NetworkPolicyPort.tcp(8080)] });
    // THEN a policy selects the client's pods with egress to the proxy's pod labels only
    const policies = (Testing.synth(chart) as Manifest[]).filter((m) => m.kind === 'NetworkPolicy');
    const egress = policies.flatMap((p) => p.spec.egress ?? []).filter((rule: any) => rule.to?.some((to: any) => to.podSelector?.matchLabels?.app === 'llm-proxy'));
    expect(egress).toHaveLength(1);
    expect(egress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(proxy.pods.toPodSelectorConfig().labelSelector._toKube()).toEqual({ matchLabels: proxy.selectorLabels });
  });
});
