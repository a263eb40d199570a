import { describe, expect, it } from 'vitest';
import { BufferBudget } from '../../../runtime/proxy/response/buffer-budget';

describe('BufferBudget', () => {
  it('lets leases grow until the budget is used, then refuses without taking anything', () => {
    // GIVEN a 100-byte budget and two leases
    const budget = new BufferBudget(100);
    const a = budget.lease();
    const b = budget.lease();
    // WHEN they grow past it
    expect(a.grow(60)).toBe(true);
    expect(b.grow(40)).toBe(true);
    expect(b.grow(1)).toBe(false);
    // THEN the refused growth took nothing
    expect(budget.used).toBe(100);
    expect(b.bytes).toBe(40);
  });

  it('gives a lease back once, however often it is released', () => {
    // GIVEN a lease holding 60 of 100 bytes
    const budget = new BufferBudget(100);
    const a = budget.lease();
    a.grow(60);
    // WHEN it is released twice
    a.release();
    a.release();
    // THEN the budget is whole again and the lease cannot grow
    expect(budget.used).toBe(0);
    expect(a.grow(1)).toBe(false);
    expect(budget.lease().grow(100)).toBe(true);
  });

  it('applies a lowered limit to new growth only', () => {
    // GIVEN 80 bytes held of 100
    const budget = new BufferBudget(100);
    const a = budget.lease();
    a.grow(80);
    // WHEN the limit drops to 50
    budget.setLimit(50);
    // THEN what is held stays and nothing more fits until it is released
    expect(budget.used).toBe(80);
    expect(budget.lease().grow(1)).toBe(false);
    a.release();
    expect(budget.lease().grow(50)).toBe(true);
  });
});
