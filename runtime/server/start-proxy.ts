import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAppServer, type Lifecycle } from './app-server';
import { drain, type DrainResult } from './drain';
import type { EngineFactory, EnginePort } from './engine-port';
import type { ProxyConfig } from '../../src/contract';
import { watchConfig, type ConfigWatcher } from '../config/config-watcher';
import type { Env } from '../config/env-config';
import { ConfigError, loadConfig } from '../config/load-config';
import { combineEvents } from '../events';
import { createMetricsServer } from './metrics-server';
import { ClientAuth } from '../ops/client-auth';
import { createLogger, type Logger } from '../ops/logger';
import { ProxyMetrics } from '../ops/metrics';
import { RateLimiter } from '../ops/rate-limiter';
import { RequestLog } from '../ops/request-log';
import { UsageTracker } from '../ops/usage-report';
import { loadRedisClient } from '../shared-state/redis-link';
import { SharedState } from '../shared-state/shared-state';
import { sharedStateSettings } from '../shared-state/shared-state-settings';

/** Options of {@link startProxy}. */
export interface StartProxyOptions {
  readonly env: Env;
  /** Overrides CONFIG_PATH. */
  readonly configPath?: string;
  /** Overrides config/env `HOST` (default `0.0.0.0`); tests pass `127.0.0.1`. */
  readonly host?: string;
  /** Overrides config/env `PORT` (0 = any free port). */
  readonly port?: number;
  /** Overrides config/env `METRICS_PORT` (0 = any free port). */
  readonly metricsPort?: number;
  /** Builds the failover engine (main.ts passes `ProxyEngine`; tests may pass a fake). */
  readonly createEngine: EngineFactory;
  /** Where JSON logs go (default stdout). */
  readonly logDestination?: NodeJS.WritableStream;
  /** Poll interval of the config watcher in ms (default 10 000). */
  readonly configPollMs?: number;
}

/** A running proxy. */
export interface RunningProxy {
  /** `http://host:port` of the main port. */
  readonly url: string;
  /** `http://host:port` of the metrics port. */
  readonly metricsUrl: string;
  readonly engine: EnginePort;
  readonly metrics: ProxyMetrics;
  readonly usage: UsageTracker;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  /** Shared state across the replicas (REDIS_URL set), else undefined. */
  readonly sharedState: SharedState | undefined;
  /** The config currently running (follows hot reloads). */
  config(): ProxyConfig;
  /** Re-reads the config file now (what the watcher does on change). */
  reloadConfig(): void;
  /**
   * Graceful shutdown with the configured delay and timeout; `skipShutdownDelay`
   * drops the delay (a local Ctrl-C: no endpoints to wait for).
   */
  drain(options?: { readonly skipShutdownDelay?: boolean }): Promise<DrainResult>;
  /** Immediate shutdown (tests): no delay, zero drain timeout. */
  close(): Promise<void>;
}

/**
 * Loads the config (throws `ConfigError` listing every bad field), builds
 * logger, metrics, usage, engine and both servers, starts listening and
 * watches the config file. Used by main.ts and, in-process, by tests and
 * benchmarks.
 */
