/** Polls `check` until it returns without throwing, at most `timeoutMs` (bounded: no endless loop). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 3000, intervalMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
