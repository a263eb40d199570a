/**
 * The proxy environment every benchmark and the demo start from: the playbook's
 * env names (HOLYSHEEP_*), rate limit off (one client address sends all
 * the load), no shutdown delay so runs end quickly.
 */
import { ENV, ENV_UPSTREAM_NAMES } from '../../src/contract';

/** Key the mock upstreams receive (they accept any). */
export const BENCH_UPSTREAM_KEY = 'bench-upstream-key-0001';

/** Client key the load generators send (`Authorization: Bearer`); accepted when client keys are on. */
export const BENCH_CLIENT_KEY = 'bench-client-key';

/**
 * What a production config turns on beyond {@link proxyEnv}: client keys and
 * a rate limit high enough never to refuse the benchmark's one client (the
 * check still runs on every request). Breakers, the retry budget, metrics,
 * pricing and the per-request log line at `info` are on by default.
 */
export const PRODUCTION_EXTRA_ENV: Readonly<Record<string, string>> = {
  [ENV.proxyApiKeys]: BENCH_CLIENT_KEY,
  [ENV.rateLimitPerMinute]: String(60_000_000),
};

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

/**
 * The upstreams of {@link proxyEnv} as config.yaml entries (`primary`,
 * `backup_1`, ...), for fields the env names cannot set; pass the file's
 * path as `CONFIG_PATH` and leave `HOLYSHEEP_PRIMARY_REGION` unset (env
 * upstreams would replace these).
 */
export function configUpstreams(urls: readonly string[], extra: Readonly<Record<string, unknown>> = {}): Array<Record<string, unknown>> {
  return urls.map((baseUrl, i) => ({ name: i === 0 ? ENV_UPSTREAM_NAMES.primary : `${ENV_UPSTREAM_NAMES.backupPrefix}${i}`, baseUrl, priority: i + 1, ...extra }));
}

/** {@link proxyEnv} without the env upstreams: they come from the config file at `configPath`. */
export function proxyEnvWithConfig(configPath: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env = proxyEnv(['http://127.0.0.1:1/v1'], { [ENV.configPath]: configPath, ...extra });
  delete env[ENV.primaryRegion];
  delete env[ENV.backupRegions];
  return env;
}

/**
 * A small chat completion request body. `includeUsage` asks a stream for its
 * usage chunk, as the proxy does on its own: with it, every benchmark target
 * gets the same bytes from the mock.
 */
export function chatBody(stream: boolean, includeUsage = false): string {
  return JSON.stringify({
    model: 'gpt-4.1',
    stream,
    ...(stream && includeUsage ? { stream_options: { include_usage: true } } : {}),
    messages: [{ role: 'user', content: 'Say hello in one short sentence.' }],
  });
}
