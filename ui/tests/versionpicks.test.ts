import { describe, expect, it } from 'vitest';
import { pickAll, pickAt } from '../src/lib/versionpicks';

const ids = [10, 20, null, 30, 40];

describe('version picks', () => {
  it('a click toggles one row', () => {
    const one = pickAt(new Set(), ids, 1, null, false);
    expect([...one]).toEqual([20]);
    expect([...pickAt(one, ids, 1, 1, false)]).toEqual([]);
  });

  it('a shift-click extends from the last row clicked, either way, skipping rows without an id', () => {
    const first = pickAt(new Set(), ids, 0, null, false);
    expect([...pickAt(first, ids, 3, 0, true)].sort()).toEqual([10, 20, 30]);
    expect([...pickAt(new Set(), ids, 1, 4, true)].sort()).toEqual([20, 30, 40]);
  });

  it('a shift-click on a picked row unpicks the range', () => {
    const all = new Set([10, 20, 30, 40]);
    expect([...pickAt(all, ids, 3, 1, true)]).toEqual([10, 40]);
  });

  it('a row without an id is not picked', () => {
    const none = new Set<number>();
    expect(pickAt(none, ids, 2, null, false)).toBe(none);
  });

  it('select all picks every row shown, then clears', () => {
    const all = pickAll(new Set([10]), ids);
    expect([...all].sort()).toEqual([10, 20, 30, 40]);
    expect(pickAll(all, ids).size).toBe(0);
  });
});
