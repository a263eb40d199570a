/**
 * What synthesizes must run: props that the runtime (or Kubernetes) would
 * refuse or get wrong after `kubectl apply` fail `cdk8s synth` instead,
 * naming the prop and the value.
 */
import { App, Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { errorOf, find, Manifest, synthProxy, synthWith } from './helpers';
import { FailoverProxy, MetricsScrape, ProxyRuntime, SecretKeyRef, Upstream } from '../../src';
import { CLIENT_KEY_MIN_LENGTH, MIN_NODE_VERSION_TEXT } from '../../src/contract';

describe('client keys the runtime would refuse', () => {
  it('fails on a literal client key shorter than the runtime minimum, without printing it', () => {
    // GIVEN a literal with one good and one 5-character key
    const clientKeys = SecretKeyRef.fromLiteral('proxy-clients', 'keys', 'good-client-key-1,short');
    // WHEN synthesized / THEN it fails naming the prop, the minimum and the length, never the key
    const message = errorOf(synthWith({ clientKeys }));
    expect(message).toBe(`'clientKeys' keys must be at least ${CLIENT_KEY_MIN_LENGTH} characters, the runtime's minimum (received key 2 of 2 with 5 characters)`);
    expect(message).not.toContain('short');
  });

  it('fails on a literal that holds no key at all', () => {
    expect(synthWith({ clientKeys: SecretKeyRef.fromLiteral('proxy-clients', 'keys', ' , ') }))
      .toThrow('\'clientKeys\' literal must hold at least one key (comma separated) (received 3 characters without a key)');
  });

  it('accepts keys of exactly the minimum length and leaves Secret references alone', () => {
    // GIVEN / WHEN keys of 8 characters, then a reference whose value synth cannot see
    const exact = 'x'.repeat(CLIENT_KEY_MIN_LENGTH);
    const { manifests } = synthProxy({ clientKeys: SecretKeyRef.fromLiteral('proxy-clients', 'keys', `${exact}, ${exact}y`) });
    // THEN the Secret holds them as given
    expect(find(manifests, 'Secret', 'proxy-clients').stringData).toEqual({ keys: `${exact}, ${exact}y` });
    expect(synthWith({ clientKeys: SecretKeyRef.fromSecret('proxy-clients', 'keys') })).not.toThrow();
  });
});

describe('literal keys and CA bundles the proxy could not use', () => {
  it('fails on a literal API key an Authorization header cannot carry, without printing it', () => {
    // GIVEN a key pasted with a trailing newline, on the proxy and on an upstream
    const pasted = SecretKeyRef.fromLiteral('llm-keys', 'api-key', 'sk-pasted-key\n');
    // WHEN synthesized / THEN it fails naming the prop and the position
    const message = errorOf(synthWith({ apiKey: pasted }));
    expect(message).toBe('\'apiKey\' literal must be visible ASCII without spaces or line breaks, as an Authorization header carries it (received 14 characters, character 14 is not)');
    expect(message).not.toContain('sk-pasted');
    expect(synthWith({ upstreams: [Upstream.openAi({ apiKey: SecretKeyRef.fromLiteral('openai', 'key', 'sk abc') })] }))
      .toThrow('upstream \'openai\' \'apiKey\' literal must be visible ASCII without spaces or line breaks, as an Authorization header carries it (received 6 characters, character 3 is not)');
  });

  it('fails on a literal caBundle without a PEM certificate', () => {
    expect(synthWith({ caBundle: SecretKeyRef.fromLiteral('corp-ca', 'ca.pem', 'not a certificate') }))
      .toThrow('\'caBundle\' literal must hold PEM certificates (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----) (received 17 characters without one)');
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(synthWith({ caBundle: SecretKeyRef.fromLiteral('corp-ca', 'ca.pem', pem) })).not.toThrow();
  });
});

describe('nodeImage below the runtime\'s minimum Node.js', () => {
  it.each([
    ['node:18-alpine', '18.0.0'],
    ['node:18.20.4-alpine3.20', '18.20.4'],
    ['node:20.18.1-bookworm-slim', '20.18.1'],
    ['registry.example/mirror/node:v16.20.2', '16.20.2'],
    ['node:20.10.0@sha256:' + 'a'.repeat(64), '20.10.0'],
  ])('refuses %s (Node.js %s)', (image, version) => {
    expect(() => ProxyRuntime.bundled({ nodeImage: image }))
      .toThrow(`'nodeImage' must run Node.js >= ${MIN_NODE_VERSION_TEXT}, the bundled runtime's minimum (received "${image}", Node.js ${version})`);
  });

  it('accepts the minimum, newer versions and a digest-only image (which names no version)', () => {
    // GIVEN / WHEN / THEN
    expect(ProxyRuntime.bundled({ nodeImage: `node:${MIN_NODE_VERSION_TEXT}-alpine` }).image).toBe(`node:${MIN_NODE_VERSION_TEXT}-alpine`);
    expect(ProxyRuntime.bundled({ nodeImage: 'node:22.12.0' }).image).toBe('node:22.12.0');
    const digestOnly = `node@sha256:${'b'.repeat(64)}`;
    expect(ProxyRuntime.bundled({ nodeImage: digestOnly }).image).toBe(digestOnly);
    expect(ProxyRuntime.MIN_NODE_VERSION).toBe(MIN_NODE_VERSION_TEXT);
    expect(ProxyRuntime.bundled().image).toBe(ProxyRuntime.DEFAULT_NODE_IMAGE);
  });

  it('keeps refusing an unpinned tag that names a new enough version', () => {
    expect(() => ProxyRuntime.bundled({ nodeImage: 'node:24-alpine' })).toThrow(/'nodeImage' must be pinned by a digest/);
  });
});

describe('requestTimeout and requestDeadline', () => {
  it('fails on a per-try timeout longer than the whole-request deadline', () => {
    expect(synthWith({ requestTimeout: Duration.seconds(150) }))
      .toThrow('\'requestTimeout\' (150s) must not exceed \'requestDeadline\' (120s): the deadline covers every attempt of a request');
    expect(synthWith({ requestTimeout: Duration.seconds(20), requestDeadline: Duration.seconds(10) }))
      .toThrow('\'requestTimeout\' (20s) must not exceed \'requestDeadline\' (10s)');
  });

  it('accepts a timeout equal to the deadline', () => {
    expect(synthWith({ requestTimeout: Duration.seconds(60), requestDeadline: Duration.seconds(60) })).not.toThrow();
  });
});

describe('two FailoverProxy in one namespace', () => {
  function twoProxies(first: ConstructorParameters<typeof FailoverProxy>[2], second: ConstructorParameters<typeof FailoverProxy>[2]) {
    const chart = new Chart(new App(), 'test', { namespace: 'production', disableResourceNameHashes: true });
    const a = new FailoverProxy(chart, 'A', first);
    const b = new FailoverProxy(chart, 'B', second);
    return { chart, a, b };
  }

  it('gives a proxy with another name its own Service, HPA and config ConfigMap', () => {
    // GIVEN the default proxy and one named "batch-proxy" in one chart
    const { chart, b } = twoProxies({}, { name: 'batch-proxy' });
    // WHEN synthesized
    const names = (Testing.synth(chart) as Manifest[]).map((m) => `${m.kind}/${m.metadata.name}`);
    // THEN the default keeps the playbook's names and the second derives its own from its name
    expect(names).toEqual(expect.arrayContaining([
      'Service/holysheep-ai-service', 'HorizontalPodAutoscaler/holysheep-ai-hpa', 'ConfigMap/holysheep-config',
      'Service/batch-proxy', 'HorizontalPodAutoscaler/batch-proxy', 'ConfigMap/batch-proxy-config',
    ]));
    expect(new Set(names).size).toBe(names.length);
    expect(b.serviceName).toBe('batch-proxy');
    const volumes = find(Testing.synth(chart) as Manifest[], 'Deployment', 'batch-proxy').spec.template.spec.volumes;
    expect(volumes.find((v: any) => v.name === 'config').configMap.name).toBe('batch-proxy-config');
  });

  it('fails on two proxies with the same name, naming the prop and the object', () => {
    expect(() => twoProxies({}, {}))
      .toThrow('\'name\' gives test/B\'s ConfigMap the name of test/A/Config\'s ConfigMap "holysheep-config" in namespace "production": give each FailoverProxy in a namespace its own \'name\' (received "holysheep-config")');
    expect(() => twoProxies({ name: 'llm' }, { name: 'llm' })).toThrow('\'name\' gives test/B\'s ConfigMap the name of test/A/Config\'s ConfigMap "llm-config"');
    expect(() => twoProxies({ configMapName: 'shared-config' }, { name: 'batch', configMapName: 'shared-config' }))
      .toThrow('\'configMapName\' gives test/B\'s ConfigMap the name of test/A/Config\'s ConfigMap "shared-config"');
  });

  it('fails when an explicit name of one proxy takes a name of the other', () => {
    expect(() => twoProxies({ name: 'llm' }, { name: 'batch', serviceName: 'llm' }))
      .toThrow('\'serviceName\' gives test/B\'s Service the name of test/A/Service/Resource\'s Service "llm" in namespace "production"');
    expect(() => twoProxies({ name: 'llm' }, { name: 'batch', monitoring: { scrape: MetricsScrape.serviceMonitor() }, hpaName: 'llm' }))
      .toThrow(/^'hpaName' gives test\/B's HorizontalPodAutoscaler the name of test\/A\/Hpa's/);
  });

  it('fails on two proxies that create the same literal Secret', () => {
    const apiKey = SecretKeyRef.fromLiteral('llm-keys', 'api-key', 'sk-test-one');
    expect(() => twoProxies({ apiKey }, { name: 'batch', apiKey: SecretKeyRef.fromLiteral('llm-keys', 'api-key', 'sk-test-two') }))
      .toThrow('\'SecretKeyRef.fromLiteral secretName\' gives test/B\'s Secret the name of test/A/Secret-llm-keys\'s Secret "llm-keys" in namespace "production"');
  });

  it('fails on a derived Service name that is not a DNS-1035 label', () => {
    expect(synthWith({ name: '1st-proxy' }))
      .toThrow('\'serviceName\' defaults to \'name\', which must then start with a letter (a Service name is a DNS-1035 label): set \'serviceName\' or another \'name\' (received "1st-proxy")');
    expect(synthWith({ name: '1st-proxy', serviceName: 'first-proxy' })).not.toThrow();
  });

  it('keeps proxies of the same name apart in different charts (one per cluster)', () => {
    const app = new App();
    new FailoverProxy(new Chart(app, 'us', { namespace: 'production' }), 'Proxy');
    expect(() => new FailoverProxy(new Chart(app, 'eu', { namespace: 'production' }), 'Proxy')).not.toThrow();
  });
});
