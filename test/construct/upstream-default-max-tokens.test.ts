/**
 * `defaultMaxTokens` of an Anthropic-format upstream: the `max_tokens` a
 * translated chat request gets when it names none, rendered into
 * config.yaml and validated at synth.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { find, synthProxy } from './helpers';
import { HolySheepRegion, Upstream, UpstreamFormat } from '../../src';
import { CONFIG_FILE, parseProxyConfig } from '../../src/contract';

describe('Upstream defaultMaxTokens', () => {
  it('renders into config.yaml, which the runtime reads, and is left out (4096 at runtime) when unset', () => {
    // GIVEN an OpenAI-compatible primary, an Anthropic backup with 8192, a custom Anthropic gateway without
    const { manifests } = synthProxy({
      upstreams: [
        Upstream.holySheep(HolySheepRegion.ASIA_PACIFIC),
        Upstream.anthropic({ defaultMaxTokens: 8192 }),
        Upstream.custom({ name: 'claude-gw', baseUrl: 'https://claude.internal/v1', format: UpstreamFormat.ANTHROPIC }),
      ],
    });
    // WHEN the runtime parses the rendered config.yaml
    const file = parse(find(manifests, 'ConfigMap', 'holysheep-config').data[CONFIG_FILE.fileName]);
    const parsed = parseProxyConfig(file);
    // THEN only the backup carries it, and the runtime fills in the default elsewhere
    expect(file.upstreams.map((u: { defaultMaxTokens?: number }) => u.defaultMaxTokens)).toEqual([undefined, 8192, undefined]);
    expect(parsed.ok && parsed.config.upstreams.map((u) => u.defaultMaxTokens)).toEqual([4096, 8192, 4096]);
  });

  it('refuses a value that is not a positive integer, or on an openai upstream, naming the upstream and the value', () => {
    expect(() => Upstream.anthropic({ defaultMaxTokens: 0 })).toThrow('upstream \'anthropic\' \'defaultMaxTokens\' must be an integer >= 1 (received 0)');
    expect(() => Upstream.custom({ name: 'claude-gw', baseUrl: 'https://claude.internal/v1', format: UpstreamFormat.ANTHROPIC, defaultMaxTokens: 10.5 }))
      .toThrow('upstream \'claude-gw\' \'defaultMaxTokens\' must be an integer >= 1 (received 10.5)');
    expect(() => Upstream.custom({ name: 'gw', baseUrl: 'https://gw.example/v1', defaultMaxTokens: 1000 }))
      .toThrow('upstream \'gw\' \'defaultMaxTokens\' applies to format UpstreamFormat.ANTHROPIC only (received format openai and 1000)');
  });
});
