import type { UpstreamBody } from './api-format';
import type { ProxyRoute } from '../intake/routes';
import type { UpstreamRuntime } from '../upstreams/upstream-runtime';

/** Upstream body for one attempt in the OpenAI format: model rewrite and, for streams, `include_usage`. */
export function openAIUpstreamBody(
  route: ProxyRoute,
  upstream: UpstreamRuntime,
  parsed: Readonly<Record<string, unknown>> | undefined,
  stream: boolean,
): UpstreamBody {
  if (!parsed) return { stripUsage: false };
  const copy: Record<string, unknown> = { ...parsed };
  // own properties only: a client model named `constructor` or `__proto__` must not hit Object.prototype
  if (typeof copy.model === 'string' && Object.hasOwn(upstream.config.modelRewrites, copy.model)) {
    copy.model = upstream.config.modelRewrites[copy.model];
  }
  let stripUsage = false;
  if (stream && route.streamable && upstream.config.includeUsage) {
    const options = copy.stream_options && typeof copy.stream_options === 'object' ? (copy.stream_options as Record<string, unknown>) : {};
    if (options.include_usage !== true) {
      copy.stream_options = { ...options, include_usage: true };
      stripUsage = true;
    }
  }
  return { body: Buffer.from(JSON.stringify(copy)), stripUsage };
}
