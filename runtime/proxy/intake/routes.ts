import { PATHS } from '../../../src/contract';
import type { ApiFormat } from '../formats/api-format';
import { OPENAI_FORMAT } from '../formats/openai-format';

/** A proxied route: method, the path under the upstream's base URL, and what its body may do. */
export interface ProxyRoute {
  /** Route template for events (never a raw URL). */
  readonly route: string;
  readonly method: 'GET' | 'POST';
  /** Path appended to the upstream base URL (which includes `/v1`). */
  readonly subPath: string;
  /** Body carries `model` and may ask for `stream: true`. */
  readonly hasBody: boolean;
  /** `stream_options.include_usage` is understood. */
  readonly streamable: boolean;
  /**
   * The API format of the route: how its body is read, what goes upstream,
   * where usage is and how errors are written (runtime/proxy/formats/).
   */
  readonly format: ApiFormat;
}

/** The routes the engine proxies: the one table the server and the engine route by. */
export const ROUTES: readonly ProxyRoute[] = [
  { route: PATHS.chatCompletions, method: 'POST', subPath: 'chat/completions', hasBody: true, streamable: true, format: OPENAI_FORMAT },
  { route: PATHS.completions, method: 'POST', subPath: 'completions', hasBody: true, streamable: true, format: OPENAI_FORMAT },
  { route: PATHS.embeddings, method: 'POST', subPath: 'embeddings', hasBody: true, streamable: false, format: OPENAI_FORMAT },
  { route: PATHS.models, method: 'GET', subPath: 'models', hasBody: false, streamable: false, format: OPENAI_FORMAT },
];

/**
 * The route for a request URL, from a fixed table (so the upstream URL can
 * never be influenced by the request); the query string is dropped.
 */
export function matchRoute(url: string | undefined): ProxyRoute | undefined {
  const path = routePath(url);
  return ROUTES.find((r) => r.route === path);
}

/** The path of a request URL as routes are matched: no query string, no trailing slash (`/` stays `/`). */
export function routePath(url: string | undefined): string {
  return (url ?? '/').split('?')[0].replace(/(.)\/+$/, '$1') || '/';
}
