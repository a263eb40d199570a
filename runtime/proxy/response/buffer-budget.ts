/**
 * One pod-wide budget of response bytes held in memory at once (bodies
 * buffered for pricing and their copies waiting in socket buffers for slow
 * readers). Each response takes a {@link BufferLease} and grows it chunk by
 * chunk; a chunk that does not fit is refused and the response is streamed
 * through instead. A lease is released when its response is done.
 */
export class BufferBudget {
  private usedBytes = 0;

  public constructor(private limitBytes: number) {}

  /** Bytes reserved now. */
  public get used(): number {
    return this.usedBytes;
  }

  /** The budget in bytes. */
  public get limit(): number {
    return this.limitBytes;
  }

  /** Applies a reloaded limit (leases already held stay; new growth sees the new limit). */
  public setLimit(limitBytes: number): void {
    this.limitBytes = limitBytes;
  }

  /** A new, empty lease. */
  public lease(): BufferLease {
    return new BufferLease(this);
  }

  /** @internal reserves `bytes` when they fit. */
  public tryReserve(bytes: number): boolean {
    if (this.usedBytes + bytes > this.limitBytes) return false;
    this.usedBytes += bytes;
    return true;
  }

  /** @internal gives `bytes` back. */
  public free(bytes: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - bytes);
  }
}

/** The bytes one response holds of a {@link BufferBudget}. */
export class BufferLease {
  private held = 0;
  private released = false;

  public constructor(private readonly budget: BufferBudget) {}

  /** Bytes this lease holds. */
  public get bytes(): number {
    return this.held;
  }

  /** Takes `bytes` more; false (nothing taken) when the budget has no room or the lease was released. */
  public grow(bytes: number): boolean {
    if (this.released || !this.budget.tryReserve(bytes)) return false;
    this.held += bytes;
    return true;
  }

  /** Gives everything back; later calls do nothing. */
  public release(): void {
    if (this.released) return;
    this.released = true;
    this.budget.free(this.held);
    this.held = 0;
  }
}
