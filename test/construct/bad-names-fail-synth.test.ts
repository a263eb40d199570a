/**
 * `fails ...` tests for names, labels, Secrets, images, priorities and the
 * ranges that had no test: each names the prop and the value received.
 */
import { App, Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { find, synthProxy, synthWith } from './helpers';
import {
  Autoscaling, HolySheepRegion, MultiRegionFailover, ProxyRuntime, SecretKeyRef, Upstream,
} from '../../src';


describe('FailoverProxy refuses bad Kubernetes names and labels at synth', () => {
  it('fails on a name that is not a DNS label', () => {
    expect(synthWith({ name: 'Proxy_1' })).toThrow('\'name\' must be a DNS label: at most 63 characters of a-z, 0-9 or "-", starting and ending with a letter or digit (received "Proxy_1")');
  });

  it('fails on a name longer than 63 characters', () => {
    const long = 'p'.repeat(64);
    expect(synthWith({ name: long })).toThrow(`'name' must be a DNS label: at most 63 characters of a-z, 0-9 or "-", starting and ending with a letter or digit (received "${long}")`);
  });

  it('fails on a serviceName starting with a digit (DNS-1035)', () => {
    expect(synthWith({ serviceName: '1llm' })).toThrow('\'serviceName\' must be a DNS-1035 label: at most 63 characters of a-z, 0-9 or "-", starting with a letter and ending with a letter or digit (received "1llm")');
  });

  it('fails on an hpaName that is not a DNS subdomain', () => {
    expect(synthWith({ hpaName: 'llm_hpa' })).toThrow('\'hpaName\' must be a DNS subdomain: at most 253 characters of a-z, 0-9, "-" or ".", starting and ending with a letter or digit (received "llm_hpa")');
  });

  it('fails on a configMapName that is not a DNS subdomain', () => {
    expect(synthWith({ configMapName: 'Config' })).toThrow('\'configMapName\' must be a DNS subdomain: at most 253 characters of a-z, 0-9, "-" or ".", starting and ending with a letter or digit (received "Config")');
  });

  it('fails on a version that is not a label value', () => {
    expect(synthWith({ version: 'v2.0 beta' })).toThrow('\'version\' must be a label value: at most 63 characters of A-Z, a-z, 0-9, "-", "_" or ".", starting and ending with an alphanumeric (received "v2.0 beta")');
  });

  it('fails on a label key with a bad prefix or name', () => {
    expect(synthWith({ labels: { 'Example.com/team': 'ai' } })).toThrow('\'labels\' keys must be [prefix/]name: prefix a DNS subdomain, name at most 63 characters of A-Z, a-z, 0-9, "-", "_" or ".", starting and ending with an alphanumeric (received "Example.com/team")');
    expect(synthWith({ labels: { '-team': 'ai' } })).toThrow('(received "-team")');
  });

  it('fails on a label value that is not a label value', () => {
    expect(synthWith({ labels: { team: 'ai platform' } })).toThrow('\'labels.team\' must be a label value: at most 63 characters of A-Z, a-z, 0-9, "-", "_" or ".", starting and ending with an alphanumeric (received "ai platform")');
  });

  it('fails on labels that would silently replace app or version', () => {
    expect(synthWith({ labels: { app: 'other' } })).toThrow('\'labels\' must not set "app" (it comes from \'name\') (received "app": "other")');
  });

  it('fails on a monitoringNamespace that is not a DNS label', () => {
    expect(synthWith({ monitoringNamespace: 'Monitoring' })).toThrow('\'monitoringNamespace\' must be a DNS label: at most 63 characters of a-z, 0-9 or "-", starting and ending with a letter or digit (received "Monitoring")');
  });

  it('fails on an invalid region namespace in MultiRegionFailover', () => {
    expect(() => new MultiRegionFailover(new App(), 'm', { regions: [{ name: 'us', namespaceName: 'Prod' }] }))
      .toThrow('\'regions.us.namespaceName\' must be a DNS label: at most 63 characters of a-z, 0-9 or "-", starting and ending with a letter or digit (received "Prod")');
    expect(() => new MultiRegionFailover(new App(), 'n', { regions: [{ name: 'Us' }] }))
      .toThrow('\'regions.name\' must be a DNS label: at most 63 characters of a-z, 0-9 or "-", starting and ending with a letter or digit (received "Us")');
  });

  it('accepts prefixed label keys and empty label values', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({ labels: { 'app.kubernetes.io/part-of': 'llm', 'example.com/tier': '' } });
    // THEN
    expect(find(manifests, 'Deployment').metadata.labels).toMatchObject({ 'app.kubernetes.io/part-of': 'llm', 'example.com/tier': '' });
  });
});

