import { describe, expect, it } from 'vitest';
import { Loader } from '../src/lib/reading.svelte';
import { Submitting } from '../src/lib/submitting.svelte';

/** A promise settled by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((ok, fail) => ((resolve = ok), (reject = fail)));
  return { promise, resolve, reject };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('loader', () => {
  it('keeps only the latest answer, whatever order they arrive in', async () => {
    expect(new Loader<string>(true).loading).toBe(true);
    const l = new Loader<string>();
    expect(l.loading).toBe(false);
    const first = deferred<string>();
    const second = deferred<string>();
    l.load(() => first.promise);
    expect(l.loading).toBe(true);
    l.load(() => second.promise);
    second.resolve('second');
    await settle();
    expect([l.result, l.loading]).toEqual(['second', false]);
    first.resolve('first');
    await settle();
    expect(l.result).toBe('second');
  });

  it('ignores an earlier error, and keeps the previous answer while the next loads', async () => {
    const l = new Loader<string>();
    l.load(() => Promise.resolve('one'));
    await settle();
    const failing = deferred<string>();
    l.load(() => failing.promise);
    expect([l.result, l.loading]).toEqual(['one', true]);
    const next = deferred<string>();
    l.load(() => next.promise);
    failing.reject(new Error('late'));
    await settle();
    expect([l.error, l.loading]).toEqual([null, true]);
    next.reject(new Error('now'));
    await settle();
    expect((l.error as Error).message).toBe('now');
    expect([l.result, l.loading]).toEqual(['one', false]);
  });

  it('lets the answer be seen first, and kept out of the result', async () => {
    const l = new Loader<number>();
    const seen: number[] = [];
    let check: (() => boolean) | undefined;
    l.load(
      () => Promise.resolve(1),
      (n, latest) => {
        seen.push(n);
        check = latest;
        return false;
      },
    );
    await settle();
    expect([seen, l.result, l.loading]).toEqual([[1], null, false]);
    expect(check!()).toBe(true);
    const before = l.latest();
    l.load(() => Promise.resolve(2));
    expect([check!(), before(), l.latest()()]).toEqual([false, false, true]);
    await settle();
    expect(l.result).toBe(2);
  });
});

describe('submitting', () => {
  it('is busy while the action runs, and keeps its error until the next try', async () => {
    const f = new Submitting();
    const action = deferred<void>();
    const done = f.run(() => action.promise);
    expect(f.busy).toBe(true);
    action.reject(new Error('refused'));
    expect(await done).toBe(false);
    expect(f.busy).toBe(false);
    expect((f.error as Error).message).toBe('refused');
    const again = f.run(async () => {});
    expect(f.error).toBeNull();
    expect(await again).toBe(true);
    expect([f.busy, f.error]).toEqual([false, null]);
  });

  it('recovers from a failure while still busy', async () => {
    const f = new Submitting();
    const busyWhileRecovering: boolean[] = [];
    const ok = await f.run(
      () => Promise.reject(new Error('conflict')),
      async (e) => {
        busyWhileRecovering.push(f.busy);
        expect((e as Error).message).toBe('conflict');
      },
    );
    expect([ok, busyWhileRecovering, f.busy]).toEqual([false, [true], false]);
  });
});
