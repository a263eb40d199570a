import type { RedisLink, SharedStateLog } from './redis-link';
import {
  BREAKER_CLOSE_SCRIPT, BREAKER_OPEN_SCRIPT, BREAKER_SYNC_SCRIPT, PROBE_LEASE_SCRIPT, PROBE_SUCCESS_SCRIPT,
} from './scripts/breaker-scripts';
import { LuaScript } from './scripts/lua-script';

/** What the fleet says about one upstream. */
export type FleetBreakerNews =
  | { readonly kind: 'open'; readonly upstream: string; /** Local clock (ms). */ readonly untilMs: number; readonly retryAfter: boolean }
  | { readonly kind: 'close'; readonly upstream: string };

/** Options of {@link FleetBreakerBoard}. */
export interface FleetBreakerBoardOptions {
  readonly link: RedisLink;
  /** Key prefix (ends with `:`). */
  readonly keyPrefix: string;
  /** This replica's id (unique per process). */
  readonly replicaId: string;
  /** Local clock, in ms (the engine's clock). */
  readonly now: () => number;
  readonly log: SharedStateLog;
  /** Called for every open or close learned from another replica (or from a sync). Must not throw. */
  readonly onNews: (news: FleetBreakerNews) => void;
}

/** A probe lease held by this replica. */
interface HeldLease {
  readonly id: string;
  /** Local clock (ms) after which the lease is no longer counted by Redis. */
  readonly expiresAt: number;
}

const OPEN = new LuaScript(BREAKER_OPEN_SCRIPT);
const CLOSE = new LuaScript(BREAKER_CLOSE_SCRIPT);
const LEASE = new LuaScript(PROBE_LEASE_SCRIPT);
const SUCCESS = new LuaScript(PROBE_SUCCESS_SCRIPT);
const SYNC = new LuaScript(BREAKER_SYNC_SCRIPT);

/**
 * The replicas' shared view of upstream health, on Redis. Opens and closes are
 * published on one channel and stored as an open key whose TTL is the open
 * time left, so a replica that starts or reconnects reads them back. Half-open
 * probes are leased: at most `halfOpenMaxCalls` probes per round across the
 * fleet, each lease with a TTL so a replica that dies does not stall the round.
 *
 * Nothing here is awaited on the request path: publishing is fire-and-forget,
 * and a probe lease is either held already ({@link takeLease}) or asked for in
 * the background while the request goes elsewhere.
 */
export class FleetBreakerBoard {
  private readonly channel: string;
  private upstreams: readonly string[] = [];
  private readonly leases = new Map<string, HeldLease[]>();
  private readonly asking = new Set<string>();
  private leaseSequence = 0;
  private started = false;

  constructor(private readonly options: FleetBreakerBoardOptions) {
    this.channel = `${options.keyPrefix}breakers`;
  }

  /** True while the fleet view is live (Redis reachable): decisions follow it. */
  get active(): boolean {
    return this.options.link.up;
  }

  /**
   * Subscribes to the fleet's news and reads what is open now (again after
   * each reconnect); called again with a reloaded upstream list, it follows
   * the list and reads again.
   */
  start(upstreams: readonly string[]): void {
    this.upstreams = upstreams;
    if (this.started) {
      void this.sync();
      return;
    }
    this.started = true;
    this.options.link.subscribe(this.channel, (message) => this.receive(message), () => void this.sync());
    this.options.link.onUp(() => void this.sync());
    this.options.link.onDown(() => this.leases.clear());
  }

  /**
   * Tells the fleet this replica opened `upstream` for `openForMs`
   * (Retry-After driven or not). When a longer open already stands the
   * replica hears it back as news.
   */
  publishOpen(upstream: string, openForMs: number, retryAfter: boolean): void {
    this.leases.delete(upstream);
    const ms = Math.max(1, Math.ceil(openForMs));
    const keys = this.keys(upstream);
    void this.options.link
      .run('breaker_publish', (redis) => OPEN.run(redis, keys, [ms, this.channel, this.options.replicaId, upstream, retryAfter ? '1' : '0']))
      .then((left) => {
        if (typeof left === 'number' && left > ms) this.options.onNews({ kind: 'open', upstream, untilMs: this.options.now() + left, retryAfter: false });
      })
      .catch(() => this.options.link.fallback('breaker_publish'));
  }

  /** Tells the fleet this replica closed `upstream` (its own probes passed); refused while an open stands. */
  publishClose(upstream: string): void {
    this.leases.delete(upstream);
    void this.options.link
      .run('breaker_publish', (redis) => CLOSE.run(redis, this.keys(upstream), [this.channel, this.options.replicaId, upstream]))
      .then((result) => {
        if (typeof result === 'number' && result < 0) this.options.onNews({ kind: 'open', upstream, untilMs: this.options.now() - result, retryAfter: false });
      })
      .catch(() => this.options.link.fallback('breaker_publish'));
  }

