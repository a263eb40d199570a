import { describe, expect, it } from 'vitest';
import { UpstreamSelector } from '../../../runtime/core';

const up = (name: string, priority: number, weight = 1, models: string[] = []) => ({ name, priority, weight, models });

describe('UpstreamSelector', () => {
  it('orders by priority and filters by the model list', () => {
    // GIVEN upstreams with different priorities and model lists
    const selector = new UpstreamSelector();
    const list = [up('b', 2), up('a', 1, 1, ['gpt-4.1']), up('c', 3, 1, ['other'])];
    // WHEN ordering for gpt-4.1
    // THEN a before b; c does not serve it
    expect(selector.order(list, 'gpt-4.1').map((u) => u.name)).toEqual(['a', 'b']);
    expect(selector.order(list, undefined).map((u) => u.name)).toEqual(['b']);
  });

  it('shares equal priorities by weighted round robin', () => {
    // GIVEN two equal-priority upstreams weighted 3:1
    const selector = new UpstreamSelector();
    const list = [up('x', 1, 3), up('y', 1, 1), up('z', 2)];
    // WHEN 400 requests are ordered
    const firsts = { x: 0, y: 0 } as Record<string, number>;
    for (let i = 0; i < 400; i++) {
      const order = selector.order(list, 'm');
      firsts[order[0].name]++;
      expect(order.at(-1)!.name).toBe('z');
    }
    // THEN x goes first 3 times as often as y
    expect(firsts).toEqual({ x: 300, y: 100 });
  });
});
