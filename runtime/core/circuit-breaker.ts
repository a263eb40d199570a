import type { BreakerStateName } from '../events';
import type { BreakerPolicy } from './breaker-policy';
import { Listeners, type Disposable } from './disposable';

/** Settings of a {@link CircuitBreaker}, in ms. */
export interface CircuitBreakerOptions {
  /** Decides when a closed breaker opens (compose with `AnyBreaker`). */
  readonly policy: BreakerPolicy;
  /** First open time, in ms. */
  readonly recoveryTimeoutMs: number;
  /** Upper bound of the growing open time, in ms. */
  readonly maxRecoveryTimeoutMs: number;
  /** Each failed probe multiplies the open time by this. */
  readonly openBackoffMultiplier: number;
  /** Probes admitted at once in half-open; that many successes close it. */
  readonly halfOpenMaxCalls: number;
  /** [0, 1) source for jitter of the open time (±10 %). */
  readonly random: () => number;
  /**
   * Asked before each half-open probe (shared state: a fleet-wide probe
   * lease); without one, or while it is not active, the breaker decides alone.
   */
  readonly probeGate?: ProbeGate;
}

/**
 * Bounds half-open probes beyond this breaker (across replicas). Never
 * waits: a lease is held already, or the probe is refused for now.
 */
export interface ProbeGate {
  /** False while the gate cannot be consulted (Redis away): the breaker decides alone. */
  readonly active: boolean;
  /** A lease for one probe, or undefined: the call is refused and the breaker stays as it is. */
  takeProbeLease(): string | undefined;
  /** A leased probe succeeded. */
  probeSucceeded(lease: string): void;
  /** A leased probe ended without a success (failure, no verdict, or superseded). */
  probeReleased(lease: string): void;
}

/** The timings a config reload may change. */
export type BreakerTimings = Pick<CircuitBreakerOptions, 'recoveryTimeoutMs' | 'maxRecoveryTimeoutMs' | 'openBackoffMultiplier' | 'halfOpenMaxCalls'>;

/** Permission to make one call, from {@link CircuitBreaker.tryAcquire}. */
export interface BreakerPermit {
  /** True when the call is a half-open probe. */
  readonly probe: boolean;
  /** Generation of the breaker when acquired (stale permits are ignored). */
  readonly generation: number;
  /** The probe's lease from the {@link ProbeGate}, when one was needed. */
  readonly lease?: string;
}

/** A state change, as `onStateChange` listeners receive it. */
export interface BreakerTransition {
  readonly from: BreakerStateName;
  readonly to: BreakerStateName;
}

/**
 * A transition observed somewhere else (another replica, through shared
 * state): open until a given time, or closed.
 */
export type ObservedTransition =
  | { readonly state: 'open'; readonly openUntil: number }
  | { readonly state: 'closed' };

/**
 * A per-upstream circuit breaker state machine: closed → open (policy says
 * so) → half-open (first call after the open time) → closed after
 * `halfOpenMaxCalls` successful probes, or back to open with a longer, capped,
 * jittered open time after a failed probe. At most `halfOpenMaxCalls` probes
 * run at once. {@link isolate} holds it open by hand. Pure: every method
 * takes `now` (ms).
 */
export class CircuitBreaker {
  private current: BreakerStateName = 'closed';
  private openUntilMs = 0;
  private nextOpenMs: number;
  private probesInFlight = 0;
  private probeSuccesses = 0;
  private generation = 0;
  private holds = 0;
  private readonly stateChanges = new Listeners<BreakerTransition>();

  public constructor(private options: CircuitBreakerOptions) {
    this.nextOpenMs = options.recoveryTimeoutMs;
  }

  /**
   * Applies new timings (config reload) and keeps the state: an open breaker
   * stays open until the time it was given, counts and probes in flight stay.
   * The next open time restarts from the new recovery timeout unless a failed
   * probe had grown it (then it is capped by the new maximum).
   */
  public reconfigure(settings: BreakerTimings): void {
    const grown = this.nextOpenMs !== this.options.recoveryTimeoutMs;
    this.options = { ...this.options, ...settings };
    this.nextOpenMs = Math.min(settings.maxRecoveryTimeoutMs, grown ? this.nextOpenMs : settings.recoveryTimeoutMs);
  }

  /** State as of the last call (open stays open until a call arrives after the open time). */
  public get state(): BreakerStateName {
    return this.current;
  }

  /** True while held open by {@link isolate}. */
  public get isolated(): boolean {
    return this.holds > 0;
  }

  /** While open (and not isolated): when the breaker will admit a probe (ms), else null. */
  public get openUntil(): number | null {
    return this.current === 'open' && !this.isolated ? this.openUntilMs : null;
  }

  /** Half-open probes running now. */
  public get inFlightProbes(): number {
    return this.probesInFlight;
  }

  /** Every state change. Returns the disposable that removes the listener. */
  public onStateChange(listener: (transition: BreakerTransition) => void): Disposable {
    return this.stateChanges.add(listener);
  }

  /** The breaker opened (from closed or half-open). */
  public onBreak(listener: () => void): Disposable {
    return this.onStateChange(({ to }) => to === 'open' && listener());
  }

  /** The breaker closed again. */
  public onReset(listener: () => void): Disposable {
    return this.onStateChange(({ to }) => to === 'closed' && listener());
  }

  /** The breaker went half-open (probes may run). */
  public onHalfOpen(listener: () => void): Disposable {
    return this.onStateChange(({ to }) => to === 'half_open' && listener());
  }

