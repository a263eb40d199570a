import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Client, Dispatcher, Pool, ProxyAgent } from 'undici';
import type { ProxyConfig, UpstreamConfig } from '../../../src/contract';

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

/** How an {@link UpstreamPool} reaches its upstream: directly, or through the corporate proxy. */
export type DispatcherPlan =
  | { readonly kind: 'direct'; readonly options: Pool.Options }
  | { readonly kind: 'proxy'; readonly options: ProxyAgent.Options };

/**
 * The trusted CAs for upstream TLS: Node's default roots plus the extra
 * bundle (a CA bundle adds to the roots, it never replaces them); undefined
 * (Node's defaults) without a bundle.
 */
export function trustedCas(extraPem: string | undefined): string[] | undefined {
  return extraPem === undefined ? undefined : [...rootCertificates, extraPem];
}

/** The dispatcher an upstream gets under `config` (connection cap, timeouts, egress proxy, CA bundle). */
export function dispatcherPlan(
  upstream: UpstreamConfig,
  config: ProxyConfig,
  readCa: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): DispatcherPlan {
  const url = new URL(upstream.baseUrl);
  const ca = trustedCas(config.egress.caBundlePath ? readCa(config.egress.caBundlePath) : undefined);
  const connectTimeout = config.timeouts.connectSeconds * 1000;
  const headersTimeout = config.timeouts.requestSeconds * 1000;
  const bodyTimeout = Math.max(config.timeouts.streamIdleSeconds, config.timeouts.requestSeconds) * 1000;
  if (config.egress.httpsProxy && !bypassesProxy(url.hostname, config.egress.noProxy)) {
    return {
      kind: 'proxy',
      options: {
        uri: config.egress.httpsProxy,
        // the upstream's TLS and, for an https:// proxy, the proxy's TLS trust the bundle too
        requestTls: ca ? { ca } : undefined,
        proxyTls: ca ? { ca } : undefined,
        connect: { timeout: connectTimeout },
        connections: upstream.maxConnections,
        headersTimeout,
        bodyTimeout,
      },
    };
  }
  return {
    kind: 'direct',
    options: {
      connect: { timeout: connectTimeout, ...(ca ? { ca } : {}) },
      connections: upstream.maxConnections,
      keepAliveTimeout: 30_000,
      headersTimeout,
      bodyTimeout,
    },
  };
}

/**
 * One keep-alive connection pool per upstream (an undici `Pool`, or a
 * `ProxyAgent` behind a corporate proxy) with an explicit connection cap
 * (`upstreams[].maxConnections`) and connect / headers / body timeouts.
 * Redirects are never followed.
 */
export class UpstreamPool {
  /** Origin (scheme://host:port) of the upstream. */
  public readonly origin: string;
  /** Path prefix of the base URL, without a trailing slash (e.g. `/v1`). */
  public readonly basePath: string;
  private readonly dispatcher: Dispatcher;
  private readonly plan: DispatcherPlan;
  private closed: Promise<void> | undefined;

  public constructor(upstream: UpstreamConfig, config: ProxyConfig) {
    const url = new URL(upstream.baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.plan = dispatcherPlan(upstream, config);
    this.dispatcher = this.plan.kind === 'proxy' ? new ProxyAgent(this.plan.options) : new Pool(this.origin, this.plan.options);
  }

  /** Sends one request to `<baseUrl>/<subPath>`. */
  public request(options: {
    method: 'GET' | 'POST' | 'DELETE';
    subPath: string;
    headers: Record<string, string>;
    body?: Buffer;
    /** An AbortSignal, or the EventEmitter form undici also takes (the attempts' AttemptSignal). */
    signal: NonNullable<Dispatcher.RequestOptions['signal']>;
    /** On a connection of its own (closed after this request), not a pooled one that may be stale. */
    fresh?: boolean;
  }): Promise<Dispatcher.ResponseData> {
    const dispatcher = options.fresh ? this.oneShot() : this.dispatcher;
    return dispatcher.request({
      origin: this.origin,
      path: `${this.basePath}/${options.subPath}`,
      method: options.method,
      headers: options.headers,
      body: options.body,
      signal: options.signal,
    });
  }

  /**
   * A dispatcher with the pool's settings for one request: it connects anew,
   * and closes once that request's response is done (close waits for it).
   */
  private oneShot(): Dispatcher {
    const dispatcher = this.plan.kind === 'proxy' ? new ProxyAgent(this.plan.options) : new Client(this.origin, singleConnection(this.plan.options));
    queueMicrotask(() => void dispatcher.close().catch(() => undefined));
    return dispatcher;
  }

  /** Closes the pool after its in-flight requests. */
  public close(): Promise<void> {
    this.closed ??= this.dispatcher.close().catch(() => undefined);
    return this.closed;
  }

  /** True once {@link close} was called (no new request should use this pool). */
  public get closing(): boolean {
    return this.closed !== undefined;
  }
}

/** A Pool's options as one Client's (a Client has no connection cap). */
function singleConnection(options: Pool.Options): Client.Options {
  const { connections: _cap, factory: _factory, ...client } = options;
  return client;
}
