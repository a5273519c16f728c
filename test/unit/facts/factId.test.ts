import { describe, expect, it } from 'vitest';
import { newFactId } from '../../../src/main/node/facts/factId.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('fact ids', () => {
  it('are RFC 9562 UUIDv7 carrying the millisecond they were made in', () => {
    const ms = Date.UTC(2026, 10, 23, 12, 0, 0, 123);
    const id = newFactId(ms);
    expect(id).toMatch(V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
  });

  it('sort in time order across milliseconds and differ within one', () => {
    const ids = [1, 2, 1000, 65_536, 2 ** 40].map((d) => newFactId(Date.UTC(2026, 0, 1) + d));
    expect([...ids].sort()).toEqual(ids);
    const same = new Set(Array.from({ length: 1000 }, () => newFactId(42)));
    expect(same.size).toBe(1000);
  });
});
