import type { UpstreamConfig } from '../../../src/contract';
import { nestsDeeperThan } from '../intake/json-depth';

/** Deepest model list re-serialized (a real one nests 3 or 4 levels). */
const MAX_LIST_DEPTH = 256;

/**
 * Filters a `GET /v1/models` list body to the models some upstream serves:
 * the union of the upstreams' `models` and their `modelRewrites` client names
 * (an entry listed under a rewrite target is shown under the client's name).
 * Unchanged when any upstream serves every model (empty `models`) or the body
 * is not an OpenAI list.
 */
export function filterModelList(body: Buffer, upstreams: readonly UpstreamConfig[]): Buffer {
  if (upstreams.length === 0 || upstreams.some((u) => u.models.length === 0)) return body;
  const allowed = new Set<string>();
  const clientNameOf = new Map<string, string>();
  for (const u of upstreams) {
    for (const m of u.models) allowed.add(m);
    for (const [client, target] of Object.entries(u.modelRewrites)) {
      allowed.add(client);
      clientNameOf.set(target, client);
    }
  }
  let parsed: { data?: unknown };
  try {
    parsed = JSON.parse(body.toString('utf8')) as { data?: unknown };
  } catch {
    return body;
  }
  if (parsed === null || typeof parsed !== 'object' || !Array.isArray(parsed.data)) return body;
  // a list nested deep enough to overflow the stack when re-serialized is passed on as it came
  if (nestsDeeperThan(parsed, MAX_LIST_DEPTH)) return body;
  const seen = new Set<string>();
  const data: unknown[] = [];
  for (const entry of parsed.data as unknown[]) {
    const id = (entry as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') continue;
    const shown = allowed.has(id) ? id : clientNameOf.get(id);
    if (shown === undefined || seen.has(shown)) continue;
    seen.add(shown);
    data.push(shown === id ? entry : { ...(entry as object), id: shown });
  }
  return Buffer.from(JSON.stringify({ ...parsed, data }));
}
