/**
 * The runtime settings a platform team tunes through FailoverProxy and
 * Upstream props: trusted forwarding peers, the buffered-response memory
 * budget (derived from the memory limit), the client write timeout and an
 * upstream's connection cap. Each renders into config.yaml only when it
 * differs from the runtime's default, and a bad value fails at synth naming
 * the prop and the value.
 */
import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { errorOf, synthProxy, synthWith } from './helpers';
import { FailoverProxyProps, HolySheepRegion, Upstream } from '../../src';
import { parseProxyConfig, ProxyConfig } from '../../src/contract';

const MIB = 1024 * 1024;

/** config.yaml as rendered for `props`, and as the runtime reads it. */
function configOf(props: FailoverProxyProps = {}): { rendered: Record<string, any>; runtime: ProxyConfig } {
  const { proxy } = synthProxy(props);
  const rendered = parse(proxy.configYaml);
  const parsed = parseProxyConfig(rendered);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return { rendered, runtime: parsed.config };
}

describe('runtime tuning props', () => {
  it('render nothing for the default deployment, which the runtime reads with its own defaults', () => {
    // GIVEN / WHEN a proxy without these props
    const { rendered, runtime } = configOf();
    // THEN config.yaml has no limits or server section, no clientWriteSeconds, no maxConnections
    expect(rendered.limits).toBeUndefined();
    expect(rendered.server).toBeUndefined();
    expect(rendered.timeouts.clientWriteSeconds).toBeUndefined();
    expect(rendered.upstreams.map((u: Record<string, unknown>) => u.maxConnections)).toEqual([undefined, undefined, undefined]);
    // AND the runtime runs on 256 MiB, 30 s, 128 connections and no trusted peer
    expect(runtime.limits.maxBufferedResponseBytes).toBe(256 * MIB);
    expect(runtime.timeouts.clientWriteSeconds).toBe(30);
    expect(runtime.upstreams.map((u) => u.maxConnections)).toEqual([128, 128, 128]);
    expect(runtime.server.trustedProxyCidrs).toEqual([]);
  });
});

describe('trustedProxyCidrs', () => {
  it('renders server.trustedProxyCidrs, ranges and single addresses of both families', () => {
    // GIVEN an ingress controller range, one load balancer address and an IPv6 range
    const { runtime } = configOf({ trustedProxyCidrs: ['10.244.0.0/16', '192.168.1.10', 'fd00::/8'] });
    // THEN the runtime trusts exactly those
    expect(runtime.server.trustedProxyCidrs).toEqual(['10.244.0.0/16', '192.168.1.10', 'fd00::/8']);
  });

  it('refuses an entry that is not an address or CIDR, naming the prop and the entry', () => {
    const message = (v: string) => `'trustedProxyCidrs' must hold IPv4 or IPv6 addresses or CIDR ranges such as 10.0.0.0/8 (received "${v}")`;
    for (const bad of ['10.0.0.0/33', 'fd00::/129', '10.0.0.256', 'ingress.example', '10.0.0.0/8/8', ' 10.0.0.1', '']) {
      expect(synthWith({ trustedProxyCidrs: ['10.0.0.0/8', bad] })).toThrow(message(bad));
    }
  });
});

