// The tags picked in the tag list, for removing or comparing them together: a row's box
// or Space toggles it, shift-click picks a range from the last row toggled, ctrl-click
// toggles a row, Ctrl+A picks every row shown. A row may stand for several tags (a group
// of tags on one image): picking it picks them all.

/** The modifier keys of a click. */
export type Mods = { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean };

export class TagSelection {
  /** The picked tags. */
  picked = $state.raw<Set<string>>(new Set());
  // Where a shift-click range starts: the row last toggled.
  #anchor: number | null = null;
  #tagsOf: (row: string) => string[];

  /** `tagsOf` says which tags a row stands for. */
  constructor(tagsOf: (row: string) => string[] = (row) => [row]) {
    this.#tagsOf = tagsOf;
  }

  /** Whether every tag of `row` is picked. */
  has(row: string): boolean {
    return this.#tagsOf(row).every((t) => this.picked.has(t));
  }

  /** Pick the tags of `row`, or drop them when all are picked; a range starts there. */
  toggle(row: string, index: number) {
    const next = new Set(this.picked);
    const all = this.#tagsOf(row);
    if (all.every((t) => next.has(t))) for (const t of all) next.delete(t);
    else for (const t of all) next.add(t);
    this.picked = next;
    this.#anchor = index;
  }

  /** Add the rows from where the range starts to `to` (`to` alone without a start); the
   * start stays. */
  range(rows: string[], to: number) {
    const from = this.#anchor ?? to;
    const [a, b] = from < to ? [from, to] : [to, from];
    this.#add(rows.slice(a, b + 1));
  }

  /** A click with `mods` on `row`, at `index` of `rows`: whether it picked (shift: a
   * range; ctrl or cmd: a toggle) rather than opened. */
  click(rows: string[], row: string, index: number, mods: Mods): boolean {
    if (mods.shiftKey) {
      this.range(rows, index);
      return true;
    }
    if (mods.ctrlKey || mods.metaKey) {
      this.toggle(row, index);
      return true;
    }
    return false;
  }

  /** A click on `row`'s box: a toggle, or with shift a range; the next range starts there. */
  box(rows: string[], row: string, index: number, shift: boolean) {
    if (shift) {
      this.range(rows, index);
      this.#anchor = index;
    } else this.toggle(row, index);
  }

  /** Add every row of `rows`. */
  all(rows: string[]) {
    this.#add(rows);
  }

  /** Pick nothing (and forget the range's start). */
  clear() {
    this.picked = new Set();
    this.#anchor = null;
  }

  /** Tags that are gone leave the selection. */
  drop(gone: string[]) {
    const set = new Set(gone);
    this.picked = new Set([...this.picked].filter((t) => !set.has(t)));
  }

  #add(rows: string[]) {
    this.picked = new Set([...this.picked, ...rows.flatMap(this.#tagsOf)]);
  }
}
