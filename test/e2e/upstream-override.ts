/**
 * The test-time "DNS override" of the e2e tests: in the MATERIALIZED copy of
 * config.yaml (never in the manifests), the upstreams' base URLs are replaced
 * by mock upstream URLs in the same priority order. Everything else in the
 * file is left exactly as the construct rendered it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument } from 'yaml';

/** An upstream of config.yaml as rendered: name, original URL and priority. */
export interface RenderedUpstream {
  readonly name: string;
  readonly baseUrl: string;
  readonly priority: number;
}

/** The upstreams of a config.yaml file, in priority order (stable for equal priorities). */
export function upstreamsInPriorityOrder(configFile: string): RenderedUpstream[] {
  const config = parseDocument(readFileSync(configFile, 'utf8')).toJSON() as { upstreams?: Array<{ name: string; baseUrl: string; priority?: number }> };
  const upstreams = (config.upstreams ?? []).map((u) => ({ name: u.name, baseUrl: u.baseUrl, priority: u.priority ?? 1 }));
  return upstreams.map((u, index) => ({ u, index })).sort((a, b) => a.u.priority - b.u.priority || a.index - b.index).map(({ u }) => u);
}

/**
 * Points the upstreams of `configFile` at `urls` (first URL → highest
 * priority upstream, ...), editing only their `baseUrl` values. Returns the
 * upstreams as rendered (before the override), in priority order.
 */
export function overrideUpstreamUrls(configFile: string, urls: readonly string[]): RenderedUpstream[] {
  const doc = parseDocument(readFileSync(configFile, 'utf8'));
  const rendered = upstreamsInPriorityOrder(configFile);
  if (rendered.length !== urls.length) {
    throw new Error(`config.yaml has ${rendered.length} upstreams but ${urls.length} mock URLs were given`);
  }
  const seq = doc.get('upstreams');
  if (!isSeq(seq)) {
    throw new Error(`config.yaml has no upstreams list (received ${JSON.stringify(doc.toJSON())?.slice(0, 80)})`);
  }
  rendered.forEach((upstream, rank) => {
    const node = seq.items.find((item) => isMap(item) && item.get('name') === upstream.name);
    if (!isMap(node)) {
      throw new Error(`upstream "${upstream.name}" not found in config.yaml`);
    }
    node.set('baseUrl', urls[rank]);
  });
  writeFileSync(configFile, doc.toString());
  return rendered;
}
