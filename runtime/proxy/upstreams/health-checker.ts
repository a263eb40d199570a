import type { UpstreamRuntime } from './upstream-runtime';
import { applyUpstreamAuth } from '../formats/upstream-auth';

/** Settings of a {@link HealthChecker}. */
export interface HealthCheckerOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly now: () => number;
  readonly random: () => number;
  /** The upstreams checked right now (read on every tick, so reconfigure is seen). */
  readonly upstreams: () => readonly UpstreamRuntime[];
}

/**
 * Optional active health checks: a jittered `GET <baseUrl>/models` with the
 * upstream's key (unbilled, never a completion). A passing check moves an
 * open breaker to half-open at once and closes a half-open one; a failing
 * check never opens a breaker by itself (only real traffic does).
 */
export class HealthChecker {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  public constructor(private readonly options: HealthCheckerOptions) {}

  /**
   * Starts one jittered loop per upstream name (each waits `intervalMs` ×
   * [0.5, 1.5) between its checks, so upstreams are not checked in lockstep).
   * A loop ends when its upstream leaves the config; the engine starts a new
   * checker on reconfigure.
   */
  public start(): void {
    for (const upstream of this.options.upstreams()) this.schedule(upstream.name);
  }

  /** Stops every loop. */
  public stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(name: string): void {
    if (this.stopped) return;
    const delay = this.options.intervalMs * (0.5 + this.options.random());
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      // read the current runtime on every tick: reconfigure may have replaced it
      const upstream = this.options.upstreams().find((u) => u.name === name);
      if (!upstream) return;
      const checked = upstream.breaker.state !== 'closed' ? this.check(upstream) : Promise.resolve(true);
      void checked.finally(() => this.schedule(name));
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  /** Checks one upstream now; true when it answered 2xx. */
  public async check(upstream: UpstreamRuntime): Promise<boolean> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), this.options.timeoutMs);
    try {
      const response = await upstream.pool.request({
        method: 'GET',
        subPath: 'models',
        // an anthropic upstream's GET /models (also unbilled) wants x-api-key and anthropic-version
        headers: applyUpstreamAuth(upstream.apiKey ? { authorization: `Bearer ${upstream.apiKey}` } : {}, {}, {
          format: upstream.config.format, apiKey: upstream.apiKey, anthropicVersion: upstream.config.anthropicVersion,
        }),
        signal: ac.signal,
      });
      await response.body.dump();
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      if (ok) upstream.breaker.onHealthy(this.options.now());
      return ok;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
