import { describe, expect, it } from 'vitest';
import { LocalResponseAffinity } from '../../../../runtime/proxy/formats/response-affinity';

describe('LocalResponseAffinity', () => {
  it('remembers which upstream created a response, bounded, least recently used first out', async () => {
    // GIVEN room for two ids
    const affinity = new LocalResponseAffinity(2);
    affinity.remember('resp_a', 'primary');
    affinity.remember('resp_b', 'backup');
    // WHEN a is looked up (refreshed) and c is added
    expect(await affinity.lookup('resp_a')).toBe('primary');
    affinity.remember('resp_c', 'primary');
    // THEN b, the least recently used, is gone
    expect(await affinity.lookup('resp_b')).toBeUndefined();
    expect(await affinity.lookup('resp_c')).toBe('primary');
    expect(affinity.size).toBe(2);
  });

  it('forgets deleted ids, remembers nothing at capacity 0, and shrinks on resize', async () => {
    // GIVEN an affinity with two ids
    const affinity = new LocalResponseAffinity(5);
    affinity.remember('resp_a', 'primary');
    affinity.remember('resp_b', 'primary');
    // WHEN one is forgotten and the capacity drops to 0
    affinity.forget('resp_a');
    expect(await affinity.lookup('resp_a')).toBeUndefined();
    affinity.resize(0);
    affinity.remember('resp_c', 'primary');
    // THEN nothing is held
    expect(affinity.size).toBe(0);
  });
});
