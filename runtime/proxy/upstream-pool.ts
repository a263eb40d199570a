import { readFileSync } from 'node:fs';
import { Dispatcher, Pool, ProxyAgent } from 'undici';
import type { ProxyConfig, UpstreamConfig } from '../../src/contract';

/** True when `host` matches a `NO_PROXY` list (`*`, exact host, or a domain suffix). */
export function bypassesProxy(host: string, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const h = host.toLowerCase();
  return noProxy
    .split(',')
    .map((entry) => entry.trim().toLowerCase().replace(/:\d+$/, ''))
    .filter((entry) => entry.length > 0)
    .some((entry) => entry === '*' || h === entry || h.endsWith(entry.startsWith('.') ? entry : `.${entry}`));
}

/**
 * One keep-alive connection pool per upstream (an undici `Pool`, or a
 * `ProxyAgent` behind a corporate proxy) with explicit connect / headers /
 * body timeouts. Redirects are never followed.
 */
export class UpstreamPool {
  /** Origin (scheme://host:port) of the upstream. */
  public readonly origin: string;
  /** Path prefix of the base URL, without a trailing slash (e.g. `/v1`). */
  public readonly basePath: string;
  private readonly dispatcher: Dispatcher;
  private closing: Promise<void> | undefined;

  public constructor(upstream: UpstreamConfig, config: ProxyConfig) {
    const url = new URL(upstream.baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    const ca = config.egress.caBundlePath ? readFileSync(config.egress.caBundlePath, 'utf8') : undefined;
    const connectTimeout = config.timeouts.connectSeconds * 1000;
    const headersTimeout = config.timeouts.requestSeconds * 1000;
    const bodyTimeout = Math.max(config.timeouts.streamIdleSeconds, config.timeouts.requestSeconds) * 1000;
    const useProxy = config.egress.httpsProxy && !bypassesProxy(url.hostname, config.egress.noProxy);
    if (useProxy) {
      this.dispatcher = new ProxyAgent({
        uri: config.egress.httpsProxy!,
        requestTls: ca ? { ca } : undefined,
        connect: { timeout: connectTimeout },
        headersTimeout,
        bodyTimeout,
      });
    } else {
      this.dispatcher = new Pool(this.origin, {
        connect: { timeout: connectTimeout, ...(ca ? { ca } : {}) },
        keepAliveTimeout: 30_000,
        headersTimeout,
        bodyTimeout,
      });
    }
  }

  /** Sends one request to `<baseUrl>/<subPath>`. */
  public request(options: {
    method: 'GET' | 'POST';
    subPath: string;
    headers: Record<string, string>;
    body?: Buffer;
    signal: AbortSignal;
  }): Promise<Dispatcher.ResponseData> {
    return this.dispatcher.request({
      origin: this.origin,
      path: `${this.basePath}/${options.subPath}`,
      method: options.method,
      headers: options.headers,
      body: options.body,
      signal: options.signal,
    });
  }

  /** Closes the pool after its in-flight requests. */
  public close(): Promise<void> {
    this.closing ??= this.dispatcher.close().catch(() => undefined);
    return this.closing;
  }
}
