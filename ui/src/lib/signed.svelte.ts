// The tag list's Signed column: each row's answer asked of the backend a few at a time
// (reading signatures costs several registry requests), only for the rows in view, and
// kept for the session by image (`host/repo@sha256:…`), so scrolling back or opening the
// repository again asks nothing. A row scrolled away before its turn leaves the queue;
// nothing here waits on the list, so scrolling never does. A registry that limits
// requests is not asked again by this list (as the rows' details are not). Changing what
// is trusted (a key, a root, a repository's expected signer) clears the answers
// (`signedCache.clear`); a failure is asked again when the list is opened again.
import { SvelteMap } from 'svelte/reactivity';
import type { SignedSummary } from './bindings';
import type { SignedCell } from './supplychain';

/** One row's question: the image by digest, and the repository's tags attached to it. */
export type SignedRequest = { reference: string; attachedTags: string[] | null };

export type SignedSource = {
  /** Ask the backend for one image's answer. */
  check: (reference: string, attachedTags: string[] | null) => Promise<SignedSummary>;
  /** A failure in words, for the cell's tooltip. */
  describe?: (error: unknown) => string;
  /** Whether a failure means the registry limits requests: this queue then asks nothing
   * more. */
  limited?: (error: unknown) => boolean;
  /** Requests at once (4 unless said). */
  parallel?: number;
};

/** The session's answers, by image reference. */
export class SignedCache {
  cells = new SvelteMap<string, SignedCell>();
  /** Bumped by `clear`, so an answer asked before it is not kept. */
  generation = 0;

  /** Forget every answer (what is trusted changed). */
  clear() {
    this.generation++;
    this.cells.clear();
  }
}

/** The answers of this run of the app. */
export const signedCache = new SignedCache();

export class SignedQueue {
  #queue: SignedRequest[] = [];
  #running = 0;
  #asking = new Set<string>();
  #source: SignedSource;
  #cache: SignedCache;
  #limited = false;

  constructor(source: SignedSource, cache: SignedCache = signedCache) {
    this.#source = source;
    this.#cache = cache;
    // A list opened again asks again about the rows that failed.
    for (const [reference, cell] of cache.cells) if (typeof cell === 'object' && 'error' in cell) cache.cells.delete(reference);
  }

  /** The cell of `reference`: its answer, 'loading', an error, or nothing yet. */
  cell(reference: string): SignedCell | undefined {
    return this.#cache.cells.get(reference);
  }

  /** How many requests are waiting (for tests and the curious). */
  get waiting(): number {
    return this.#queue.length;
  }

  /** How many are being asked now. */
  get running(): number {
    return this.#running;
  }

  /** The rows in view, in order: the queue becomes those not answered or asked yet (rows
   * scrolled away before their turn are dropped). */
  inView(requests: SignedRequest[]) {
    if (this.#limited) return;
    const seen = new Set<string>();
    this.#queue = requests.filter((r) => {
      if (seen.has(r.reference) || this.#cache.cells.has(r.reference) || this.#asking.has(r.reference)) return false;
      seen.add(r.reference);
      return true;
    });
    this.#pump();
  }

  /** Ask nothing more (the view went away); answers on their way are still kept. */
  stop() {
    this.#queue = [];
  }

  #pump() {
    const parallel = this.#source.parallel ?? 4;
    while (this.#running < parallel && this.#queue.length) {
      const r = this.#queue.shift()!;
      if (this.#cache.cells.has(r.reference) || this.#asking.has(r.reference)) continue;
      this.#running++;
      this.#asking.add(r.reference);
      this.#cache.cells.set(r.reference, 'loading');
      const generation = this.#cache.generation;
      const mine = () => generation === this.#cache.generation;
      this.#source
        .check(r.reference, r.attachedTags)
        .then((s) => {
          if (mine()) this.#cache.cells.set(r.reference, s);
        })
        .catch((e) => {
          if (!mine()) return;
          if (this.#source.limited?.(e)) {
            // The user's allowance is not spent on the other rows.
            this.#limited = true;
            this.#queue = [];
          }
          this.#cache.cells.set(r.reference, { error: this.#source.describe?.(e) ?? String(e) });
        })
        .finally(() => {
          this.#running--;
          this.#asking.delete(r.reference);
          this.#pump();
        });
    }
  }
}
