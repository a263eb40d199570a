import { FleetBreakerBoard, type FleetBreakerNews } from './fleet-breaker-board';
import type { RedisLink, SharedStateLog } from './redis-link';

/**
 * What one upstream's circuit breaker asks of the fleet. While `active` is
 * false (Redis away, or not shared) the breaker decides alone.
 */
export interface BreakerFleet {
  /** The fleet view is live: half-open probes need a lease. */
  readonly active: boolean;
  /** A probe lease held by this replica (used up), or undefined (one is asked for in the background). */
  takeProbeLease(): string | undefined;
  /** A leased probe succeeded. */
  probeSucceeded(lease: string): void;
  /** A leased probe ended without a verdict. */
  probeReleased(lease: string): void;
  /** This replica opened the breaker for `openForMs` (`retryAfter`: the upstream's Retry-After said so). */
  opened(openForMs: number, retryAfter: boolean): void;
  /** This replica closed the breaker (its probes passed, or a health check did). */
  closed(): void;
}

/** What fleet news is applied to: a breaker that can be held open or closed from outside. */
export interface FleetControlledBreaker {
  readonly openUntil: number | null;
  /** Open until `untilMs` (local clock) because the fleet says so; no-op when already open longer. */
  holdOpenUntil(now: number, untilMs: number): void;
  /** Closed because the fleet's probes passed. */
  closeByFleet(): void;
}

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
 * The breakers of every upstream, shared across the replicas: each breaker
 * gets a {@link BreakerFleet} port ({@link fleetFor}) and is attached so that
 * opens and closes from other replicas reach it ({@link attach}). A breaker
 * never waits on Redis: it acts on the last news and its own observations.
 */
export class FleetBreakers {
  private readonly board: FleetBreakerBoard;
  private readonly breakers = new Map<string, FleetControlledBreaker>();

  constructor(private readonly options: FleetBreakersOptions) {
    this.board = new FleetBreakerBoard({ ...options, onNews: (news) => this.apply(news) });
    options.link.onUp(() => this.republishOwnOpens());
  }

  /** Starts listening for the fleet's news about `upstreams`. */
  start(upstreams: readonly string[]): void {
    this.board.start(upstreams);
  }

  /** Follows a reloaded upstream list. */
  setUpstreams(upstreams: readonly string[]): void {
    this.board.setUpstreams(upstreams);
    for (const name of [...this.breakers.keys()]) if (!upstreams.includes(name)) this.breakers.delete(name);
  }

  /** Applies the fleet's news to `breaker` from now on. */
  attach(upstream: string, breaker: FleetControlledBreaker): void {
    this.breakers.set(upstream, breaker);
  }

  /** Probe leases held and unused by this replica (status, tests). */
  heldLeases(upstream: string): number {
    return this.board.heldLeases(upstream);
  }

  /** The port `upstream`'s breaker calls. */
  fleetFor(upstream: string): BreakerFleet {
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
      opened: (openForMs, retryAfter) => board.publishOpen(upstream, openForMs, retryAfter),
      closed: () => board.publishClose(upstream),
    };
  }

  private apply(news: FleetBreakerNews): void {
    const breaker = this.breakers.get(news.upstream);
    if (!breaker) return;
    const now = this.options.now();
    if (news.kind === 'open') {
      if (news.untilMs > now) breaker.holdOpenUntil(now, news.untilMs);
    } else {
      breaker.closeByFleet();
    }
  }

  /** After an outage: what this replica opened meanwhile is told to the fleet. */
  private republishOwnOpens(): void {
    const now = this.options.now();
    for (const [upstream, breaker] of this.breakers) {
      const until = breaker.openUntil;
      if (until !== null && until > now) this.board.publishOpen(upstream, until - now, false);
    }
  }
}
