// The details of a repository's tags (digest, kind, platforms, size, date), asked of the
// registry a few at a time: the rows in view first, then, for a sort or a grouping that
// needs them all, the rest. Answers for an earlier repository are ignored after `reset`,
// and a registry that limits requests is not asked for the rest.
import type { TagSummary } from './bindings';

/** A tag's details, or where asking for them stands. */
export type TagDetail = TagSummary | 'loading' | 'error';

export type DetailSource = {
  /** Ask the registry for one tag's details. */
  describe: (tag: string) => Promise<TagSummary>;
  /** Whether a failure means the registry limits requests: the queue is then emptied. */
  limited: (error: unknown) => boolean;
  /** Told when the queue was emptied because of a limit. */
  onlimited: () => void;
  /** Requests at once (6 unless said). */
  parallel?: number;
};

export class TagDetails {
  /** Every tag asked about so far, by name. */
  details = $state<Record<string, TagDetail>>({});
  #queue: string[] = [];
  #running = 0;
  // Tags being asked for now (a tag may be queued twice: in view, and for a sort).
  #asking = new Set<string>();
  // Bumped by `reset`, so an answer for the list before is not written into this one.
  #generation = 0;
  #source: DetailSource;

  constructor(source: DetailSource) {
    this.#source = source;
  }

  /** Forget everything (another repository, or a reload). */
  reset() {
    this.#generation++;
    this.#queue.length = 0;
    this.details = {};
  }

  /** Queue every tag of `tags` not asked about yet, after the ones queued (a sort). */
  want(tags: string[]) {
    for (const t of tags) {
      if (this.details[t] !== undefined) continue;
      this.details[t] = 'loading';
      this.#queue.push(t);
    }
    this.#pump();
  }

  /** The rows in view: asked for first. Unless `keepRest`, rows scrolled past leave the
   * queue. */
  inView(tags: string[], keepRest: boolean) {
    const waiting: string[] = [];
    for (const tag of tags) {
      if (this.details[tag] === undefined) this.details[tag] = 'loading';
      if (this.details[tag] === 'loading') waiting.push(tag);
    }
    if (!keepRest) this.#queue.length = 0;
    this.#queue.unshift(...waiting);
    this.#pump();
  }

  /** Ask again for `tag` (it was just written). */
  refresh(tag: string) {
    this.details[tag] = 'loading';
    this.#queue.push(tag);
    this.#pump();
  }

  /** `tag` now points to `digest`: it has the details of a tag known to point there, or
   * none yet (the rows in view ask). */
  pointed(tag: string, digest: string) {
    const like = Object.values(this.details).find((d) => typeof d === 'object' && d.digest === digest);
    if (typeof like === 'object') this.details[tag] = { ...like, tag };
    else delete this.details[tag];
  }

  /** Tags that are gone. */
  forget(tags: string[]) {
    for (const t of tags) delete this.details[t];
  }

  /** The digest `tag` points to, when its details are in. */
  digestOf(tag: string): string | null {
    const d = this.details[tag];
    return typeof d === 'object' ? d.digest : null;
  }

  #pump() {
    const parallel = this.#source.parallel ?? 6;
    while (this.#running < parallel && this.#queue.length) {
      const tag = this.#queue.shift()!;
      if (this.details[tag] !== 'loading' || this.#asking.has(tag)) continue;
      this.#running++;
      this.#asking.add(tag);
      const mine = this.#generation;
      this.#source
        .describe(tag)
        .then((d) => {
          if (mine === this.#generation) this.details[tag] = d;
        })
        .catch((e) => {
          if (mine !== this.#generation) return;
          this.details[tag] = 'error';
          // A registry that limits requests is not asked for the rest (a sort over every
          // tag would spend the user's pull allowance): the rows in view ask again.
          if (this.#source.limited(e)) {
            this.#queue.length = 0;
            this.#source.onlimited();
          }
        })
        .finally(() => {
          this.#running--;
          this.#asking.delete(tag);
          this.#pump();
        });
    }
  }
}
