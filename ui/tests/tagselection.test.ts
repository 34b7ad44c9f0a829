import { describe, expect, it } from 'vitest';
import { TagSelection } from '../src/lib/tagselection.svelte';

const rows = ['a', 'b', 'c', 'd', 'e'];
const none = { shiftKey: false, ctrlKey: false, metaKey: false };
const picked = (s: TagSelection) => [...s.picked].sort();

describe('tag selection', () => {
  it('toggles rows, and picks a range from the last row toggled', () => {
    const s = new TagSelection();
    s.toggle('b', 1);
    expect(picked(s)).toEqual(['b']);
    s.range(rows, 3);
    expect(picked(s)).toEqual(['b', 'c', 'd']);
    // The range's start stays where it was: a range back from there.
    s.range(rows, 0);
    expect(picked(s)).toEqual(['a', 'b', 'c', 'd']);
    s.toggle('c', 2);
    expect(picked(s)).toEqual(['a', 'b', 'd']);
    expect(s.has('c')).toBe(false);
  });

  it('picks a range on shift-click and toggles on ctrl-click; a plain click opens', () => {
    const s = new TagSelection();
    expect(s.click(rows, 'c', 2, none)).toBe(false);
    expect(s.picked.size).toBe(0);
    // Without a start, a shift-click picks its own row.
    expect(s.click(rows, 'c', 2, { ...none, shiftKey: true })).toBe(true);
    expect(picked(s)).toEqual(['c']);
    expect(s.click(rows, 'e', 4, { ...none, metaKey: true })).toBe(true);
    expect(s.click(rows, 'a', 0, { ...none, ctrlKey: true })).toBe(true);
    expect(picked(s)).toEqual(['a', 'c', 'e']);
    // The last toggle (a) is where the next range starts.
    s.click(rows, 'b', 1, { ...none, shiftKey: true });
    expect(picked(s)).toEqual(['a', 'b', 'c', 'e']);
  });

  it("moves the range's start on a shift-click of a row's box", () => {
    const s = new TagSelection();
    s.box(rows, 'a', 0, false);
    s.box(rows, 'b', 1, true);
    s.box(rows, 'd', 3, true);
    expect(picked(s)).toEqual(['a', 'b', 'c', 'd']);
    s.box(rows, 'd', 3, false);
    expect(picked(s)).toEqual(['a', 'b', 'c']);
  });

  it('picks and drops every tag a group row stands for', () => {
    const groups: Record<string, string[]> = { a: ['a', 'a2'], c: ['c', 'c2', 'c3'] };
    const s = new TagSelection((row) => groups[row] ?? [row]);
    s.toggle('a', 0);
    expect(picked(s)).toEqual(['a', 'a2']);
    expect(s.has('a')).toBe(true);
    s.drop(['a2']);
    expect(s.has('a')).toBe(false);
    // A row partly picked is picked whole by a toggle.
    s.toggle('a', 0);
    expect(picked(s)).toEqual(['a', 'a2']);
    s.all(['a', 'b', 'c']);
    expect(picked(s)).toEqual(['a', 'a2', 'b', 'c', 'c2', 'c3']);
    s.clear();
    expect(s.picked.size).toBe(0);
    // After clear, no range start is left.
    s.range(['a', 'b', 'c'], 1);
    expect(picked(s)).toEqual(['b']);
  });
});
