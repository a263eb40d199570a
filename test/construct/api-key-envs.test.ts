/**
 * Which env variable carries each upstream's API key: never one variable for
 * two different Secret keys, and with `legacyEnvVars` always the variable the
 * runtime's env upstreams read (ENV.apiKey).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { find, Manifest, synthProxy } from './helpers';
import { FailoverProxyProps, HolySheepRegion, SecretKeyRef, Upstream } from '../../src';
import { CONFIG_FILE, ENV } from '../../src/contract';

/** `envName → secretName/key` of the proxy container's Secret-sourced env. */
function secretEnv(manifests: Manifest[]): Record<string, string> {
  const env = find(manifests, 'Deployment').spec.template.spec.containers[0].env as any[];
  return Object.fromEntries(env.filter((e) => e.valueFrom?.secretKeyRef)
    .map((e) => [e.name, `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`]));
}

/** `upstream name → apiKeyEnv` of the rendered config.yaml. */
function keyEnvByUpstream(manifests: Manifest[]): Record<string, string> {
  const config = parse(find(manifests, 'ConfigMap', 'holysheep-config').data[CONFIG_FILE.fileName]);
  return Object.fromEntries(config.upstreams.map((u: any) => [u.name, u.apiKeyEnv]));
}

/** Every upstream's key as the pod sees it: `upstream → secretName/key`. */
function keyOfUpstream(props: FailoverProxyProps): Record<string, string> {
  const { manifests } = synthProxy(props);
  const env = secretEnv(manifests);
  return Object.fromEntries(Object.entries(keyEnvByUpstream(manifests)).map(([name, envName]) => [name, env[envName]]));
}

describe('API key env variables', () => {
  it('gives upstreams whose names map to the same variable distinct variables', () => {
    // GIVEN two upstreams "a-b" and "a_b" with different Secret keys
    const props = {
      upstreams: [
        Upstream.custom({ name: 'a-b', baseUrl: 'https://a.example.com/v1', apiKey: SecretKeyRef.fromSecret('a', 'key') }),
        Upstream.custom({ name: 'a_b', baseUrl: 'https://b.example.com/v1', apiKey: SecretKeyRef.fromSecret('b', 'key') }),
      ],
    };
    // WHEN
    const keys = keyOfUpstream(props);
    // THEN each upstream reads its own key
    expect(keys).toEqual({ 'a-b': 'a/key', 'a_b': 'b/key' });
  });

  it('never lets a custom upstream named holysheep take the default key variable', () => {
    // GIVEN an upstream named "holysheep" with its own key next to one using the default key
    const props = {
      upstreams: [
        Upstream.holySheep(HolySheepRegion.US),
        Upstream.custom({ name: 'holysheep', baseUrl: 'https://h.example.com/v1', apiKey: SecretKeyRef.fromSecret('own', 'token') }),
      ],
    };
    // WHEN
    const { manifests } = synthProxy(props);
    // THEN the default key keeps HOLYSHEEP_API_KEY and the custom upstream gets another variable
    const env = secretEnv(manifests);
    expect(env[ENV.apiKey]).toBe('holysheep-credentials/api-key');
    expect(keyOfUpstream(props)).toEqual({ 'holysheep-us': 'holysheep-credentials/api-key', 'holysheep': 'own/token' });
    expect(Object.keys(env)).toHaveLength(2);
  });

  it('still shares one variable between upstreams that use the same Secret key', () => {
    // GIVEN two upstreams with the same non-default key
    const shared = SecretKeyRef.fromSecret('shared', 'key');
    const props = {
      upstreams: [Upstream.openAi({ apiKey: shared }), Upstream.groq({ apiKey: SecretKeyRef.fromSecret('shared', 'key') })],
    };
    // WHEN
    const { manifests } = synthProxy(props);
    // THEN
    expect(secretEnv(manifests)).toEqual({ OPENAI_API_KEY: 'shared/key' });
    expect(keyEnvByUpstream(manifests)).toEqual({ openai: 'OPENAI_API_KEY', groq: 'OPENAI_API_KEY' });
  });
});

