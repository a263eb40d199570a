import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from '../../../runtime/proxy/intake/json-depth';

describe('nestsDeeperThan', () => {
  it.each([
    ['a scalar', 'hello', 1, false],
    ['an empty object at level 1', {}, 1, false],
    ['an object in an object at limit 1', { a: {} }, 1, true],
    ['arrays nested exactly to the limit', [[[]]], 3, false],
    ['arrays nested one past the limit', [[[[]]]], 3, true],
    ['a deep value after shallow siblings', { a: 1, b: [1, 2], c: { d: { e: {} } } }, 3, true],
  ])('%s', (_label, value, limit, expected) => {
    expect(nestsDeeperThan(value, limit)).toBe(expected);
  });

  it('walks 100 000 levels without overflowing the stack', () => {
    // GIVEN a value nested far beyond any stack
    const value = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
    // WHEN it is checked against 64
    // THEN the walk stops at the limit
    expect(nestsDeeperThan(value, 64)).toBe(true);
  });

  it('looks at own keys named like Object.prototype members', () => {
    const value = JSON.parse('{"__proto__":{"constructor":{"x":{}}}}') as unknown;
    expect(nestsDeeperThan(value, 3)).toBe(true);
    expect(nestsDeeperThan(value, 4)).toBe(false);
  });
});
