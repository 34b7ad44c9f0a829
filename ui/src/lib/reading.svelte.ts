// What a view loads, where only the latest answer counts: a view asks again when what it
// shows changes (another repository, tab, owner), and an answer to an earlier question
// must not land in it. `Loader` is a plain request (a list, a report); `Reading` is one
// long read (see reads.ts) with its progress and Cancel: starting another read, or the
// view going away, cancels the one running.
import { api, type ProgressEvent } from './api';
import { emptyProgress, foldProgress, newReadId, type ReadProgress } from './reads';

export type ReadStart<T> = (readId: number, onProgress: (event: ProgressEvent) => void) => Promise<T>;

export class Reading<T> {
  result = $state.raw<T | null>(null);
  error = $state<unknown>(null);
  progress = $state.raw<ReadProgress>(emptyProgress());
  running = $state(false);
  cancelled = $state(false);
  #id = 0;

  /** Run `start` (cancelling the read before it). */
  start(start: ReadStart<T>) {
    this.cancel();
    const id = newReadId();
    this.#id = id;
    this.result = null;
    this.error = null;
    this.cancelled = false;
    this.progress = emptyProgress();
    this.running = true;
    const mine = () => this.#id === id;
    start(id, (event) => {
      if (mine()) this.progress = foldProgress(this.progress, event);
    })
      .then((r) => {
        if (mine()) this.result = r;
      })
      .catch((e) => {
        if (mine()) this.error = e;
      })
      .finally(() => {
        if (mine()) this.running = false;
      });
  }

  /** Stop the running read, if any. */
  cancel() {
    if (!this.running) return;
    const id = this.#id;
    this.#id = 0;
    this.running = false;
    this.cancelled = true;
    api.cancelRead(id).catch(() => {});
  }
}

/** A view's load: its answer, error and whether it runs. Each `load` supersedes the one
 * before: an earlier answer or error arriving later is ignored. The previous answer stays
 * in `result` until the new one is in (set `result` first to show something else). */
export class Loader<T> {
  result = $state.raw<T | null>(null);
  error = $state<unknown>(null);
  loading = $state(false);
  #id = 0;

  /** `loading` says whether the view shows itself as loading before its first `load`
   * (which an effect starts, after the first paint). */
  constructor(loading = false) {
    this.loading = loading;
  }

  /** Ask with `request`. `onanswer` sees the answer first, while it is still the latest
   * (and gets the check, for work that follows it); returning `false` keeps `result` as
   * it is. */
  load(request: () => Promise<T>, onanswer?: (answer: T, latest: () => boolean) => boolean | void) {
    const latest = this.#next();
    this.loading = true;
    this.error = null;
    request()
      .then((answer) => {
        if (latest() && onanswer?.(answer, latest) !== false) this.result = answer;
      })
      .catch((e) => {
        if (latest()) this.error = e;
      })
      .finally(() => {
        if (latest()) this.loading = false;
      });
  }

  /** A check that stays true until the next `load` (for requests that belong to this one). */
  latest(): () => boolean {
    const id = this.#id;
    return () => id === this.#id;
  }

  #next(): () => boolean {
    const id = ++this.#id;
    return () => id === this.#id;
  }
}
