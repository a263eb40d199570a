import { App, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { synthWith } from './helpers';
import {
  Autoscaling, HolySheepRegion, MultiRegionFailover, NetworkPeer, ProxyRuntime, SecretKeyRef, Upstream,
} from '../../src';

const ap = Upstream.holySheep(HolySheepRegion.ASIA_PACIFIC);


describe('FailoverProxy refuses bad props at synth', () => {
  it('fails on duplicate upstream names', () => {
    expect(synthWith({ upstreams: [ap, Upstream.holySheep(HolySheepRegion.ASIA_PACIFIC)] }))
      .toThrow('\'upstreams\' must have unique names (received "holysheep-ap" twice)');
  });

  it('fails on an empty upstream list', () => {
    expect(synthWith({ upstreams: [] })).toThrow('\'upstreams\' must contain at least one upstream (received [])');
  });

  it('fails on an invalid upstream URL', () => {
    expect(() => Upstream.custom({ name: 'x', baseUrl: 'ftp://example.com/v1' })).toThrow('upstream \'x\' \'baseUrl\' must be an absolute http(s) URL without credentials, query or fragment (received "ftp://example.com/v1")');
    expect(() => Upstream.custom({ name: 'x', baseUrl: 'not a url' })).toThrow('(received "not a url")');
  });

  it('fails on an invalid upstream name', () => {
    expect(() => Upstream.custom({ name: 'Bad Name', baseUrl: 'https://example.com/v1' })).toThrow('(received "Bad Name")');
  });

  it('fails on an upstream weight out of range', () => {
    expect(() => Upstream.openAi({ weight: 0 })).toThrow('upstream \'openai\' \'weight\' must be an integer between 1 and 1000 (received 0)');
  });

  it('fails on min replicas greater than max replicas', () => {
    expect(() => Autoscaling.horizontalPodAutoscaler({ minReplicas: 5, maxReplicas: 3 }))
      .toThrow('\'maxReplicas\' (3) must be an integer >= \'minReplicas\' (5)');
  });

  it('fails on min replicas below 1', () => {
    expect(() => Autoscaling.horizontalPodAutoscaler({ minReplicas: 0 })).toThrow('\'minReplicas\' must be an integer >= 1 (received 0)');
  });

  it('fails on fixed replicas below 1', () => {
    expect(() => Autoscaling.fixedReplicas(0)).toThrow('\'replicas\' must be an integer >= 1 (received 0)');
  });

  it('fails when the HPA has no metric', () => {
    expect(() => Autoscaling.horizontalPodAutoscaler({ cpuUtilizationPercent: 0, requestsPerSecondPerPod: 0 })).toThrow('must not both be 0');
  });

  it('fails on a failure threshold below 1', () => {
    expect(synthWith({ failureThreshold: 0 })).toThrow('\'failureThreshold\' must be an integer >= 1 (received 0)');
  });

  it('fails on half-open max calls below 1', () => {
    expect(synthWith({ halfOpenMaxCalls: 0 })).toThrow('\'halfOpenMaxCalls\' must be an integer >= 1 (received 0)');
  });

  it('fails on negative retries', () => {
    expect(synthWith({ maxRetries: -1 })).toThrow('\'maxRetries\' must be an integer >= 0 (received -1)');
  });

  it('fails on a PDB that would block all evictions', () => {
    expect(synthWith({ pdbMinAvailable: 3 }))
      .toThrow('\'pdbMinAvailable\' (3) must be lower than the minimum replica count (3), or the PodDisruptionBudget blocks every eviction');
    expect(synthWith({ autoscaling: Autoscaling.fixedReplicas(1), pdbMinAvailable: 1 })).toThrow('\'pdbMinAvailable\' (1)');
  });

  it('fails on a termination grace period shorter than shutdown delay plus drain', () => {
    expect(synthWith({ terminationGracePeriod: Duration.seconds(30) }))
      .toThrow('\'terminationGracePeriod\' (30s) must be greater than \'shutdownDelay\' + \'drainTimeout\' (30s)');
  });

  it('fails on requests above limits', () => {
    expect(synthWith({ cpuRequestMillis: 2000 })).toThrow('\'cpuRequestMillis\' (2000) must not exceed \'cpuLimitMillis\' (1000)');
  });

  it('fails on duplicate pricing models', () => {
    const price = { model: 'gpt-4.1', inputPerMillionUsd: 1, outputPerMillionUsd: 2 };
    expect(synthWith({ pricing: [price, price] })).toThrow('\'pricing\' must list each model once (received "gpt-4.1" twice)');
  });

  it('fails with the runtime schema field path when the runtime would refuse the config', () => {
    expect(synthWith({ pricing: [{ model: 'gpt-4.1', inputPerMillionUsd: -1, outputPerMillionUsd: 2 }] }))
      .toThrow(/the proxy would refuse the rendered config.yaml: pricing\.gpt-4\.1\.inputPerMillion: .*\(received -1\)/);
    expect(synthWith({ httpsProxy: 'socks5://proxy:1080' })).toThrow(/egress\.httpsProxy: must be an absolute http\(s\) URL.*\(received "socks5:\/\/proxy:1080"\)/);
  });

  it('fails on legacyEnvVars with several API keys', () => {
    expect(synthWith({ legacyEnvVars: true, upstreams: [ap, Upstream.openAi({ apiKey: SecretKeyRef.fromSecret('openai', 'key') })] }))
      .toThrow('\'legacyEnvVars\' needs every upstream to share one API key (HOLYSHEEP_API_KEY): upstream \'openai\' \'apiKey\' is openai/key, upstream \'holysheep-ap\' uses holysheep-credentials/api-key (received openai/key)');
  });

  it('fails on an unpinned or latest image', () => {
    expect(() => ProxyRuntime.fromImage('holysheep/proxy:latest')).toThrow('\'image\' must be pinned by a digest (@sha256:...) or a tag with a full version x.y.z such as 1.2.3, never untagged, :latest or a moving tag like :24 or :lts (received "holysheep/proxy:latest")');
    expect(() => ProxyRuntime.bundled({ nodeImage: 'node' })).toThrow('(received "node")');
  });

  it('fails on an invalid secret reference', () => {
    expect(() => SecretKeyRef.fromSecret('Bad_Name', 'k')).toThrow('\'secretName\' must be a DNS subdomain: at most 253 characters of a-z, 0-9, "-" or ".", starting and ending with a letter or digit (received "Bad_Name")');
    expect(() => SecretKeyRef.fromLiteral('s', 'k', '')).toThrow('secret literal for \'s/k\' must not be empty (received "")');
  });

  it('fails on an empty ingress peer list', () => {
    expect(synthWith({ ingressPeers: [] })).toThrow('\'ingressPeers\' must name at least one peer, or set \'networkPolicy\' to false (received [])');
  });

  it('fails on an invalid CIDR peer', () => {
    expect(() => NetworkPeer.ipBlock('10.0.0.0')).toThrow('\'cidr\' must be a CIDR such as 10.0.0.0/8 (received "10.0.0.0")');
    // the same CIDR rule as dnsIpBlocks: addresses and prefixes are checked, not only the characters
    expect(() => NetworkPeer.ipBlock('10.0.0.300/8')).toThrow('\'cidr\' must be a CIDR such as 10.0.0.0/8 (received "10.0.0.300/8")');
    expect(() => NetworkPeer.ipBlock('fd00::/129')).toThrow('\'cidr\' must be a CIDR such as 10.0.0.0/8 (received "fd00::/129")');
    expect(NetworkPeer.ipBlock('fd00::/8').description).toBe('cidr fd00::/8');
  });

  it('fails on duplicate or invalid regions', () => {
    expect(() => new MultiRegionFailover(Testing.app(), 'm', { regions: [{ name: 'us' }, { name: 'us' }] }))
      .toThrow('\'regions\' must have unique names (received "us" twice)');
    expect(() => new MultiRegionFailover(new App(), 'm', { regions: [{ name: 'US East' }] })).toThrow('(received "US East")');
    expect(() => new MultiRegionFailover(new App(), 'm', { regions: [] })).toThrow('\'regions\' must contain at least one region (received [])');
  });
});