describe('FailoverProxy literal Secret validation', () => {
  it('fails on two literals with different values for one Secret key', () => {
    expect(synthWith({
      apiKey: SecretKeyRef.fromLiteral('llm-keys', 'key', 'sk-one'),
      upstreams: [Upstream.holySheep(HolySheepRegion.US), Upstream.openAi({ apiKey: SecretKeyRef.fromLiteral('llm-keys', 'key', 'sk-two') })],
    })).toThrow('two SecretKeyRef.fromLiteral values for the same key \'llm-keys/key\' differ (received 2 values for one key); use one ref or distinct keys');
  });

  it('fails on a literal Secret named like an existing Secret that a fromSecret ref reads', () => {
    expect(synthWith({
      upstreams: [Upstream.holySheep(HolySheepRegion.US), Upstream.openAi({ apiKey: SecretKeyRef.fromLiteral('holysheep-credentials', 'openai', 'sk-x') })],
    })).toThrow('SecretKeyRef.fromSecret(\'holysheep-credentials\', \'api-key\') names an existing Secret that a SecretKeyRef.fromLiteral would create and overwrite (received Secret name "holysheep-credentials" for both); use another secretName for the literal');
  });

  it('never puts a literal value into an error message', () => {
    expect(synthWith({
      apiKey: SecretKeyRef.fromLiteral('llm-keys', 'key', 'sk-secret-one'),
      clientKeys: SecretKeyRef.fromLiteral('llm-keys', 'key', 'sk-secret-two'),
    })).toThrow(/^(?!.*sk-secret).*$/s);
  });

  it('accepts the same literal twice', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({
      apiKey: SecretKeyRef.fromLiteral('llm-keys', 'key', 'sk-one'),
      upstreams: [Upstream.openAi({ apiKey: SecretKeyRef.fromLiteral('llm-keys', 'key', 'sk-one') })],
    });
    // THEN
    expect(find(manifests, 'Secret', 'llm-keys').stringData).toEqual({ key: 'sk-one' });
  });

  it('fails on an invalid secret key name', () => {
    expect(() => SecretKeyRef.fromSecret('creds', 'api key')).toThrow('\'key\' must be a data key: 1-253 characters of A-Z, a-z, 0-9, "-", "_" or "." (received "api key")');
  });
});

describe('FailoverProxy image pinning', () => {
  it.each(['node:24', 'node:lts', 'node:stable', 'node:24.11', 'registry.example/proxy:latest', 'registry.example:5000/proxy'])(
    'fails on the moving tag %s',
    (image) => {
      expect(() => ProxyRuntime.bundled({ nodeImage: image })).toThrow(`'nodeImage' must be pinned by a digest (@sha256:...) or a tag with a full version x.y.z such as 1.2.3, never untagged, :latest or a moving tag like :24 or :lts (received "${image}")`);
    },
  );

  it.each(['node:24.11.1-alpine3.22', 'registry.example:5000/proxy:v1.2.3', `registry.example/proxy@sha256:${'b'.repeat(64)}`])(
    'accepts the pinned image %s',
    (image) => {
      expect(ProxyRuntime.fromImage(image).image).toBe(image);
    },
  );
});

