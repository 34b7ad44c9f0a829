import { describe, expect, it } from 'vitest';
import { SignedCache, SignedQueue } from '../src/lib/signed.svelte';
import type { SignedSummary } from '../src/lib/bindings';

const settle = () => new Promise((r) => setTimeout(r, 0));

const VERIFIED: SignedSummary = { state: 'verified', by: 'ada@example.org', issuer: null, detail: null, signatures: 1 };

/** A backend double: each ask waits until answered by hand. */
function backend() {
  const waiting = new Map<string, { ok: (s: SignedSummary) => void; fail: (e: unknown) => void }>();
  const asked: { reference: string; tags: string[] | null }[] = [];
  return {
    asked,
    waiting,
    check: (reference: string, tags: string[] | null) =>
      new Promise<SignedSummary>((ok, fail) => {
        asked.push({ reference, tags });
        waiting.set(reference, { ok, fail });
      }),
    answer(reference: string, s: SignedSummary = VERIFIED) {
      waiting.get(reference)!.ok(s);
      waiting.delete(reference);
    },
    fail(reference: string, e: unknown) {
      waiting.get(reference)!.fail(e);
      waiting.delete(reference);
    },
  };
}

const LIMITED = new Error('rate limited');
const ref = (i: number) => `r.example/app@sha256:${String(i).padStart(64, '0')}`;
const rows = (...ids: number[]) => ids.map((i) => ({ reference: ref(i), attachedTags: [] }));

function queue(b: ReturnType<typeof backend>, parallel = 4) {
  const cache = new SignedCache();
  const q = new SignedQueue({ check: b.check, parallel, describe: (e) => (e as Error).message, limited: (e) => e === LIMITED }, cache);
  return { q, cache };
}

describe('the Signed column queue', () => {
  it('asks at most four at a time, in the order of the rows in view', async () => {
    const b = backend();
    const { q } = queue(b);
    q.inView(rows(1, 2, 3, 4, 5, 6));
    expect(b.asked.map((a) => a.reference)).toEqual([ref(1), ref(2), ref(3), ref(4)]);
    expect(q.running).toBe(4);
    expect(q.waiting).toBe(2);
    expect(q.cell(ref(1))).toBe('loading');
    expect(q.cell(ref(5))).toBeUndefined();
    b.answer(ref(2));
    await settle();
    expect(q.cell(ref(2))).toEqual(VERIFIED);
    expect(b.asked.map((a) => a.reference)).toEqual([ref(1), ref(2), ref(3), ref(4), ref(5)]);
  });

  it('drops rows scrolled away before their turn, and keeps answers on their way', async () => {
    const b = backend();
    const { q } = queue(b, 2);
    q.inView(rows(1, 2, 3, 4));
    // Scrolled on: 3 and 4 never asked; 1 and 2 are on their way.
    q.inView(rows(10, 11));
    b.answer(ref(1));
    b.answer(ref(2));
    await settle();
    expect(b.asked.map((a) => a.reference)).toEqual([ref(1), ref(2), ref(10), ref(11)]);
    expect(q.cell(ref(1))).toEqual(VERIFIED);
    expect(q.cell(ref(3))).toBeUndefined();
  });

  it('asks once per image for the session, whatever the rows and views', async () => {
    const b = backend();
    const { q, cache } = queue(b);
    q.inView(rows(1, 1, 2));
    expect(b.asked.length).toBe(2);
    b.answer(ref(1));
    b.answer(ref(2));
    await settle();
    q.inView(rows(1, 2));
    // Another view of the same repository (the list opened again) shares the answers.
    const again = new SignedQueue({ check: b.check }, cache);
    again.inView(rows(2, 1));
    expect(b.asked.length).toBe(2);
    expect(again.cell(ref(1))).toEqual(VERIFIED);
  });

  it('passes the tags attached to each image', () => {
    const b = backend();
    const { q } = queue(b);
    q.inView([{ reference: ref(1), attachedTags: ['sha256-abc.sig'] }]);
    expect(b.asked[0].tags).toEqual(['sha256-abc.sig']);
  });

  it('keeps why a row could not be checked', async () => {
    const b = backend();
    const { q } = queue(b);
    q.inView(rows(1));
    b.fail(ref(1), new Error('registry unreachable'));
    await settle();
    expect(q.cell(ref(1))).toEqual({ error: 'registry unreachable' });
  });

  it('asks nothing more once the registry limits requests; a list opened again asks again', async () => {
    const b = backend();
    const { q, cache } = queue(b, 1);
    q.inView(rows(1, 2, 3));
    b.fail(ref(1), LIMITED);
    await settle();
    expect(q.cell(ref(1))).toEqual({ error: 'rate limited' });
    expect(b.asked.length).toBe(1);
    expect(q.waiting).toBe(0);
    q.inView(rows(2, 3));
    expect(b.asked.length).toBe(1);
    // Another list (the repository opened again): failures are asked again.
    const again = new SignedQueue({ check: b.check }, cache);
    expect(again.cell(ref(1))).toBeUndefined();
    again.inView(rows(1));
    expect(b.asked.length).toBe(2);
  });

  it('forgets every answer when what is trusted changes, and ignores answers asked before', async () => {
    const b = backend();
    const { q, cache } = queue(b);
    q.inView(rows(1, 2));
    b.answer(ref(1));
    await settle();
    cache.clear();
    b.answer(ref(2));
    await settle();
    expect(q.cell(ref(1))).toBeUndefined();
    expect(q.cell(ref(2))).toBeUndefined();
    expect(q.running).toBe(0);
    q.inView(rows(1, 2));
    expect(b.asked.length).toBe(4);
  });

  it('asks nothing more once stopped', async () => {
    const b = backend();
    const { q } = queue(b, 1);
    q.inView(rows(1, 2));
    q.stop();
    b.answer(ref(1));
    await settle();
    expect(b.asked.length).toBe(1);
    expect(q.cell(ref(1))).toEqual(VERIFIED);
  });
});
