/**
 * Upstreams of the Anthropic format: the `Upstream.anthropic()` preset and
 * `Upstream.custom({ format })`, rendered into config.yaml, validated at
 * synth, and reached through the NetworkPolicy like any other upstream.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { find, Manifest, synthProxy } from './helpers';
import { HolySheepRegion, Upstream, UpstreamFormat } from '../../src';
import { CONFIG_FILE, parseProxyConfig } from '../../src/contract';

/** The rendered config.yaml's upstreams. */
function renderedUpstreams(manifests: Manifest[]): any[] {
  return parse(find(manifests, 'ConfigMap', 'holysheep-config').data[CONFIG_FILE.fileName]).upstreams;
}

describe('Upstream formats', () => {
  it('renders Upstream.anthropic() as an anthropic-format upstream at api.anthropic.com that the runtime accepts', () => {
    // GIVEN an OpenAI-compatible primary and the official Anthropic API as backup, model names mapped
    const { manifests } = synthProxy({
      upstreams: [
        Upstream.holySheep(HolySheepRegion.ASIA_PACIFIC),
        Upstream.anthropic({ modelRewrites: { 'gpt-4.1': 'claude-sonnet-4-5' }, anthropicVersion: '2023-06-01' }),
      ],
    });
    // THEN config.yaml names its format and version, and leaves the primary's default out
    const [primary, backup] = renderedUpstreams(manifests);
    expect(primary.format).toBeUndefined();
    expect(backup).toMatchObject({ name: 'anthropic', baseUrl: 'https://api.anthropic.com/v1', format: 'anthropic', anthropicVersion: '2023-06-01', modelRewrites: { 'gpt-4.1': 'claude-sonnet-4-5' } });
    // AND the runtime's schema reads it as an anthropic upstream
    const config = parseProxyConfig(parse(find(manifests, 'ConfigMap', 'holysheep-config').data[CONFIG_FILE.fileName]));
    expect(config.ok && config.config.upstreams[1].format).toBe('anthropic');
    // AND the NetworkPolicy lets the proxy reach it on 443
    expect(find(manifests, 'NetworkPolicy').spec.egress[1].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
  });

  it('renders a format on Upstream.custom, with OPENAI the default', () => {
    // GIVEN an in-house Anthropic-compatible gateway and an OpenAI-compatible one
    const claude = Upstream.custom({ name: 'claude-gw', baseUrl: 'https://claude.internal:8443/v1', format: UpstreamFormat.ANTHROPIC });
    const openai = Upstream.custom({ name: 'openai-gw', baseUrl: 'https://openai.internal/v1' });
    // WHEN synthesized
    const { manifests } = synthProxy({ upstreams: [openai, claude] });
    // THEN
    expect(openai.format).toBe(UpstreamFormat.OPENAI);
    expect(renderedUpstreams(manifests).map((u) => u.format)).toEqual([undefined, 'anthropic']);
    expect(find(manifests, 'NetworkPolicy').spec.egress[1].ports).toEqual([{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 8443 }]);
  });

  it('refuses an anthropicVersion that is not a date, or on an openai upstream, naming the upstream and the value', () => {
    expect(() => Upstream.anthropic({ anthropicVersion: 'latest' }))
      .toThrow('upstream \'anthropic\' \'anthropicVersion\' must be a date such as 2023-06-01 (received "latest")');
    expect(() => Upstream.custom({ name: 'gw', baseUrl: 'https://gw.example/v1', anthropicVersion: '2023-06-01' }))
      .toThrow('upstream \'gw\' \'anthropicVersion\' applies to format UpstreamFormat.ANTHROPIC only (received format openai and "2023-06-01")');
  });
});
