import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { redisSharedStateParts, type SharedStateParts, type SharedStateProxy } from './private/shared-state-parts';
import { DeployRedisOptions, RedisSharedStateOptions, SharedStateFailMode, SharedStateOptions } from './shared-state-options';
import { SharedStateRedis } from './shared-state-redis';
import { checkInt } from '../private/prop-checks';

/** Longest `commandTimeout` accepted: a request waits at most this long on Redis. */
const MAX_COMMAND_TIMEOUT_MS = 5000;
const DEFAULT_COMMAND_TIMEOUT = Duration.millis(50);
const KEY_PREFIX = /^[A-Za-z0-9_.:{}-]{1,64}$/;

/**
 * Where the replicas of one proxy share their state (global rate limit,
 * breaker opens and half-open probes, usage totals): a Redis. Without it each
 * pod keeps its own.
 *
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/security/
 */
export class SharedState {
  /** A Redis the platform already runs; its URL comes from a Secret. */
  public static redis(options: RedisSharedStateOptions): SharedState {
    checkInt('sharedState.port', options.port, 1);
    if (options.port !== undefined && options.port > 65535) {
      throw new Error(`'sharedState.port' must be between 1 and 65535 (received ${options.port})`);
    }
    return new SharedState(options, (scope, proxy) => redisSharedStateParts(scope, proxy, options));
  }

  /**
   * A small, hardened Redis in the proxy's chart, for teams without one:
   * one replica, no persistence (the state is soft), non-root with a
   * read-only root, password from a Secret, reachable only from the proxy's pods.
   */
  public static deployRedis(options: DeployRedisOptions): SharedState {
    return new SharedState(options, (scope, proxy) => {
      const redis = new SharedStateRedis(scope, 'Redis', { ...options, proxyName: proxy.name, proxySelectorLabels: proxy.selectorLabels, labels: proxy.labels });
      return redis._proxyParts();
    });
  }

  /** Key prefix set by the caller (else derived from the proxy's name at bind time). */
  public readonly keyPrefix?: string;
  /** Longest wait on one Redis command. */
  public readonly commandTimeout: Duration;
  /** What rate-limited routes do while Redis cannot be reached. */
  public readonly failMode: SharedStateFailMode;
  /** Whether breaker opens and half-open probes are shared. */
  public readonly shareBreakers: boolean;

  private constructor(options: SharedStateOptions, private readonly bind: (scope: Construct, proxy: SharedStateProxy) => Omit<SharedStateParts, 'config'>) {
    if (options.keyPrefix !== undefined && !KEY_PREFIX.test(options.keyPrefix)) {
      throw new Error(`'sharedState.keyPrefix' must be 1-64 characters of letters, digits, "_", ".", ":", "-", "{" or "}" (received ${JSON.stringify(options.keyPrefix)})`);
    }
    this.keyPrefix = options.keyPrefix;
    this.commandTimeout = options.commandTimeout ?? DEFAULT_COMMAND_TIMEOUT;
    const ms = this.commandTimeout.toMilliseconds();
    if (!Number.isInteger(ms) || ms < 1 || ms > MAX_COMMAND_TIMEOUT_MS) {
      throw new Error(`'sharedState.commandTimeout' must be a whole number of milliseconds between 1 and ${MAX_COMMAND_TIMEOUT_MS} (received ${ms}ms)`);
    }
    this.failMode = options.failMode ?? SharedStateFailMode.OPEN;
    this.shareBreakers = options.shareBreakers ?? true;
  }

  /**
   * @internal adds what this choice needs next to the proxy (the deployed
   * Redis, as child `Redis`) and returns the proxy's env, its config.yaml
   * `sharedState` section and its NetworkPolicy egress rule
   */
  public _bind(scope: Construct, proxy: SharedStateProxy): SharedStateParts {
    const namespace = Chart.of(scope).namespace;
    const keyPrefix = this.keyPrefix ?? `ai-failover:${namespace ? `${namespace}.` : ''}${proxy.name}:`;
    return {
      ...this.bind(scope, proxy),
      config: { keyPrefix, commandTimeoutMs: this.commandTimeout.toMilliseconds(), failMode: this.failMode, shareBreakers: this.shareBreakers },
    };
  }
}

