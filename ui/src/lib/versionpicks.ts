// Picking versions in the Versions view: a click toggles one row, a shift-click gives
// every row from the last one clicked to this one the clicked row's new state, and
// "Select all" picks every row shown (or clears them when all are picked already). Rows
// without an id (Docker Hub's) cannot be picked.

/** The picks after a click on row `index` of `ids` (the rows shown, in order), with
 * `anchor` the row clicked last. */
export function pickAt(picked: Set<number>, ids: (number | null)[], index: number, anchor: number | null, shift: boolean): Set<number> {
  const id = ids[index];
  if (id === null || id === undefined) return picked;
  const next = new Set(picked);
  const on = !next.has(id);
  const [from, to] = shift && anchor !== null ? [Math.min(anchor, index), Math.max(anchor, index)] : [index, index];
  for (const each of ids.slice(from, to + 1)) {
    if (each === null) continue;
    if (on) next.add(each);
    else next.delete(each);
  }
  return next;
}

/** Every row shown picked, or none when they all are already. */
export function pickAll(picked: Set<number>, ids: (number | null)[]): Set<number> {
  const all = ids.filter((id): id is number => id !== null);
  return all.every((id) => picked.has(id)) ? new Set() : new Set(all);
}