  /**
   * A probe lease for `upstream` when this replica holds one (it is used up);
   * otherwise undefined, and one lease is asked for in the background (the
   * caller treats the upstream as still open for this request).
   */
  takeLease(upstream: string, maxProbes: number, leaseTtlMs: number): string | undefined {
    const now = this.options.now();
    const held = (this.leases.get(upstream) ?? []).filter((lease) => lease.expiresAt > now);
    const lease = held.shift();
    if (held.length > 0) this.leases.set(upstream, held);
    else this.leases.delete(upstream);
    if (lease) return lease.id;
    this.askLease(upstream, maxProbes, leaseTtlMs);
    return undefined;
  }

  /** Leases held and unused (for status and tests). */
  heldLeases(upstream: string): number {
    const now = this.options.now();
    return (this.leases.get(upstream) ?? []).filter((lease) => lease.expiresAt > now).length;
  }

  /** A leased probe succeeded: counted fleet-wide; the fleet closes when the round has `maxProbes` successes. */
  probeSucceeded(upstream: string, leaseId: string, maxProbes: number): void {
    void this.options.link
      .run('probe_result', (redis) => SUCCESS.run(redis, this.keys(upstream), [leaseId, maxProbes, this.channel, this.options.replicaId, upstream]))
      .then((result) => {
        if (result === 2) this.options.onNews({ kind: 'close', upstream });
      })
      .catch(() => this.options.link.fallback('probe_result'));
  }

  /** A leased probe ended without a verdict (client error, abort): the lease goes back. */
  probeReleased(upstream: string, leaseId: string): void {
    void this.options.link
      .run('probe_result', (redis) => redis.zrem(this.keys(upstream)[1], leaseId))
      .catch(() => this.options.link.fallback('probe_result'));
  }

  /** Re-reads the open time left of every upstream (start, reconnect). */
  async sync(): Promise<void> {
    const names = this.upstreams;
    if (names.length === 0 || !this.options.link.up) return;
    try {
      const left = (await this.options.link.run('breaker_sync', (redis) => SYNC.run(redis, names.map((name) => this.keys(name)[0]), []))) as number[];
      const now = this.options.now();
      names.forEach((upstream, index) => {
        const ms = left[index];
        if (typeof ms === 'number' && ms > 0) this.options.onNews({ kind: 'open', upstream, untilMs: now + ms, retryAfter: false });
      });
    } catch {
      this.options.link.fallback('breaker_sync');
    }
  }

  private askLease(upstream: string, maxProbes: number, leaseTtlMs: number): void {
    if (this.asking.has(upstream) || !this.options.link.up) return;
    this.asking.add(upstream);
    const ttl = Math.max(1, Math.ceil(leaseTtlMs));
    const prefix = `${this.options.replicaId}:${++this.leaseSequence}`;
    const askedAt = this.options.now();
    void this.options.link
      .run('probe_lease', (redis) => LEASE.run(redis, this.keys(upstream), [maxProbes, ttl, prefix, 1]))
      .then((reply) => {
        const [granted, openLeft, ...ids] = reply as [number, number, ...string[]];
        if (granted > 0) {
          // counted from when it was asked: the lease expires in Redis no later than that
          const held = this.leases.get(upstream) ?? [];
          for (const id of ids) held.push({ id, expiresAt: askedAt + ttl });
          this.leases.set(upstream, held);
        } else if (openLeft > 0) {
          this.options.onNews({ kind: 'open', upstream, untilMs: this.options.now() + openLeft, retryAfter: false });
        }
      })
      .catch(() => this.options.link.fallback('probe_lease'))
      .finally(() => this.asking.delete(upstream));
  }

  private receive(message: string): void {
    let parsed: { t?: unknown; u?: unknown; ms?: unknown; by?: unknown; ra?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.by === this.options.replicaId || typeof parsed.u !== 'string' || !this.upstreams.includes(parsed.u)) return;
    const upstream = parsed.u;
    this.leases.delete(upstream);
    if (parsed.t === 'open' && typeof parsed.ms === 'number') {
      this.options.onNews({ kind: 'open', upstream, untilMs: this.options.now() + parsed.ms, retryAfter: parsed.ra === true });
    } else if (parsed.t === 'close') {
      this.options.onNews({ kind: 'close', upstream });
    }
  }

  /** Open key, lease set, success count of one upstream. */
  private keys(upstream: string): [string, string, string] {
    const base = `${this.options.keyPrefix}breaker:${upstream}`;
    return [`${base}:open`, `${base}:leases`, `${base}:ok`];
  }
}