describe('upstream priority ties', () => {
  it('fails on a list position that ties with an explicit priority', () => {
    expect(synthWith({ upstreams: [Upstream.openAi(), Upstream.holySheep(HolySheepRegion.EU, { priority: 0 })] }))
      .toThrow('upstreams \'openai\' (its list position 0) and \'holysheep-eu\' (\'priority\' 0) tie at priority 0: set \'priority\' on both to round-robin them, or give them distinct priorities (received 0 twice)');
  });

  it('keeps equal explicit priorities as a weighted round robin', () => {
    // GIVEN / WHEN
    const upstreams = [Upstream.openAi({ priority: 0 }), Upstream.holySheep(HolySheepRegion.EU, { priority: 0, weight: 2 })];
    const { proxy } = synthProxy({ upstreams });
    // THEN
    expect(proxy.configYaml).toMatch(/name: openai\n\s+baseUrl: \S+\n\s+priority: 0/);
    expect(proxy.configYaml).toMatch(/name: holysheep-eu\n\s+baseUrl: \S+\n\s+priority: 0\n\s+weight: 2/);
  });
});

describe('numeric ranges and names of the remaining props', () => {
  it('fails on zoneMaxSkew below 1', () => {
    expect(synthWith({ zoneMaxSkew: 0 })).toThrow('\'zoneMaxSkew\' must be an integer >= 1 (received 0)');
  });

  it('fails on a negative rateLimitPerMinute', () => {
    expect(synthWith({ rateLimitPerMinute: -1 })).toThrow('\'rateLimitPerMinute\' must be an integer >= 0 (received -1)');
  });

  it('fails on a memory request above its limit', () => {
    expect(synthWith({ memoryRequestMebibytes: 2048 })).toThrow('\'memoryRequestMebibytes\' (2048) must not exceed \'memoryLimitMebibytes\' (1024)');
  });

  it('fails on an ephemeral storage request above its limit', () => {
    expect(synthWith({ ephemeralStorageRequestMebibytes: 512 })).toThrow('\'ephemeralStorageRequestMebibytes\' (512) must not exceed \'ephemeralStorageLimitMebibytes\' (256)');
  });

  it('fails on non-integer resources', () => {
    expect(synthWith({ cpuRequestMillis: 250.5 })).toThrow('\'cpuRequestMillis\' must be an integer >= 1 (received 250.5)');
  });

  it('fails on an upstream priority below 0', () => {
    expect(() => Upstream.openAi({ priority: -1 })).toThrow('upstream \'openai\' \'priority\' must be an integer >= 0 (received -1)');
  });

  it('fails on a cpuUtilizationPercent out of range', () => {
    expect(() => Autoscaling.horizontalPodAutoscaler({ cpuUtilizationPercent: -5 })).toThrow('\'cpuUtilizationPercent\' must be an integer >= 0 (received -5)');
    expect(() => Autoscaling.kedaScaledObject({ cpuUtilizationPercent: 70.5 })).toThrow('\'cpuUtilizationPercent\' must be an integer >= 0 (received 70.5)');
  });

  it('fails on egressPorts out of range or empty', () => {
    expect(synthWith({ egressPorts: [0] })).toThrow('\'egressPorts\' must hold integers between 1 and 65535 (received 0)');
    expect(synthWith({ egressPorts: [] })).toThrow('\'egressPorts\' must list at least one port, or set \'networkPolicy\' to false (received [])');
  });

  it('fails on an imagePullSecrets name that is not a DNS subdomain', () => {
    expect(synthWith({ imagePullSecrets: ['Registry Creds'] })).toThrow('\'imagePullSecrets\' must be a DNS subdomain: at most 253 characters of a-z, 0-9, "-" or ".", starting and ending with a letter or digit (received "Registry Creds")');
  });

  it('fails on a dnsNamespace that is not a DNS label', () => {
    expect(synthWith({ dnsNamespace: 'Kube_System', terminationGracePeriod: Duration.seconds(60) })).toThrow('\'dnsNamespace\' must be a DNS label: at most 63 characters of a-z, 0-9 or "-", starting and ending with a letter or digit (received "Kube_System")');
  });
});
