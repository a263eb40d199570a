import type { RedisLink } from './redis-link';
import { LuaScript } from './scripts/lua-script';
import { USAGE_ADD_SCRIPT } from './scripts/usage-scripts';

/**
 * Usage counters as a flat map: `total_input_tokens`, `stats|total_requests`,
 * `by_model|gpt-4.1|input_tokens`, ... (groups, names and fields joined by
 * `|`). Fields named `*cost*` are USD amounts; every other field is a count.
 */
export type UsageCounters = ReadonlyMap<string, number>;

/** The fleet's summed counters and the earliest start among the replicas that reported. */
export interface FleetUsageSnapshot {
  readonly counters: UsageCounters;
  /** ISO 8601. */
  readonly since: string;
}

/** Options of {@link FleetUsage}. */
export interface FleetUsageOptions {
  readonly link: RedisLink;
  /** Key prefix (ends with `:`). */
  readonly keyPrefix: string;
  /** This replica's start time (ISO 8601): the report's `since` until the hash holds a count. */
  readonly since: string;
  /** Wall clock, in ms (the time of each batch's first count). @default Date.now */
  readonly now?: () => number;
}

const ADD = new LuaScript(USAGE_ADD_SCRIPT);
/** USD amounts are summed as integer nano-dollars: exact across replicas and restarts of the sum. */
const NANO = 1e9;
const SINCE_FIELD = 'since';

/** True for a field that holds USD. */
function isCost(field: string): boolean {
  return field.slice(field.lastIndexOf('|') + 1).includes('cost');
}

/**
 * The fleet's usage totals in one Redis hash: each replica adds what it
 * counted in batches (one atomic script per batch, off the request path) and
 * keeps what it could not send while Redis was away, sending it when Redis
 * is back. Reading flushes this replica's batch first, so a replica sees its
 * own requests in the fleet sum.
 */
export class FleetUsage {
  private readonly key: string;
  private pending = new Map<string, number>();
  /** When the first pending count was made (ISO 8601). */
  private pendingSince: string | undefined;
  private flushing: Promise<void> | undefined;

  constructor(private readonly options: FleetUsageOptions) {
    this.key = `${options.keyPrefix}usage`;
    options.link.onUp(() => void this.flush());
  }

  /** Counts one request's counters; they are sent soon after (coalesced). */
  add(counters: Iterable<readonly [string, number]>): void {
    this.pendingSince ??= new Date((this.options.now ?? Date.now)()).toISOString();
    merge(this.pending, counters);
    // while Redis is away the counters wait here; the link's recovery sends them
    if (!this.flushing && this.options.link.up) void this.startSend();
  }

  /** Sends what is pending now (and waits for a send in progress). */
  async flush(): Promise<void> {
    for (let round = 0; this.flushing && round < 3; round++) await this.flushing;
    if (this.pending.size > 0 && !this.flushing) await this.startSend();
  }

  /** Counters not yet in Redis (kept while Redis is away). */
  get pendingFields(): number {
    return this.pending.size;
  }

  /** The fleet's totals (after sending this replica's pending counters); rejects while Redis is away. */
  async read(): Promise<FleetUsageSnapshot> {
    await this.flush();
    const hash = await this.options.link.run('usage_read', (redis) => redis.hgetall(this.key));
    const counters = new Map<string, number>();
    for (const [field, raw] of Object.entries(hash)) {
      if (field === SINCE_FIELD) continue;
      const value = Number(raw);
      counters.set(field, isCost(field) ? value / NANO : value);
    }
    return { counters, since: hash[SINCE_FIELD] ?? this.options.since };
  }

  /** One send at a time (`flushing` is set while it runs); what was counted meanwhile is sent right after. */
  private startSend(): Promise<void> {
    const sending = Promise.resolve().then(() => this.send()).then((sent) => {
      if (this.flushing === sending) this.flushing = undefined;
      if (sent && this.pending.size > 0 && this.options.link.up) void this.startSend();
    });
    this.flushing = sending;
    return sending;
  }

  /** Sends the pending batch; false (and the batch kept) when Redis did not take it. */
  private async send(): Promise<boolean> {
    const batch = this.pending;
    const since = this.pendingSince ?? this.options.since;
    this.pending = new Map();
    this.pendingSince = undefined;
    if (batch.size === 0) return true;
    try {
      if (!this.options.link.up) throw new Error('shared state unavailable');
      // the hash keeps the earliest count's time as `since` (a Redis restart starts it again)
      const args: Array<string | number> = [since];
      for (const [field, value] of batch) args.push(field, isCost(field) ? Math.round(value * NANO) : Math.round(value));
      await this.options.link.run('usage_flush', (redis) => ADD.run(redis, [this.key], args));
      return true;
    } catch {
      // kept for the next send (labels are bounded, so the map is too)
      merge(this.pending, batch);
      this.pendingSince = since;
      this.options.link.fallback('usage_flush');
      return false;
    }
  }
}

function merge(into: Map<string, number>, counters: Iterable<readonly [string, number]>): void {
  for (const [field, value] of counters) {
    if (value !== 0) into.set(field, (into.get(field) ?? 0) + value);
  }
}
