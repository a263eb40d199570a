/**
 * Retries `check` until it returns without throwing (an `expect` passing),
 * for at most `timeoutMs`; then throws the last failure. The one bounded
 * polling loop of the tests: for state that settles after a socket event,
 * never to wait out a timer (use fake timers or an injected `now` for those).
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 3000, intervalMs = 10): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (performance.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
