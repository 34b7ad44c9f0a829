// A dialog's submit: busy while it runs (the submit button is disabled meanwhile), and the
// error it ended with, shown in the dialog until the next try.

/** One form's submit state; `run` is what its submit handler calls. */
export class Submitting {
  busy = $state(false);
  error = $state<unknown>(null);

  /** Run `action` with `busy` set and the last error cleared. A failure lands in `error`,
   * then `recover` (if any) runs, still busy. Resolves to whether `action` succeeded. */
  async run(action: () => Promise<unknown>, recover?: (error: unknown) => unknown): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      await action();
      return true;
    } catch (e) {
      this.error = e;
      await recover?.(e);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
