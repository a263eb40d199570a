import type { RedisLink } from './redis-link';
import type { ResponseAffinity } from '../proxy/formats/response-affinity';

/** Options of {@link RedisResponseAffinity}. */
export interface RedisResponseAffinityOptions {
  readonly link: RedisLink;
  /** Key prefix (ends with `:`). */
  readonly keyPrefix: string;
  /** This pod's LRU: answers first, and alone while Redis is away. */
  readonly local: ResponseAffinity;
  /** How long the fleet remembers a response's upstream, in seconds. @default 86400 (a day) */
  readonly ttlSeconds?: number;
}

/** Longest response id kept fleet-wide (as the pod-local LRU). */
const MAX_ID_LENGTH = 200;
const DAY_SECONDS = 86_400;

/**
 * Which upstream created each Responses API response id, fleet-wide: a
 * follow-up (`previous_response_id`, `GET /v1/responses/{id}`) that reaches
 * another replica still goes to the creator. The pod's own LRU answers first;
 * otherwise one GET on Redis (bounded by the command timeout). Remembering and
 * forgetting are fire-and-forget. While Redis is away it is the pod-local LRU.
 */
export class RedisResponseAffinity implements ResponseAffinity {
  private readonly ttlSeconds: number;

  constructor(private readonly options: RedisResponseAffinityOptions) {
    this.ttlSeconds = options.ttlSeconds ?? DAY_SECONDS;
  }

  async lookup(responseId: string): Promise<string | undefined> {
    const local = await this.options.local.lookup(responseId);
    if (local !== undefined || !this.usable(responseId)) return local;
    try {
      const upstream = await this.options.link.run('affinity', (redis) => redis.get(this.keyOf(responseId)));
      if (upstream) this.options.local.remember(responseId, upstream);
      return upstream ?? undefined;
    } catch {
      this.options.link.fallback('affinity');
      return undefined;
    }
  }

  remember(responseId: string, upstream: string): void {
    this.options.local.remember(responseId, upstream);
    if (!this.usable(responseId)) return;
    void this.options.link
      .run('affinity', (redis) => redis.set(this.keyOf(responseId), upstream, 'EX', this.ttlSeconds))
      .catch(() => this.options.link.fallback('affinity'));
  }

  forget(responseId: string): void {
    this.options.local.forget(responseId);
    if (!this.usable(responseId)) return;
    void this.options.link
      .run('affinity', (redis) => redis.del(this.keyOf(responseId)))
      .catch(() => this.options.link.fallback('affinity'));
  }

  private usable(responseId: string): boolean {
    return this.options.link.up && responseId.length > 0 && responseId.length <= MAX_ID_LENGTH;
  }

  private keyOf(responseId: string): string {
    return `${this.options.keyPrefix}response:${responseId}`;
  }
}
