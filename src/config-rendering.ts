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

/** Which env variable holds each upstream's key; the default ref gets the seed's name. @internal */
export function assignApiKeyEnvs(upstreams: readonly Upstream[], defaultRef: SecretKeyRef): { envs: ApiKeyEnv[]; byUpstream: Map<string, string> } {
  const envs: ApiKeyEnv[] = [];
  const byUpstream = new Map<string, string>();
  const envFor = (ref: SecretKeyRef, upstreamName: string): string => {
    const existing = envs.find((e) => e.ref._sameKeyAs(ref));
    if (existing) {
      return existing.envName;
    }
    let envName = ref._sameKeyAs(defaultRef) ? ENV.apiKey : `${upstreamName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;
    if (/^[0-9]/.test(envName)) {
      envName = `UPSTREAM_${envName}`;
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
