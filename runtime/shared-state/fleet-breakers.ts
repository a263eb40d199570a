import type { CircuitBreaker, Disposable, ProbeGate } from '../core';
import { FleetBreakerBoard, type FleetBreakerNews } from './fleet-breaker-board';
import type { RedisLink, SharedStateLog } from './redis-link';

/** The breaker fleet news is applied to (runtime/core's CircuitBreaker). */
export type FleetControlledBreaker = Pick<CircuitBreaker, 'openUntil' | 'isolated' | 'observe' | 'onStateChange'>;

/** Half-open settings read at each lease (they follow config reloads). */
export interface ProbeSettings {
  /** Probes per half-open round, fleet-wide (circuitBreaker.halfOpenMaxCalls). */
  readonly maxProbes: number;
  /** How long a lease is counted when its holder never reports, in ms. */
  readonly leaseTtlMs: number;
}

/** Options of {@link FleetBreakers}. */
export interface FleetBreakersOptions {
  readonly link: RedisLink;
  readonly keyPrefix: string;
  readonly replicaId: string;
  /** The engine's clock, in ms. */
  readonly now: () => number;
  readonly log: SharedStateLog;
  readonly probeSettings: () => ProbeSettings;
}

/**
 * The breakers of every upstream, shared across the replicas: each breaker's
 * half-open probes go through a fleet-wide lease ({@link gateFor}), and each
 * breaker is attached ({@link attach}) so that its own opens and closes are
 * published and those of other replicas reach it. A breaker never waits on
 * Redis: it acts on the last news and its own observations.
 */
export class FleetBreakers {
  private readonly board: FleetBreakerBoard;
  private readonly breakers = new Map<string, { breaker: FleetControlledBreaker; listener: Disposable }>();
  /** Set while news is applied, so the breaker's own transition listener does not echo it back. */
  private applying = false;

  constructor(private readonly options: FleetBreakersOptions) {
    this.board = new FleetBreakerBoard({ ...options, onNews: (news) => this.apply(news) });
    options.link.onUp(() => this.republishOwnOpens());
  }

  /** The configured upstreams (at start: starts listening for the fleet's news; after a reload: follows the list). */
  upstreamsChanged(upstreams: readonly string[]): void {
    this.board.start(upstreams);
    for (const [name, attached] of [...this.breakers]) {
      if (!upstreams.includes(name)) {
        attached.listener.dispose();
        this.breakers.delete(name);
      }
    }
  }

  /**
   * Shares `breaker` with the fleet from now on: its opens (for the time it
   * is open) and closes are published, the fleet's are applied to it.
   * Isolation by hand stays on this pod.
   */
  attach(upstream: string, breaker: FleetControlledBreaker): void {
    this.breakers.get(upstream)?.listener.dispose();
    const listener = breaker.onStateChange(({ to }) => {
      if (this.applying) return;
      if (to === 'open') {
        const until = breaker.openUntil;
        if (until !== null) this.board.publishOpen(upstream, until - this.options.now(), false);
      } else if (to === 'closed') {
        this.board.publishClose(upstream);
      }
    });
    this.breakers.set(upstream, { breaker, listener });
  }

  /** Probe leases held and unused by this replica (status, tests). */
  heldLeases(upstream: string): number {
    return this.board.heldLeases(upstream);
  }

  /** The half-open probe gate of `upstream`'s breaker: a fleet-wide lease per probe. */
  gateFor(upstream: string): ProbeGate {
    const { board, options } = this;
    return {
      get active() {
        return board.active;
      },
      takeProbeLease: () => {
        const settings = options.probeSettings();
        return board.takeLease(upstream, settings.maxProbes, settings.leaseTtlMs);
      },
      probeSucceeded: (lease) => board.probeSucceeded(upstream, lease, options.probeSettings().maxProbes),
      probeReleased: (lease) => board.probeReleased(upstream, lease),
    };
  }

  /** Stops listening to the breakers. */
  close(): void {
    for (const attached of this.breakers.values()) attached.listener.dispose();
    this.breakers.clear();
  }

  private apply(news: FleetBreakerNews): void {
    const breaker = this.breakers.get(news.upstream)?.breaker;
    if (!breaker || breaker.isolated) return;
    const now = this.options.now();
    this.applying = true;
    try {
      if (news.kind === 'open') {
        const until = breaker.openUntil;
        // an open that ends no later than the one in force changes nothing
        if (news.untilMs > now && (until === null || news.untilMs > until)) breaker.observe({ state: 'open', openUntil: news.untilMs }, now);
      } else {
        breaker.observe({ state: 'closed' }, now);
      }
    } finally {
      this.applying = false;
    }
  }

  /** After an outage: what this replica opened meanwhile is told to the fleet. */
  private republishOwnOpens(): void {
    const now = this.options.now();
    for (const [upstream, { breaker }] of this.breakers) {
      const until = breaker.openUntil;
      if (until !== null && until > now) this.board.publishOpen(upstream, until - now, false);
    }
  }
}
