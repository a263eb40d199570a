import { afterEach } from 'vitest';
import type { TestProxy } from './proxy-harness';
import type { MockUpstream } from '../../runtime/mock/mock-upstream';

/** The mocks and proxy one test started; closed after each test by {@link useProxyFixture}. */
export interface ProxyFixture<P extends { close(): Promise<void> } = TestProxy> {
  /** Mock upstreams of the current test (closed after it). */
  mocks: MockUpstream[];
  /** The proxy under test, if started (closed after it). */
  proxy: P | undefined;
  /** Extra cleanups of the current test (servers it started itself), run after it. */
  readonly cleanups: (() => Promise<void>)[];
}

/**
 * The shared setup of the proxy engine tests: registers an `afterEach` that
 * closes the proxy, then the mocks and extra servers, and resets the fixture.
 * Call once at the top of a `describe`; `P` is the proxy's type (a
 * {@link TestProxy}, or the `StartedProxy` of running-proxy.ts).
 */
export function useProxyFixture<P extends { close(): Promise<void> } = TestProxy>(): ProxyFixture<P> {
  const fixture: ProxyFixture<P> = { mocks: [], proxy: undefined, cleanups: [] };
  afterEach(async () => {
    await fixture.proxy?.close();
    await Promise.all(fixture.mocks.map((m) => m.close()));
    await Promise.all(fixture.cleanups.splice(0).map((cleanup) => cleanup()));
    fixture.proxy = undefined;
    fixture.mocks = [];
  });
  return fixture;
}
