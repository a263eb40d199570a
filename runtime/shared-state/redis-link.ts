import { performance } from 'node:perf_hooks';
import type { Redis, RedisOptions } from 'ioredis';
import type { RedisTarget } from './redis-url';
import { NO_SHARED_STATE_OBSERVER, type SharedStateObserver, type SharedStateOperation } from './shared-state-observer';

/** ioredis' client class, once {@link loadRedisClient} loaded it. */
let RedisClient: typeof Redis | undefined;

/**
 * Loads ioredis (once). Only a proxy with shared state (`REDIS_URL`) loads
 * it: evaluating its code took ~9 MiB of every proxy's RSS and ~5 MiB of
 * heap at start (issue 12), shared state on or not. Call before the first
 * {@link RedisLink}.
 */
export async function loadRedisClient(): Promise<typeof Redis> {
  RedisClient ??= (await import('ioredis')).Redis;
  return RedisClient;
}

/** True once {@link loadRedisClient} loaded ioredis in this process. */
export function redisClientLoaded(): boolean {
  return RedisClient !== undefined;
}

/** The loaded client class; throws (a programming error) when {@link loadRedisClient} did not run. */
function redisClient(): typeof Redis {
  if (RedisClient === undefined) throw new Error('ioredis is not loaded: await loadRedisClient() before creating a RedisLink');
  return RedisClient;
}

/** The logger shape shared state writes to. */
export interface SharedStateLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Options of {@link RedisLink}. */
export interface RedisLinkOptions {
  readonly target: RedisTarget;
  /** Longest wait on one command, in ms. */
  readonly commandTimeoutMs: number;
  readonly log: SharedStateLog;
  readonly observer?: SharedStateObserver;
  /** Longest reconnect backoff, in ms (default 2 000). */
  readonly maxReconnectDelayMs?: number;
  /** How often a link that timed out checks whether Redis answers again, in ms (default 500). */
  readonly pingIntervalMs?: number;
}

/** Thrown (without waiting) when a command is asked for while Redis is known to be away. */
export class SharedStateUnavailableError extends Error {
  public readonly sharedStateUnavailable = true;
  constructor(reason: string) {
    super(`shared state unavailable: ${reason}`);
  }
}

type Listener = () => void;

/**
 * The proxy's connection to Redis: one command connection (no offline queue,
 * a command timeout, reconnects with capped, jittered backoff) and, on
 * demand, one subscriber connection. It knows whether Redis is up: while it
 * is not, {@link run} fails at once, so a request waits at most one command
 * timeout per outage, never one per request. It logs one warning per outage
 * and one line when Redis is back.
 */
export class RedisLink {
  /** The command connection (scripts are defined on it). */
  public readonly redis: Redis;
  private subscriber?: Redis;
  private readonly observer: SharedStateObserver;
  private reachable = false;
  private downSince: number | undefined = performance.now();
  private outageLogged = false;
  private lastReason = 'not connected yet';
  private pingTimer?: NodeJS.Timeout;
  private closed = false;
  private readonly upListeners = new Set<Listener>();
  private readonly downListeners = new Set<Listener>();

  constructor(private readonly options: RedisLinkOptions) {
    this.observer = options.observer ?? NO_SHARED_STATE_OBSERVER;
    this.redis = new (redisClient())(this.connectionOptions({ enableOfflineQueue: false, commandTimeout: options.commandTimeoutMs }));
    this.redis.on('ready', () => this.markUp());
    this.redis.on('error', (error: Error) => this.markDown(describeError(error)));
    this.redis.on('close', () => this.markDown(this.reachable ? 'connection closed' : this.lastReason));
    this.observer.up(false);
  }

  /** True while Redis answers. */
  get up(): boolean {
    return this.reachable;
  }

  /** Why Redis is away (the last error), for logs and errors. */
  get reason(): string {
    return this.lastReason;
  }

  /** The URL with its user-info redacted. */
  get redactedUrl(): string {
    return this.options.target.redacted;
  }

