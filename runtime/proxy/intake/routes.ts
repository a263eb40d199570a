import { PATHS } from '../../../src/contract';
import type { ApiFormat } from '../formats/api-format';
import {
  CHAT_FORMAT, COMPLETIONS_FORMAT, COUNT_TOKENS_FORMAT, EMBEDDINGS_FORMAT, MESSAGES_FORMAT, MODELS_FORMAT, RESPONSES_FORMAT,
} from '../formats/client-formats';

/** A proxied route: method, the path under the upstream's base URL, and what its body may do. */
export interface ProxyRoute {
  /** Route template for events (never a raw URL), e.g. `/v1/responses/{id}`. */
  readonly route: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path appended to the upstream base URL (which includes `/v1`); `{id}` is the id taken from the request path. */
  readonly subPath: string;
  /** Body carries `model` and may ask for `stream: true`. */
  readonly hasBody: boolean;
  /** The route may answer with a stream (`stream: true`). */
  readonly streamable: boolean;
  /**
   * The API format of the route: how its body is read, what goes upstream,
   * how errors are written (runtime/proxy/formats/).
   */
  readonly format: ApiFormat;
  /** Routes on one resource: the request path, with the id captured (`[A-Za-z0-9_-]`, at most 200). */
  readonly pattern?: RegExp;
  /** An upstream answering 404 or 405 does not serve this route: the next one is tried, the breaker not told. */
  readonly notServedOn404?: boolean;
  /**
   * Query parameters passed on to the upstream (by name, re-encoded); every
   * other parameter, and the query of every route without this list, is dropped.
   */
  readonly forwardedQuery?: readonly string[];
}

/** A response id in a path: what an id route accepts (so the upstream URL cannot be steered by the request). */
const RESPONSE_ID = '([A-Za-z0-9_-]{1,200})';

/** The routes the engine proxies: the one table the server and the engine route by. */
export const ROUTES: readonly ProxyRoute[] = [
  { route: PATHS.chatCompletions, method: 'POST', subPath: 'chat/completions', hasBody: true, streamable: true, format: CHAT_FORMAT },
  { route: PATHS.completions, method: 'POST', subPath: 'completions', hasBody: true, streamable: true, format: COMPLETIONS_FORMAT },
  { route: PATHS.embeddings, method: 'POST', subPath: 'embeddings', hasBody: true, streamable: false, format: EMBEDDINGS_FORMAT },
  { route: PATHS.models, method: 'GET', subPath: 'models', hasBody: false, streamable: false, format: MODELS_FORMAT },
  { route: PATHS.responses, method: 'POST', subPath: 'responses', hasBody: true, streamable: true, format: RESPONSES_FORMAT, notServedOn404: true },
  {
    route: `${PATHS.responses}/{id}`,
    method: 'GET',
    subPath: 'responses/{id}',
    hasBody: false,
    streamable: false,
    format: RESPONSES_FORMAT,
    pattern: new RegExp(`^${PATHS.responses}/${RESPONSE_ID}$`),
    notServedOn404: true,
    // OpenAI's retrieve parameters that shape the JSON answer (`stream=true` is not passed: this route is buffered)
    forwardedQuery: ['include', 'include[]', 'include_obfuscation', 'starting_after'],
  },
  {
    route: `${PATHS.responses}/{id}`,
    method: 'DELETE',
    subPath: 'responses/{id}',
    hasBody: false,
    streamable: false,
    format: RESPONSES_FORMAT,
    pattern: new RegExp(`^${PATHS.responses}/${RESPONSE_ID}$`),
    notServedOn404: true,
  },
  {
    route: `${PATHS.responses}/{id}/cancel`,
    method: 'POST',
    subPath: 'responses/{id}/cancel',
    hasBody: false,
    streamable: false,
    format: RESPONSES_FORMAT,
    pattern: new RegExp(`^${PATHS.responses}/${RESPONSE_ID}/cancel$`),
    notServedOn404: true,
  },
  { route: PATHS.messages, method: 'POST', subPath: 'messages', hasBody: true, streamable: true, format: MESSAGES_FORMAT },
  { route: PATHS.countTokens, method: 'POST', subPath: 'messages/count_tokens', hasBody: true, streamable: false, format: COUNT_TOKENS_FORMAT },
];

/** True when `route` serves `path` (a template match, or the id pattern). */
function servesPath(route: ProxyRoute, path: string): boolean {
  return route.pattern ? route.pattern.test(path) : route.route === path;
}

/** Every route on a path (one per method), from the fixed table. */
export function routesFor(path: string): ProxyRoute[] {
  return ROUTES.filter((r) => servesPath(r, path));
}

/**
 * The route for a request URL and method, from a fixed table (so the
 * upstream URL can never be influenced by the request beyond a checked id);
 * the query string is dropped. Without `method`, the path's first route.
 */
export function matchRoute(url: string | undefined, method?: string): ProxyRoute | undefined {
  const routes = routesFor(routePath(url));
  return method === undefined ? routes[0] : routes.find((r) => r.method === method);
}

/** The id an id route names in the request URL (`/v1/responses/{id}`), if any. */
export function routeIdOf(route: ProxyRoute, url: string | undefined): string | undefined {
  return route.pattern?.exec(routePath(url))?.[1];
}

/**
 * The upstream sub-path of a route for one request: `{id}` filled in, and
 * the route's {@link ProxyRoute.forwardedQuery} parameters of the request,
 * re-encoded (nothing else of the request's query reaches the upstream).
 */
export function upstreamSubPath(route: ProxyRoute, url: string | undefined): string {
  const id = routeIdOf(route, url);
  const path = id === undefined ? route.subPath : route.subPath.replace('{id}', id);
  const at = url?.indexOf('?') ?? -1;
  if (route.forwardedQuery === undefined || url === undefined || at < 0) return path;
  const allowed = new Set(route.forwardedQuery);
  const kept = new URLSearchParams();
  for (const [name, value] of new URLSearchParams(url.slice(at + 1))) {
    if (allowed.has(name)) kept.append(name, value);
  }
  const query = kept.toString();
  return query === '' ? path : `${path}?${query}`;
}

/** The path of a request URL as routes are matched: no query string, no trailing slash (`/` stays `/`). */
export function routePath(url: string | undefined): string {
  return (url ?? '/').split('?')[0].replace(/(.)\/+$/, '$1') || '/';
}
