/**
 * Internal: the Secrets a FailoverProxy creates, only from explicit
 * `SecretKeyRef.fromLiteral` values (a `fromSecret` ref names a Secret that
 * already exists and is never written).
 */
import { SecretKeyRef } from '../secret-key-ref';

/**
 * The Secrets to create from literal refs: `secretName → key → value`. Throws
 * when two literals give one key different values (the last would win
 * silently) or when a literal Secret has the name of an existing Secret that
 * a `fromSecret` ref reads (the construct would overwrite it). @internal
 */
export function literalSecrets(refs: ReadonlyArray<SecretKeyRef | undefined>): Map<string, Record<string, string>> {
  const bySecret = new Map<string, Record<string, string>>();
  for (const ref of refs) {
    if (ref?._literal === undefined) {
      continue;
    }
    const data = bySecret.get(ref.secretName) ?? {};
    const previous = data[ref.key];
    if (previous !== undefined && previous !== ref._literal) {
      throw new Error(`two SecretKeyRef.fromLiteral values for the same key '${ref.secretName}/${ref.key}' differ (received 2 values for one key); use one ref or distinct keys`);
    }
    data[ref.key] = ref._literal;
    bySecret.set(ref.secretName, data);
  }
  for (const ref of refs) {
    if (ref !== undefined && ref._literal === undefined && bySecret.has(ref.secretName)) {
      throw new Error(`SecretKeyRef.fromSecret('${ref.secretName}', '${ref.key}') names an existing Secret that a SecretKeyRef.fromLiteral would create and overwrite (received Secret name "${ref.secretName}" for both); use another secretName for the literal`);
    }
  }
  return bySecret;
}