  /**
   * Connects, waiting at most `timeoutMs`. Resolves true when Redis is ready;
   * false after logging one clear error (wrong password, refused, timeout):
   * the link keeps reconnecting in the background and the proxy runs on
   * pod-local state meanwhile.
   */
  async connect(timeoutMs: number): Promise<boolean> {
    const ready = await new Promise<boolean>((resolve) => {
      const done = (value: boolean): void => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        this.redis.off('error', onError);
        resolve(value);
      };
      const onReady = (): void => done(true);
      const onError = (): void => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.redis.once('ready', onReady);
      this.redis.once('error', onError);
      this.redis.connect().catch(() => undefined);
    });
    if (!ready) {
      if (this.lastReason === 'not connected yet') this.lastReason = `no answer within ${timeoutMs} ms`;
      this.outageLogged = true;
      this.options.log.error(
        { event: 'shared_state_unavailable', redis: this.redactedUrl, reason: this.lastReason },
        `shared state: cannot use Redis at ${this.redactedUrl} (${this.lastReason}); running on pod-local state and retrying in the background`,
      );
    } else {
      this.options.log.info({ event: 'shared_state_connected', redis: this.redactedUrl }, `shared state: connected to Redis at ${this.redactedUrl}`);
    }
    return ready;
  }

  /**
   * Runs one command, timed and observed. Fails at once while Redis is away;
   * a timeout or a connection error marks it away until it answers again.
   */
  async run<T>(operation: SharedStateOperation, command: (redis: Redis) => Promise<T>): Promise<T> {
    if (!this.reachable) throw new SharedStateUnavailableError(this.lastReason);
    const started = performance.now();
    try {
      const result = await command(this.redis);
      this.observer.command(operation, (performance.now() - started) / 1000, true);
      return result;
    } catch (error) {
      this.observer.command(operation, (performance.now() - started) / 1000, false);
      if (!isReplyError(error)) {
        this.markDown(describeError(error as Error));
        if (this.redis.status === 'ready') this.startPinging();
      }
      throw error;
    }
  }

  /** Counts a fallback to pod-local state (or a fail-closed refusal). */
  fallback(operation: SharedStateOperation): void {
    this.observer.fallback(operation);
  }

  /** Calls `listener` each time Redis becomes reachable (after start and after each outage). */
  onUp(listener: Listener): () => void {
    this.upListeners.add(listener);
    return () => this.upListeners.delete(listener);
  }

  /** Calls `listener` each time Redis goes away. */
  onDown(listener: Listener): () => void {
    this.downListeners.add(listener);
    return () => this.downListeners.delete(listener);
  }

  /**
   * A subscriber connection on `channel` (created on first use; resubscribes
   * after reconnects). `onReady` runs on each (re)subscription: the moment to
   * re-read state that may have been missed.
   */
  subscribe(channel: string, onMessage: (message: string) => void, onReady: Listener): void {
    if (this.subscriber) throw new Error(`shared state: already subscribed (asked for ${channel})`);
    const subscriber = new (redisClient())(this.connectionOptions({ enableOfflineQueue: true }));
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined); // the command connection reports outages
    subscriber.on('message', (received: string, message: string) => {
      if (received === channel) onMessage(message);
    });
    // (re)subscribe on every ready: a subscription asked for while Redis was away would be dropped
    subscriber.on('ready', () => {
      subscriber.subscribe(channel).then(onReady, () => undefined);
    });
    subscriber.connect().catch(() => undefined);
  }

  /** Closes both connections. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopPinging();
    this.upListeners.clear();
    this.downListeners.clear();
    this.subscriber?.disconnect();
    this.redis.disconnect();
  }

  private connectionOptions(extra: Partial<RedisOptions>): RedisOptions {
    const maxDelay = this.options.maxReconnectDelayMs ?? 2000;
    const { target } = this.options;
    return {
      host: target.host,
      port: target.port,
      username: target.username || undefined,
      password: target.password || undefined,
      db: target.db,
      tls: target.tls ? { servername: target.host } : undefined,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      connectTimeout: Math.max(1000, this.options.commandTimeoutMs * 10),
      connectionName: 'ai-failover-proxy',
      // capped exponential backoff with full jitter: replicas do not reconnect in step
      retryStrategy: (times: number) => Math.round(Math.random() * Math.min(maxDelay, 50 * 2 ** Math.min(times, 10))) + 10,
      ...extra,
    };
  }

  private markUp(): void {
    this.stopPinging();
    if (this.reachable || this.closed) return;
    this.reachable = true;
    const downForMs = this.downSince === undefined ? 0 : Math.round(performance.now() - this.downSince);
    this.downSince = undefined;
    this.observer.up(true);
    if (this.outageLogged) {
      this.options.log.info({ event: 'shared_state_restored', redis: this.redactedUrl, downForMs }, `shared state: Redis at ${this.redactedUrl} is back after ${downForMs} ms; fleet state resumes`);
    }
    this.outageLogged = false;
    for (const listener of [...this.upListeners]) listener();
  }

  private markDown(reason: string): void {
    this.lastReason = reason;
    if (!this.reachable || this.closed) return;
    this.reachable = false;
    this.downSince = performance.now();
    this.observer.up(false);
    this.outageLogged = true;
    this.options.log.warn(
      { event: 'shared_state_down', redis: this.redactedUrl, reason },
      `shared state: Redis at ${this.redactedUrl} is unreachable (${reason}); using pod-local state until it answers`,
    );
    for (const listener of [...this.downListeners]) listener();
  }

  /** A connection that is open but does not answer: ask it until it does. */
  private startPinging(): void {
    if (this.pingTimer || this.closed) return;
    this.pingTimer = setInterval(() => {
      const started = performance.now();
      this.redis.ping().then(
        () => {
          this.observer.command('ping', (performance.now() - started) / 1000, true);
          if (this.redis.status === 'ready') this.markUp();
        },
        () => this.observer.command('ping', (performance.now() - started) / 1000, false),
      );
    }, this.options.pingIntervalMs ?? 500);
    this.pingTimer.unref();
  }

  private stopPinging(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }
}

/** Redis answered with an error (e.g. a script error): the connection itself is fine. */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError' && !/^(NOAUTH|WRONGPASS|LOADING|MASTERDOWN|READONLY)/.test(error.message);
}

/** A short, secret-free reason for logs. */
function describeError(error: Error): string {
  const message = error.message ?? String(error);
  if (/^(WRONGPASS|NOAUTH)/.test(message)) return `Redis refused the credentials in REDIS_URL: ${message.split('\n')[0]}`;
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code}: ${message}` : message;
}
