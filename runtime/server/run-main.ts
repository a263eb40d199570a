import type { EngineFactory } from './engine-port';
import { startProxy, type RunningProxy } from './start-proxy';
import { ENV } from '../../src/contract';
import { envNamesInConfig, unknownPlaybookVariables, unknownVariableMessage, type Env } from '../config/env-config';
import { proxyUsage } from '../config/env-usage';
import { ConfigError } from '../config/load-config';

/** Options of {@link runMain}. */
export interface RunMainOptions {
  readonly createEngine: EngineFactory;
  readonly env?: Env;
  /** Command-line arguments. @default process.argv.slice(2) */
  readonly argv?: readonly string[];
}

/** A start that failed: what went wrong, each bad field, and hints (e.g. misspelled variables). */
export interface FatalStart {
  readonly msg: string;
  readonly errors: readonly string[];
  readonly hints: readonly string[];
}

/**
 * The fatal start error as written to stderr: readable lines for a person at
 * a terminal, else (`readable` false: stdout is not a TTY, or LOG_FORMAT=json)
 * one JSON line like every other log line.
 */
export function formatFatal(fatal: FatalStart, readable: boolean, now: Date = new Date()): string {
  if (!readable) {
    return `${JSON.stringify({ level: 'fatal', time: now.toISOString(), service: 'ai-failover-proxy', msg: fatal.msg, errors: fatal.errors, ...(fatal.hints.length > 0 ? { hints: fatal.hints } : {}) })}\n`;
  }
  // a ConfigError's message repeats its errors after the first line: list them once
  const lines = [`ai-failover-proxy: ${fatal.msg.split('\n')[0].replace(/:$/, '')}`];
  lines.push(...fatal.errors.filter((e) => e !== fatal.msg).map((e) => `  - ${e}`));
  lines.push(...fatal.hints.map((h) => `hint: ${h}`));
  lines.push('run "ai-failover-proxy --help" for the variables, the config file and the ports');
  return `${lines.join('\n')}\n`;
}

/** Whether fatal errors are written for a person: stdout is a terminal and LOG_FORMAT is not json. */
export function readableFatal(env: Env, stdoutIsTty: boolean): boolean {
  return stdoutIsTty && env[ENV.logFormat]?.trim() !== 'json';
}

/**
 * The process entry. `--help` prints the usage and returns; otherwise it
 * starts the proxy from env (and CONFIG_PATH), warns once about set
 * `HOLYSHEEP_*` variables it does not read (naming the close match), prints
 * one "listening" JSON line with both ports, and drains on SIGTERM/SIGINT
 * (a SIGINT outside Kubernetes, a Ctrl-C, without the shutdown delay)
 * before exiting 0. A bad config exits 1 with every offending field in one
 * message; an unknown argument exits 2.
 */
export async function runMain(options: RunMainOptions): Promise<RunningProxy | undefined> {
  const env = options.env ?? process.env;
  const argv = options.argv ?? process.argv.slice(2);
  const readable = readableFatal(env, process.stdout.isTTY === true);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(proxyUsage());
    return undefined;
  }
  if (argv.length > 0) {
    process.stderr.write(formatFatal({ msg: `unknown argument ${JSON.stringify(argv[0])}`, errors: [], hints: [] }, readable));
    process.exit(2);
  }
  let proxy: RunningProxy;
  try {
    proxy = await startProxy({ env, createEngine: options.createEngine });
  } catch (error) {
    // the config did not load, so its own env names (an upstream's apiKeyEnv, by the construct's
    // convention `<UPSTREAM>_API_KEY`) are unknown here: hint only at the other names
    const hints = unknownPlaybookVariables(env).filter((u) => !u.name.endsWith('_API_KEY')).map(unknownVariableMessage);
    const fatal = error instanceof ConfigError
      ? { msg: error.message, errors: error.errors, hints }
      : { msg: 'start failed', errors: [(error as Error).message], hints };
    process.stderr.write(formatFatal(fatal, readable));
    process.exit(1);
  }
  const { logger } = proxy;
  for (const unknown of unknownPlaybookVariables(env, envNamesInConfig(proxy.config()))) {
    logger.warn({ event: 'env_unknown', variable: unknown.name, closest: unknown.closest }, unknownVariableMessage(unknown));
  }
  // the signal handlers are in place before `listening` is printed: a supervisor may signal at once
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      logger.warn({ event: 'forced_exit', signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    // the shutdown delay lets Kubernetes drop the pod from its endpoints; a Ctrl-C outside a pod has none to wait for
    const local = signal === 'SIGINT' && !env[ENV.kubernetesServiceHost];
    logger.info({ event: 'signal', signal, skipShutdownDelay: local || undefined }, 'shutting down');
    proxy.drain({ skipShutdownDelay: local }).then(() => {
      logger.flush?.();
      process.exit(0);
    }, (error: Error) => {
      logger.error({ event: 'drain_failed', err: { message: error.message } }, 'drain failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  logger.info({
    event: 'listening',
    port: Number(new URL(proxy.url).port),
    metricsPort: Number(new URL(proxy.metricsUrl).port),
    upstreams: proxy.config().upstreams.map((u) => ({ name: u.name, baseUrl: u.baseUrl, priority: u.priority })),
    pid: process.pid,
  }, 'listening');
  process.on('unhandledRejection', (reason) => {
    logger.error({ event: 'unhandled_rejection', err: { message: reason instanceof Error ? reason.message : String(reason) } }, 'unhandled rejection');
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ event: 'uncaught_exception', err: { message: error.message, stack: error.stack } }, 'uncaught exception');
    process.exit(1);
  });
  return proxy;
}