describe('maxBufferedResponseMebibytes', () => {
  it('is a quarter of a lowered memory limit', () => {
    // GIVEN a 512 MiB pod / WHEN synthesized
    const { rendered, runtime } = configOf({ memoryRequestMebibytes: 256, memoryLimitMebibytes: 512 });
    // THEN 128 MiB may be buffered at once
    expect(rendered.limits).toEqual({ maxBufferedResponseBytes: 128 * MIB, maxBufferedRequestBytes: 128 * MIB });
    expect(runtime.limits.maxBufferedResponseBytes).toBe(128 * MIB);
    // AND request bodies held at once get the same quarter
    expect(runtime.limits.maxBufferedRequestBytes).toBe(128 * MIB);
  });

  it('keeps the request-body budget at one largest body (16 MiB) at least', () => {
    expect(configOf({ memoryRequestMebibytes: 32, memoryLimitMebibytes: 48 }).runtime.limits.maxBufferedRequestBytes).toBe(16 * MIB);
  });

  it('rounds a quarter down to whole MiB and keeps the runtime\'s 1 MiB minimum', () => {
    expect(configOf({ memoryRequestMebibytes: 100, memoryLimitMebibytes: 301 }).runtime.limits.maxBufferedResponseBytes).toBe(75 * MIB);
    expect(configOf({ memoryRequestMebibytes: 2, memoryLimitMebibytes: 3 }).runtime.limits.maxBufferedResponseBytes).toBe(1 * MIB);
  });

  it('stays at the runtime\'s 256 MiB when the memory limit is raised', () => {
    // GIVEN a 4 GiB pod / THEN nothing is rendered: the runtime's default holds
    expect(configOf({ memoryLimitMebibytes: 4096 }).rendered.limits).toBeUndefined();
  });

  it('takes the prop over the derived value, up to half the memory limit', () => {
    // GIVEN a 4 GiB pod that serves large JSON answers to slow readers
    const { runtime } = configOf({ memoryLimitMebibytes: 4096, maxBufferedResponseMebibytes: 2048 });
    // THEN 2 GiB may be buffered
    expect(runtime.limits.maxBufferedResponseBytes).toBe(2048 * MIB);
  });

  it('refuses a value that is not a positive integer or above half the memory limit', () => {
    expect(synthWith({ maxBufferedResponseMebibytes: 0 })).toThrow('\'maxBufferedResponseMebibytes\' must be an integer >= 1 (received 0)');
    expect(synthWith({ maxBufferedResponseMebibytes: 1.5 })).toThrow('\'maxBufferedResponseMebibytes\' must be an integer >= 1 (received 1.5)');
    expect(errorOf(synthWith({ maxBufferedResponseMebibytes: 513 })))
      .toBe('\'maxBufferedResponseMebibytes\' (513) must not exceed half of \'memoryLimitMebibytes\' (1024): the buffered answers, their parsed copies and the proxy itself share the container\'s memory');
  });
});

describe('clientWriteTimeout', () => {
  it('renders timeouts.clientWriteSeconds, decimals kept', () => {
    expect(configOf({ clientWriteTimeout: Duration.minutes(2) }).runtime.timeouts.clientWriteSeconds).toBe(120);
    expect(configOf({ clientWriteTimeout: Duration.millis(7500) }).rendered.timeouts.clientWriteSeconds).toBe(7.5);
  });

  it('refuses zero, naming the prop and the value', () => {
    expect(synthWith({ clientWriteTimeout: Duration.seconds(0) })).toThrow('\'clientWriteTimeout\' must be longer than 0s (received 0s)');
  });
});

describe('Upstream maxConnections', () => {
  it('renders upstreams[].maxConnections for the upstreams that set it', () => {
    // GIVEN a primary allowed 512 connections per pod and a rate-limited backup held to 16
    const { rendered, runtime } = configOf({
      upstreams: [
        Upstream.holySheep(HolySheepRegion.ASIA_PACIFIC, { maxConnections: 512 }),
        Upstream.custom({ name: 'backup', baseUrl: 'https://backup.example/v1', maxConnections: 16 }),
        Upstream.anthropic(),
      ],
    });
    // THEN each pool gets its cap, the last the runtime's default
    expect(rendered.upstreams.map((u: Record<string, unknown>) => u.maxConnections)).toEqual([512, 16, undefined]);
    expect(runtime.upstreams.map((u) => u.maxConnections)).toEqual([512, 16, 128]);
    expect(Upstream.openAi().maxConnections).toBe(128);
  });

  it('refuses a value outside 1-4096 or not an integer, naming the upstream and the value', () => {
    for (const bad of [0, 4097, 2.5]) {
      expect(() => Upstream.openAi({ maxConnections: bad }))
        .toThrow(`upstream 'openai' 'maxConnections' must be an integer between 1 and 4096 (received ${bad})`);
    }
  });

  it('is refused with legacyEnvVars, whose env upstreams cannot carry it', () => {
    expect(synthWith({ legacyEnvVars: true, upstreams: [Upstream.openAi({ maxConnections: 64 })] }))
      .toThrow('\'legacyEnvVars\' cannot carry upstream \'openai\' \'maxConnections\' (the env upstreams keep the runtime\'s 128): drop \'maxConnections\' or \'legacyEnvVars\' (received 64)');
  });
});

describe('legacyEnvVars', () => {
  it('refuses an Anthropic-format upstream (the env upstreams speak the OpenAI API)', () => {
    expect(synthWith({ legacyEnvVars: true, upstreams: [Upstream.openAi(), Upstream.anthropic()] }))
      .toThrow('\'legacyEnvVars\' cannot carry upstream \'anthropic\' \'format\' (the env upstreams speak the OpenAI API): drop the upstream or \'legacyEnvVars\' (received anthropic)');
  });
});