  /**
   * Holds the breaker open by hand (an operator taking a region out): no
   * call is admitted and health checks do not let probes in until every hold
   * is disposed. Releasing the last hold moves the breaker to half-open, so
   * the next calls are probes.
   */
  public isolate(): Disposable {
    this.holds += 1;
    if (this.holds === 1) {
      this.probesInFlight = 0;
      this.probeSuccesses = 0;
      this.generation += 1;
      this.transition('open');
    }
    let released = false;
    return {
      dispose: () => {
        if (released) return;
        released = true;
        this.holds -= 1;
        if (this.holds === 0) {
          this.generation += 1;
          this.transition('half_open');
        }
      },
    };
  }

  /**
   * Applies a transition observed elsewhere (shared breaker state): `open`
   * until the given time without counting a failure here, or `closed` with
   * the policy starting over. An isolated breaker stays isolated.
   */
  public observe(transition: ObservedTransition, now: number): void {
    if (this.isolated) return;
    if (transition.state === 'open') {
      this.openUntilMs = transition.openUntil;
      this.probesInFlight = 0;
      this.probeSuccesses = 0;
      this.generation += 1;
      this.transition('open');
    } else if (this.current !== 'closed') {
      this.close(now);
    }
  }

  /** True when a call would be admitted now (does not change state). */
  public canAcquire(now: number): boolean {
    if (this.isolated) return false;
    if (this.current === 'closed') return true;
    if (this.current === 'open') return now >= this.openUntilMs && this.options.halfOpenMaxCalls > 0;
    return this.probesInFlight < this.options.halfOpenMaxCalls;
  }

  /** Asks to make one call; null when the breaker refuses (costs no attempt). */
  public tryAcquire(now: number): BreakerPermit | null {
    if (this.isolated) return null;
    if (this.current === 'open' && now < this.openUntilMs) return null;
    if (this.current !== 'closed') {
      if (this.current === 'half_open' && this.probesInFlight >= this.options.halfOpenMaxCalls) return null;
      const lease = this.leaseProbe();
      if (lease === null) return null;
      if (this.current === 'open') this.transition('half_open');
      this.probesInFlight += 1;
      return lease === undefined ? { probe: true, generation: this.generation } : { probe: true, generation: this.generation, lease };
    }
    return { probe: false, generation: this.generation };
  }

  /** Records a successful call. */
  public onSuccess(now: number, permit: BreakerPermit): void {
    if (permit.lease !== undefined) {
      if (permit.generation === this.generation) this.options.probeGate?.probeSucceeded(permit.lease);
      else this.options.probeGate?.probeReleased(permit.lease);
    }
    if (!this.release(permit)) return;
    if (this.current === 'half_open' && permit.probe) {
      this.probeSuccesses += 1;
      if (this.probeSuccesses >= this.options.halfOpenMaxCalls) this.close(now);
    } else if (this.current === 'closed') {
      this.options.policy.success(now, 'closed');
    }
  }

  /**
   * Records a failed call (5xx, 429, timeout, connection error).
   * `openForMs` (e.g. a 429's Retry-After) opens the breaker for that long at once.
   */
  public onFailure(now: number, permit: BreakerPermit, openForMs?: number): void {
    if (permit.lease !== undefined) this.options.probeGate?.probeReleased(permit.lease);
    if (!this.release(permit)) return;
    if (this.current === 'half_open' && permit.probe) {
      this.nextOpenMs = Math.min(this.options.maxRecoveryTimeoutMs, this.nextOpenMs * this.options.openBackoffMultiplier);
      this.open(now, openForMs);
    } else if (this.current === 'closed') {
      const trips = this.options.policy.failure(now, 'closed');
      if (trips || openForMs !== undefined) this.open(now, openForMs);
    }
  }

  /** Gives a permit back without a verdict (client error, client abort). */
  public onNeutral(permit: BreakerPermit): void {
    if (permit.lease !== undefined) this.options.probeGate?.probeReleased(permit.lease);
    this.release(permit);
  }

  /** An active health check passed: open → half-open at once; half-open → closed. Not while isolated. */
  public onHealthy(now: number): void {
    if (this.isolated) return;
    if (this.current === 'open') {
      this.openUntilMs = Math.min(this.openUntilMs, now);
    } else if (this.current === 'half_open') {
      this.close(now);
    }
  }

  /** A probe's lease: undefined when no gate applies, null when the gate refuses for now. */
  private leaseProbe(): string | undefined | null {
    const gate = this.options.probeGate;
    if (!gate?.active) return undefined;
    return gate.takeProbeLease() ?? null;
  }

  private release(permit: BreakerPermit): boolean {
    if (permit.generation !== this.generation) return false;
    if (permit.probe && this.probesInFlight > 0) this.probesInFlight -= 1;
    return true;
  }

  private open(now: number, openForMs?: number): void {
    const jitter = 0.9 + 0.2 * Math.min(Math.max(this.options.random(), 0), 1);
    const base = Math.min(this.options.maxRecoveryTimeoutMs, this.nextOpenMs * jitter);
    const duration = openForMs !== undefined ? Math.max(openForMs, 0) : base;
    this.openUntilMs = now + duration;
    this.probesInFlight = 0;
    this.probeSuccesses = 0;
    this.generation += 1;
    this.transition('open');
  }

  private close(now: number): void {
    // the success that closes a half-open breaker: the policy starts over
    this.options.policy.success(now, 'half_open');
    this.nextOpenMs = this.options.recoveryTimeoutMs;
    this.probesInFlight = 0;
    this.probeSuccesses = 0;
    this.generation += 1;
    this.transition('closed');
  }

  private transition(to: BreakerStateName): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.stateChanges.emit({ from, to });
  }
}
