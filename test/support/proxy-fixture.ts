import { afterEach } from 'vitest';
import type { TestProxy } from './proxy-harness';
import type { MockUpstream } from '../../runtime/mock/mock-upstream';

/** The mocks and proxy one test started; closed after each test by {@link useProxyFixture}. */
export interface ProxyFixture {
  /** Mock upstreams of the current test (closed after it). */
  mocks: MockUpstream[];
  /** The proxy under test, if started (closed after it). */
  proxy: TestProxy | undefined;
  /** Extra cleanups of the current test (servers it started itself), run after it. */
  readonly cleanups: (() => Promise<void>)[];
}

/**
 * The shared setup of the proxy engine tests: registers an `afterEach` that
 * closes the proxy, then the mocks and extra servers, and resets the fixture.
 * Call once at the top of a `describe`.
 */
export function useProxyFixture(): ProxyFixture {
  const fixture: ProxyFixture = { mocks: [], proxy: undefined, cleanups: [] };
  afterEach(async () => {
    await fixture.proxy?.close();
    await Promise.all(fixture.mocks.map((m) => m.close()));
    await Promise.all(fixture.cleanups.splice(0).map((cleanup) => cleanup()));
    fixture.proxy = undefined;
    fixture.mocks = [];
  });
  return fixture;
}
