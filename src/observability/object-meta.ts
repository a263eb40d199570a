/**
 * Internal: ApiObject metadata without undefined keys (an explicit
 * `name: undefined` would stop cdk8s from generating a name).
 */
import { ApiObjectMetadata } from 'cdk8s';

/** Metadata holding only the keys that are set. @internal */
export function objectMeta(meta: {
  name?: string;
  namespace?: string;
  labels?: { [key: string]: string };
  annotations?: { [key: string]: string };
}): ApiObjectMetadata {
  const out: { [key: string]: unknown } = {};
  for (const [k, v] of Object.entries(meta)) {
    if (v !== undefined) out[k] = v;
  }
  return out as ApiObjectMetadata;
}