describe('legacyEnvVars', () => {
  it('emits a shared non-default key as HOLYSHEEP_API_KEY, the variable the env upstreams read', () => {
    // GIVEN every upstream uses the same non-default key
    const key = SecretKeyRef.fromSecret('openai-credentials', 'token');
    // WHEN
    const { manifests } = synthProxy({
      legacyEnvVars: true,
      upstreams: [Upstream.openAi({ apiKey: key }), Upstream.custom({ name: 'backup', baseUrl: 'https://b.example.com/v1', apiKey: key })],
    });
    // THEN
    expect(secretEnv(manifests)).toEqual({ [ENV.apiKey]: 'openai-credentials/token' });
    expect(keyEnvByUpstream(manifests)).toEqual({ openai: ENV.apiKey, backup: ENV.apiKey });
  });

  it('fails on an upstream with models', () => {
    expect(() => synthProxy({ legacyEnvVars: true, upstreams: [Upstream.openAi({ models: ['gpt-4.1'] })] }))
      .toThrow('\'legacyEnvVars\' cannot carry upstream \'openai\' \'models\' (the env upstreams serve every model): drop \'models\' or \'legacyEnvVars\' (received ["gpt-4.1"])');
  });

  it('fails on an upstream with modelRewrites', () => {
    expect(() => synthProxy({ legacyEnvVars: true, upstreams: [Upstream.openRouter({ modelRewrites: { 'gpt-4.1': 'openai/gpt-4.1' } })] }))
      .toThrow('\'legacyEnvVars\' cannot carry upstream \'openrouter\' \'modelRewrites\' (the env upstreams rewrite nothing): drop \'modelRewrites\' or \'legacyEnvVars\' (received {"gpt-4.1":"openai/gpt-4.1"})');
  });

  it('fails on an upstream with a weight other than 1', () => {
    expect(() => synthProxy({ legacyEnvVars: true, upstreams: [Upstream.openAi({ weight: 3 })] }))
      .toThrow('\'legacyEnvVars\' cannot carry upstream \'openai\' \'weight\' (the env upstreams weigh 1): drop \'weight\' or \'legacyEnvVars\' (received 3)');
  });

  it('fails on two upstreams with the same priority', () => {
    expect(() => synthProxy({ legacyEnvVars: true, upstreams: [Upstream.openAi({ priority: 1 }), Upstream.groq({ priority: 1 })] }))
      .toThrow('\'legacyEnvVars\' orders upstreams strictly (no round robin): upstreams \'openai\' and \'groq\' share \'priority\' 1 (received 1 twice)');
  });

  it('fails on an upstream with a different key than the first', () => {
    expect(() => synthProxy({
      legacyEnvVars: true,
      upstreams: [Upstream.openAi({ apiKey: SecretKeyRef.fromSecret('o', 'k') }), Upstream.groq()],
    })).toThrow('upstream \'groq\' \'apiKey\' is holysheep-credentials/api-key, upstream \'openai\' uses o/k (received holysheep-credentials/api-key)');
  });
});

describe('Upstream modelRewrites', () => {
  it('renders modelRewrites into config.yaml', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({ upstreams: [Upstream.openRouter({ modelRewrites: { 'gpt-4.1': 'openai/gpt-4.1' } }), Upstream.openAi()] });
    // THEN
    const config = parse(find(manifests, 'ConfigMap', 'holysheep-config').data[CONFIG_FILE.fileName]);
    expect(config.upstreams[0].modelRewrites).toEqual({ 'gpt-4.1': 'openai/gpt-4.1' });
    expect(config.upstreams[1].modelRewrites).toBeUndefined();
  });

  it('fails on an empty rewrite target', () => {
    expect(() => Upstream.openRouter({ modelRewrites: { 'gpt-4.1': '' } }))
      .toThrow('upstream \'openrouter\' \'modelRewrites\' must map non-empty model names (received "gpt-4.1": "")');
  });
});
