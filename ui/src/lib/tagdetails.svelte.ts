// The details of a repository's tags (digest, kind, platforms, size, date), asked of the
// registry a few at a time: the rows in view first, then, for a sort that needs them all,
// the rest. A grouping by digest needs only where each tag points: one scan of the whole
// repository (a vendor API's versions, or a HEAD per tag), with the details asked only if
// that fails. The Versions view uses the same queue keyed by digest (its `describe`
// reads `repository@digest`). Answers for an earlier repository are ignored after
// `reset`, and a registry that limits requests is not asked for the rest. A tag whose
// details failed keeps why (its row says so) and can be asked again (`retry`).
import type { TagDigest, TagSummary } from './bindings';

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
  /** Where every tag points, in one answer (for grouping by digest). */
  digests?: () => Promise<TagDigest[]>;
};

/** Where the scan of every tag's digest stands: `failed` means the details are asked. */
export type DigestScan = 'none' | 'running' | 'done' | 'failed';

export class TagDetails {
  /** Every tag asked about so far, by name. */
  details = $state<Record<string, TagDetail>>({});
  /** Why asking for a tag's details failed, for the tags marked 'error'. Raw: replaced
   * whole on each change. */
  failures = $state.raw<Map<string, unknown>>(new Map());
  /** Where each tag points, from the scan (and the actions since). Raw: 10,000 entries
   * need no per-item proxies; replaced whole on each change. */
  digests = $state.raw<Map<string, string>>(new Map());
  scan = $state<DigestScan>('none');
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
    this.failures = new Map();
    this.digests = new Map();
    this.scan = 'none';
  }

  /** Ask once where every tag points (a grouping needs it); tags the actions since have
   * moved keep what the actions said. */
  scanDigests() {
    const ask = this.#source.digests;
    if (this.scan !== 'none' || !ask) return;
    this.scan = 'running';
    const mine = this.#generation;
    ask()
      .then((found) => {
        if (mine !== this.#generation) return;
        const digests = new Map(found.map((t) => [t.tag, t.digest]));
        for (const [tag, digest] of this.digests) digests.set(tag, digest);
        this.digests = digests;
        this.scan = 'done';
      })
      .catch(() => {
        if (mine === this.#generation) this.scan = 'failed';
      });
  }

  #setDigest(tag: string, digest: string | null) {
    if (!this.digests.has(tag) && digest === null) return;
    const digests = new Map(this.digests);
    if (digest === null) digests.delete(tag);
    else digests.set(tag, digest);
    this.digests = digests;
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
    this.#setDigest(tag, null);
    this.details[tag] = 'loading';
    this.#queue.push(tag);
    this.#pump();
  }

  /** Ask again for `tag`, whose details failed, before the rest (where it points stays). */
  retry(tag: string) {
    if (this.details[tag] !== 'error') return;
    this.#failed(tag, null);
    this.details[tag] = 'loading';
    this.#queue.unshift(tag);
    this.#pump();
  }

  #failed(tag: string, error: unknown) {
    if (error === null && !this.failures.has(tag)) return;
    const failures = new Map(this.failures);
    if (error === null) failures.delete(tag);
    else failures.set(tag, error);
    this.failures = failures;
  }

  /** `tag` now points to `digest`: it has the details of a tag known to point there, or
   * none yet (the rows in view ask). */
  pointed(tag: string, digest: string) {
    this.#setDigest(tag, digest);
    const like = Object.values(this.details).find((d) => typeof d === 'object' && d.digest === digest);
    if (typeof like === 'object') this.details[tag] = { ...like, tag };
    else delete this.details[tag];
  }

  /** Tags that are gone. */
  forget(tags: string[]) {
    for (const t of tags) {
      delete this.details[t];
      this.#failed(t, null);
    }
    if (tags.some((t) => this.digests.has(t))) {
      const digests = new Map(this.digests);
      for (const t of tags) digests.delete(t);
      this.digests = digests;
    }
  }

  /** The digest `tag` points to, when its details or the scan say. */
  digestOf(tag: string): string | null {
    const d = this.details[tag];
    return typeof d === 'object' ? d.digest : (this.digests.get(tag) ?? null);
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
          if (mine !== this.#generation) return;
          this.details[tag] = d;
          this.#failed(tag, null);
        })
        .catch((e) => {
          if (mine !== this.#generation) return;
          this.details[tag] = 'error';
          this.#failed(tag, e);
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
