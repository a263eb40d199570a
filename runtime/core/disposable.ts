/** Something to undo: a listener to remove, a hold to release. Disposing twice is harmless. */
export interface Disposable {
  dispose(): void;
}

/** A set of listeners of one event; `add` returns the disposable that removes the listener. */
export class Listeners<T> {
  private readonly fns = new Set<(value: T) => void>();

  public add(fn: (value: T) => void): Disposable {
    // a wrapper per registration: adding the same function twice gives two listeners
    const entry = (value: T): void => fn(value);
    this.fns.add(entry);
    return { dispose: () => this.fns.delete(entry) };
  }

  /** Calls every listener; one that throws does not stop the others. */
  public emit(value: T): void {
    for (const fn of [...this.fns]) {
      try {
        fn(value);
      } catch {
        // listeners must not throw; the breaker's state has already changed
      }
    }
  }
}
