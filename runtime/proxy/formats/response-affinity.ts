/**
 * Which upstream created each Responses API response id. The state of a
 * response (`previous_response_id`, `GET /v1/responses/{id}`) lives with the
 * provider that created it, so follow-ups must go there. Per pod by default
 * ({@link LocalResponseAffinity}); shared state (Redis) can implement the
 * same interface to make it fleet-wide.
 */
export interface ResponseAffinity {
  /** The upstream that created `responseId`, if remembered. */
  lookup(responseId: string): Promise<string | undefined>;
  /** Notes that `upstream` created `responseId` (fire and forget: never blocks a response). */
  remember(responseId: string, upstream: string): void;
  /** Forgets a deleted response. */
  forget(responseId: string): void;
}

/** Longest response id kept (OpenAI's are ~50 characters); longer ones are not remembered. */
const MAX_ID_LENGTH = 200;

/**
 * A bounded least-recently-used map of response id → upstream name, per
 * pod. `capacity` 0 remembers nothing. A lookup refreshes the entry.
 */
export class LocalResponseAffinity implements ResponseAffinity {
  private readonly entries = new Map<string, string>();

  public constructor(private capacity: number) {}

  /** Entries held now. */
  public get size(): number {
    return this.entries.size;
  }

  /** Applies a reloaded `limits.responseAffinityEntries` (the oldest entries go first). */
  public resize(capacity: number): void {
    this.capacity = capacity;
    this.evict();
  }

  public lookup(responseId: string): Promise<string | undefined> {
    const upstream = this.entries.get(responseId);
    if (upstream !== undefined) {
      this.entries.delete(responseId);
      this.entries.set(responseId, upstream);
    }
    return Promise.resolve(upstream);
  }

  public remember(responseId: string, upstream: string): void {
    if (this.capacity <= 0 || responseId.length === 0 || responseId.length > MAX_ID_LENGTH) return;
    this.entries.delete(responseId);
    this.entries.set(responseId, upstream);
    this.evict();
  }

  public forget(responseId: string): void {
    this.entries.delete(responseId);
  }

  private evict(): void {
    while (this.entries.size > Math.max(0, this.capacity)) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
