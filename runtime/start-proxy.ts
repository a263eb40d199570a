import { ProxyEngine } from './proxy/proxy-engine';
import { startProxy as startWith, type RunningProxy, type StartProxyOptions } from './server/start-proxy';

/** Options of {@link startProxy}: those of the server's, with the engine optional (default `ProxyEngine`). */
export type StartDefaultProxyOptions = Omit<StartProxyOptions, 'createEngine'> & Partial<Pick<StartProxyOptions, 'createEngine'>>;

/**
 * Starts the whole proxy in-process with the real failover engine: for e2e
 * tests and benchmarks. `startProxy({ env, host: '127.0.0.1', port: 0, metricsPort: 0 })`.
 */
export function startProxy(options: StartDefaultProxyOptions): Promise<RunningProxy> {
  return startWith({ ...options, createEngine: options.createEngine ?? ((engineOptions) => new ProxyEngine(engineOptions)) });
}

export type { RunningProxy } from './server/start-proxy';
