/**
 * Internal: which env variable carries each upstream's API key. Keys are read
 * from Secrets into env variables of the proxy container; config.yaml names
 * the variable of each upstream (`apiKeyEnv`) and never holds a key.
 */
import { ENV } from '../../contract';
import { SecretKeyRef } from '../../secret-key-ref/secret-key-ref';
import { Upstream } from '../../upstream/upstream';

/** One env variable that carries an upstream API key from a Secret. @internal */
export interface ApiKeyEnv {
  readonly envName: string;
  readonly ref: SecretKeyRef;
}

/**
 * Which env variable holds each upstream's key. The default ref gets the playbook's
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
  // the default key first, as in the playbook
  envs.sort((a, b) => Number(b.envName === ENV.apiKey) - Number(a.envName === ENV.apiKey));
  return { envs, byUpstream };
}
