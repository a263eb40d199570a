/**
 * The proxy environment every benchmark and the demo start from: the seed's
 * env interface (HOLYSHEEP_*), rate limit off (one client address sends all
 * the load), no shutdown delay so runs end quickly.
 */
import { ENV } from '../../src/contract';

/** Key the mock upstreams receive (they accept any). */
export const BENCH_UPSTREAM_KEY = 'bench-upstream-key-0001';

/** Env for a proxy in front of `urls` (first = primary), plus `extra`. */
export function proxyEnv(urls: readonly string[], extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  if (urls.length === 0) throw new Error('proxyEnv needs at least one upstream URL (received [])');
  return {
    [ENV.apiKey]: BENCH_UPSTREAM_KEY,
    [ENV.primaryRegion]: urls[0],
    [ENV.backupRegions]: urls.slice(1).join(','),
    [ENV.rateLimitPerMinute]: '0',
    [ENV.shutdownDelay]: '0',
    [ENV.drainTimeout]: '1',
    [ENV.logLevel]: 'info',
    ...extra,
  };
}

/** A small chat completion request body. */
export function chatBody(stream: boolean): string {
  return JSON.stringify({
    model: 'gpt-4.1',
    stream,
    messages: [{ role: 'user', content: 'Say hello in one short sentence.' }],
  });
}
