/**
 * Internal: renders the proxy's `config.yaml` from resolved construct props
 * and validates it with the runtime's own zod schema (src/contract).
 */
import { stringify } from 'yaml';
import { ENV, parseProxyConfig } from './contract';
import { SecretKeyRef } from './secret-key-ref';
import { Upstream } from './upstream';

/** One env variable that carries an upstream API key from a Secret. @internal */
export interface ApiKeyEnv {
  readonly envName: string;
  readonly ref: SecretKeyRef;
}

/**
 * Which env variable holds each upstream's key. The default ref gets the seed's
 * name (`HOLYSHEEP_API_KEY`, reserved for it); every other distinct Secret key
 * gets `<UPSTREAM_NAME>_API_KEY` from the first upstream using it. Two
 * upstreams whose names map to the same variable (`a-b` and `a_b`, or a custom
 * upstream named `holysheep`) never share it: the later one gets a numbered
 * name (`A_B_2_API_KEY`), so a key can never reach the wrong provider. @internal
 */
export function assignApiKeyEnvs(upstreams: readonly Upstream[], defaultRef: SecretKeyRef): { envs: ApiKeyEnv[]; byUpstream: Map<string, string> } {
  const envs: ApiKeyEnv[] = [];
  const byUpstream = new Map<string, string>();
  const taken = (envName: string): boolean => envName === ENV.apiKey || envs.some((e) => e.envName === envName);
  const envFor = (ref: SecretKeyRef, upstreamName: string): string => {
    const existing = envs.find((e) => e.ref._sameKeyAs(ref));
    if (existing) {
      return existing.envName;
    }
    let envName: string = ENV.apiKey;
    if (!ref._sameKeyAs(defaultRef)) {
      let stem = upstreamName.toUpperCase().replace(/[^A-Z0-9]/g, '_');
      if (/^[0-9]/.test(stem)) {
        stem = `UPSTREAM_${stem}`;
      }
      envName = `${stem}_API_KEY`;
      for (let n = 2; taken(envName); n++) {
        envName = `${stem}_${n}_API_KEY`;
      }
    }
    envs.push({ envName, ref });
    return envName;
  };
  for (const upstream of upstreams) {
    byUpstream.set(upstream.name, envFor(upstream.apiKey ?? defaultRef, upstream.name));
  }
  // the default key first, as in the seed
  envs.sort((a, b) => Number(b.envName === ENV.apiKey) - Number(a.envName === ENV.apiKey));
  return { envs, byUpstream };
}

/** The rendered, validated config file. @internal */
export interface RenderedConfig {
  /** The object written to config.yaml (before schema defaults). */
  readonly input: Record<string, unknown>;
  /** config.yaml text. */
  readonly yaml: string;
}

/**
 * Validates `input` with the runtime's schema and renders it as YAML.
 * Throws with the runtime's field paths when the runtime would refuse it. @internal
 */
export function renderConfig(input: Record<string, unknown>): RenderedConfig {
  const result = parseProxyConfig(input);
  if (!result.ok) {
    throw new Error(`the proxy would refuse the rendered config.yaml: ${result.errors.join('; ')}`);
  }
  const yaml = `# Rendered by cdk8s-ai-failover. Edits to this ConfigMap are hot-reloaded by the proxy.\n${stringify(input, { lineWidth: 0 })}`;
  return { input, yaml };
}