export async function startProxy(options: StartProxyOptions): Promise<RunningProxy> {
  const loaded = loadConfig(options.env, { configPath: options.configPath });
  let config = loaded.config;
  const shared = sharedStateSettings(options.env, config.sharedState);
  if (!shared.ok) throw new ConfigError('env', [shared.message]);
  const redisPassword = shared.settings?.target.password;
  // the secrets every log line is scrubbed of, rebuilt only when a reload replaced the config
  // (building the list for every line took ~1.5 µs of each request, issue 12's profile)
  let secretsOf: { config: typeof config; list: readonly string[] } | undefined;
  const secrets = (): readonly string[] => {
    if (secretsOf?.config !== config) {
      secretsOf = {
        config,
        list: [
          ...config.auth.clientKeys,
          ...(redisPassword ? [redisPassword] : []),
          ...config.upstreams.map((upstream) => options.env[upstream.apiKeyEnv]).filter((key): key is string => typeof key === 'string' && key.length > 0),
        ],
      };
    }
    return secretsOf.list;
  };
  const logger = createLogger({ level: config.logging.level, secrets, destination: options.logDestination });
  loaded.warnings.forEach((warning) => logger.warn({ event: 'config_warning' }, warning));

  const metrics = new ProxyMetrics(config);
  const usage = new UsageTracker(config);
  const auth = new ClientAuth(config.auth.clientKeys);
  const rateLimiter = new RateLimiter({ requestsPerMinute: config.rateLimit.requestsPerMinute });
  if (auth.open) {
    logger.warn({ event: 'auth_open' }, 'no client keys configured (PROXY_API_KEYS / auth.clientKeys): the proxy accepts every caller');
  }
  // ioredis is loaded only when shared state is on (see loadRedisClient)
  if (shared.settings) await loadRedisClient();
  const sharedState = shared.settings
    ? new SharedState({
      settings: shared.settings, config: () => config, log: logger, registry: metrics.registry, localRateLimiter: rateLimiter, usage,
    })
    : undefined;
  const events = combineEvents(metrics, usage, new RequestLog(logger));
  const engine = options.createEngine({
    config,
    env: options.env,
    events,
    logger,
    breakerSharing: sharedState?.breakers,
    responseAffinity: sharedState?.responseAffinity,
  });
  metrics.attach(engine);
  const lifecycle: Lifecycle = { ready: false, draining: false };
  const app = createAppServer({
    engine,
    auth,
    rateLimiter: sharedState?.rateLimiter ?? rateLimiter,
    metrics,
    usage,
    logger,
    lifecycle,
    config: () => config,
    fleetUsage: sharedState ? () => sharedState.fleetReport() : undefined,
    sharedStateStatus: sharedState ? () => sharedState.status() : undefined,
  });
  const metricsServer = createMetricsServer(metrics);

  // waits at most 2 s; without Redis the proxy starts on pod-local state and keeps trying
  await sharedState?.start();
  const host = options.host ?? config.server.host;
  await listen(app.server, options.port ?? config.server.port, host);
  try {
    await listen(metricsServer, options.metricsPort ?? config.server.metricsPort, host);
  } catch (error) {
    app.server.close();
    throw error;
  }

  const apply = (next: ProxyConfig): void => {
    engine.reconfigure(next);
    const previous = config;
    config = next;
    metrics.configChanged(next);
    usage.configChanged(next);
    auth.setKeys(next.auth.clientKeys);
    rateLimiter.setLimit(next.rateLimit.requestsPerMinute);
    warnSharedStateRestart(previous.sharedState, next.sharedState, logger);
    sharedState?.configChanged(next);
    app.applyLimits(next);
    logger.level = next.logging.level;
    metrics.configReload('ok');
    logger.info({ event: 'config_reloaded', upstreams: next.upstreams.map((u) => u.name) }, 'config reloaded');
  };
  const watcher: ConfigWatcher = watchConfig({
    path: loaded.watchPath,
    env: options.env,
    pollIntervalMs: options.configPollMs,
    extraPaths: () => (config.auth.clientKeysFile ? [config.auth.clientKeysFile] : []),
    onChange: (next) => {
      try {
        apply(next);
      } catch (error) {
        metrics.configReload('failed');
        logger.error({ event: 'config_reload_failed', errors: [(error as Error).message] }, 'config reload refused; the running config stays');
      }
    },
    onError: (error) => {
      metrics.configReload('failed');
      logger.error({ event: 'config_reload_failed', errors: error.errors }, 'config reload refused; the running config stays');
    },
  });
  lifecycle.ready = true;

  const url = `http://${urlHost(host)}:${(app.server.address() as AddressInfo).port}`;
  const metricsUrl = `http://${urlHost(host)}:${(metricsServer.address() as AddressInfo).port}`;
  let draining: Promise<DrainResult> | undefined;
  const runDrain = (shutdownDelayMs: number, drainTimeoutMs: number): Promise<DrainResult> => {
    draining ??= (async () => {
      watcher.close();
      const result = await drain({
        servers: [app.server], lateServers: [metricsServer], engine, lifecycle, inFlight: app.inFlight, shutdownDelayMs, drainTimeoutMs, logger,
      });
      await sharedState?.close();
      return result;
    })();
    return draining;
  };

  return {
    url,
    metricsUrl,
    engine,
    metrics,
    usage,
    logger,
    lifecycle,
    sharedState,
    config: () => config,
    reloadConfig: () => watcher.check(),
    drain: (drainOptions) => {
      const delayMs = drainOptions?.skipShutdownDelay ? 0 : config.lifecycle.shutdownDelaySeconds * 1000;
      return runDrain(delayMs, config.lifecycle.drainTimeoutSeconds * 1000);
    },
    close: async () => {
      await runDrain(0, 0);
    },
  };
}

/** `sharedState` settings other than `failMode` are read at start: a reload that changes them says so. */
function warnSharedStateRestart(before: ProxyConfig['sharedState'], after: ProxyConfig['sharedState'], logger: Logger): void {
  const changed = (['keyPrefix', 'commandTimeoutMs', 'shareBreakers'] as const).filter((field) => before[field] !== after[field]);
  if (changed.length > 0) {
    logger.warn({ event: 'config_restart_needed', fields: changed.map((f) => `sharedState.${f}`) }, `sharedState.${changed.join(', sharedState.')} changes apply when the pod restarts`);
  }
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function urlHost(host: string | undefined): string {
  if (host === undefined || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
