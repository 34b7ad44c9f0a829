// One long read a view runs (see reads.ts): its result or error, its progress, and Cancel.
// Starting another read, or the view going away, cancels the one running; answers from a
// read that was cancelled or replaced are ignored.
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
