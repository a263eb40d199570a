import type { EngineFactory } from './engine-port';
import { startProxy, type RunningProxy } from './start-proxy';
import { ConfigError } from '../config/load-config';

/** Options of {@link runMain}. */
export interface RunMainOptions {
  readonly createEngine: EngineFactory;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The process entry: starts the proxy from env (and CONFIG_PATH), prints one
 * "listening" JSON line with both ports, and drains on SIGTERM/SIGINT before
 * exiting 0. A bad config exits 1 with every offending field in one message.
 */
export async function runMain(options: RunMainOptions): Promise<RunningProxy | undefined> {
  const env = options.env ?? process.env;
  let proxy: RunningProxy;
  try {
    proxy = await startProxy({ env, createEngine: options.createEngine });
  } catch (error) {
    const errors = error instanceof ConfigError ? error.errors : [(error as Error).message];
    process.stderr.write(`${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), service: 'ai-failover-proxy', msg: error instanceof ConfigError ? error.message : 'start failed', errors })}\n`);
    process.exit(1);
  }
  const { logger } = proxy;
  logger.info({
    event: 'listening',
    port: Number(new URL(proxy.url).port),
    metricsPort: Number(new URL(proxy.metricsUrl).port),
    upstreams: proxy.config().upstreams.map((u) => ({ name: u.name, baseUrl: u.baseUrl, priority: u.priority })),
    pid: process.pid,
  }, 'listening');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      logger.warn({ event: 'forced_exit', signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ event: 'signal', signal }, 'shutting down');
    proxy.drain().then(() => {
      logger.flush?.();
      process.exit(0);
    }, (error: Error) => {
      logger.error({ event: 'drain_failed', err: { message: error.message } }, 'drain failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    logger.error({ event: 'unhandled_rejection', err: { message: reason instanceof Error ? reason.message : String(reason) } }, 'unhandled rejection');
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ event: 'uncaught_exception', err: { message: error.message, stack: error.stack } }, 'uncaught exception');
    process.exit(1);
  });
  return proxy;
}

