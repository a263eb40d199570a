import type { Intake, PinnedResponse } from '../exchange';
import type { UpstreamFormat } from '../formats/types';
import { nativeFormatOf } from '../formats/upstream-plan';
import { routeIdOf, upstreamSubPath } from '../intake/routes';
import type { UpstreamRuntime } from '../upstreams/upstream-runtime';

/** The upstreams one request may try, or why none may (answered before any attempt). */
export type Eligibility =
  | { readonly kind: 'eligible'; readonly order: readonly UpstreamRuntime[]; readonly pinned?: PinnedResponse }
  | { readonly kind: 'refused'; readonly status: number; readonly code: string; readonly message: string; readonly param?: string; readonly upstream?: string };

/**
 * Narrows the upstreams that serve the model (`order`, by priority) to those
 * that can serve this request, before any attempt:
 * - the upstream's format must serve the route's API (natively or by a
 *   translator): an anthropic upstream never gets a Responses request;
 * - a translation that refuses a field (e.g. `n > 1` to Anthropic) leaves
 *   that format out; when no upstream is left, the refusal is the answer
 *   (400 naming the field);
 * - a Responses request naming a response (`previous_response_id`, or the id
 *   in `/v1/responses/{id}`) that this pod knows goes to the upstream that
 *   created it, and only there: when that upstream is gone from the config
 *   or does not serve the model, 503 `previous_response_unavailable` (never
 *   sent to a provider that never saw the id). An unknown id goes by priority
 *   (an upstream that does not know it answers 404 and the next is tried).
 */
export function eligibleUpstreams(
  x: Intake,
  order: readonly UpstreamRuntime[],
  parsed: Readonly<Record<string, unknown>> | undefined,
  stream: boolean,
): Eligibility | Promise<Eligibility> {
  const { route } = x;
  const format = route.format;
  const serving = order.filter((u) => format.serves(u.config.format));
  if (serving.length === 0) {
    const formats = [...new Set(order.map((u) => u.config.format))].join(', ');
    return { kind: 'refused', status: 404, code: 'api_not_served', message: `no upstream serves ${route.route} for this model (the upstreams that serve it speak ${formats}, which cannot serve ${format.api})` };
  }
  // a translator's refusal does not depend on the upstream, only on its format: checked once per format
  const refusals = new Map<UpstreamFormat, { field: string; message: string }>();
  for (const upstream of serving) {
    const upstreamFormat = upstream.config.format;
    if (upstreamFormat === nativeFormatOf(format.api) || refusals.has(upstreamFormat)) continue;
    const plan = format.plan(route, upstreamSubPath(route, x.req.url), upstream, parsed, stream);
    if (plan.kind === 'refused') refusals.set(upstreamFormat, { field: plan.field, message: plan.message });
  }
  const servable = serving.filter((u) => !refusals.has(u.config.format));
  if (servable.length === 0) {
    const [refusal] = [...refusals.values()];
    return { kind: 'refused', status: 400, code: 'unsupported_parameter', message: refusal.message, param: refusal.field };
  }
  if (format.api !== 'responses') return { kind: 'eligible', order: servable };
  const fromPath = routeIdOf(route, x.req.url);
  const previous = typeof parsed?.previous_response_id === 'string' ? parsed.previous_response_id : undefined;
  const responseId = fromPath ?? previous;
  if (responseId === undefined) return { kind: 'eligible', order: servable };
  // only a request that names a response waits (the affinity may live in Redis); every other one
  // gets its answer without a promise (issue 12: an await per request costs a microtask turn)
  return x.services.affinity.lookup(responseId).then((creator) => pinnedTo(creator, responseId, fromPath, servable));
}

/** A request naming `responseId`: pinned to its creator when this pod knows it, else by priority. */
function pinnedTo(creator: string | undefined, responseId: string, fromPath: string | undefined, servable: readonly UpstreamRuntime[]): Eligibility {
  if (creator === undefined) return { kind: 'eligible', order: servable };
  const param = fromPath === undefined ? 'previous_response_id' : undefined;
  const pinned: PinnedResponse = { responseId, upstream: creator, param };
  const holder = servable.find((u) => u.name === creator);
  if (!holder) {
    return {
      kind: 'refused',
      status: 503,
      code: param ? 'previous_response_unavailable' : 'response_unavailable',
      message: `the response ${responseId} was created by upstream ${creator}, which does not serve this request now (removed from the config, or not serving the model); it is not sent to an upstream that never saw it`,
      param,
    };
  }
  return { kind: 'eligible', order: [holder], pinned };
}
