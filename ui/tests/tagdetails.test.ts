import { describe, expect, it } from 'vitest';
import { TagDetails } from '../src/lib/tagdetails.svelte';
import type { TagSummary } from '../src/lib/bindings';

const D = 'sha256:' + 'd'.repeat(64);
const settle = () => new Promise((r) => setTimeout(r, 0));

function summary(tag: string, digest = D): TagSummary {
  return {
    tag, digest, media_type: 'application/vnd.oci.image.manifest.v1+json', kind: 'image', platforms: [], size: 1, size_max: 1, created: null,
    pull_commands: { docker: '', docker_tag: null, podman: '', podman_tag: null },
  };
}

/** A registry double: each ask waits until answered by hand. */
function registry() {
  const waiting = new Map<string, { ok: (s: TagSummary) => void; fail: (e: unknown) => void }>();
  const asked: string[] = [];
  return {
    asked,
    waiting,
    describe: (tag: string) =>
      new Promise<TagSummary>((ok, fail) => {
        asked.push(tag);
        waiting.set(tag, { ok, fail });
      }),
    answer(tag: string, s: TagSummary = summary(tag)) {
      waiting.get(tag)!.ok(s);
      waiting.delete(tag);
    },
    fail(tag: string, e: unknown) {
      waiting.get(tag)!.fail(e);
      waiting.delete(tag);
    },
  };
}

const LIMITED = new Error('rate limited');

function queue(r: ReturnType<typeof registry>, parallel = 2) {
  const limits: string[] = [];
  const q = new TagDetails({ describe: r.describe, limited: (e) => e === LIMITED, onlimited: () => limits.push('limited'), parallel });
  return { q, limits };
}

describe('tag details', () => {
  it('keeps why a tag failed, and asks again for it first on retry', async () => {
    const r = registry();
    const { q } = queue(r, 1);
    q.want(['a', 'b']);
    const why = new Error('manifest unknown');
    r.fail('a', why);
    await settle();
    expect(q.details.a).toBe('error');
    expect(q.failures.get('a')).toBe(why);
    q.want(['c']);
    q.retry('a');
    expect(q.details.a).toBe('loading');
    expect(q.failures.has('a')).toBe(false);
    r.answer('b');
    await settle();
    expect(r.asked).toEqual(['a', 'b', 'a']);
    r.answer('a');
    await settle();
    expect(q.details.a).toEqual(summary('a'));
    q.retry('a');
    expect(r.asked).toEqual(['a', 'b', 'a', 'c']);
  });

  it('asks a few at a time, the rows in view first', async () => {
    const r = registry();
    const { q } = queue(r);
    q.want(['a', 'b', 'c', 'd']);
    expect(r.asked).toEqual(['a', 'b']);
    q.inView(['d', 'x'], true);
    r.answer('a');
    await settle();
    expect(r.asked).toEqual(['a', 'b', 'd']);
    expect(q.details.a).toEqual(summary('a'));
    expect(q.details.x).toBe('loading');
    r.answer('b');
    r.answer('d');
    await settle();
    expect(r.asked).toEqual(['a', 'b', 'd', 'x', 'c']);
  });

  it('drops rows scrolled past unless every tag is wanted', async () => {
    const r = registry();
    const { q } = queue(r, 1);
    q.inView(['a', 'b', 'c'], false);
    q.inView(['y', 'z'], false);
    r.answer('a');
    await settle();
    // b and c were scrolled past: only the rows in view now are asked.
    expect(r.asked).toEqual(['a', 'y']);
    // Scrolled back, they are asked again (they are still 'loading').
    q.inView(['b'], false);
    r.answer('y');
    await settle();
    expect(r.asked).toEqual(['a', 'y', 'b']);
  });

  it('ignores answers for the list before a reset', async () => {
    const r = registry();
    const { q } = queue(r);
    q.want(['a']);
    q.reset();
    r.answer('a');
    await settle();
    expect(q.details).toEqual({});
    q.want(['a']);
    await settle();
    expect(r.asked).toEqual(['a', 'a']);
  });

  it('stops asking when the registry limits requests', async () => {
    const r = registry();
    const { q, limits } = queue(r, 1);
    q.want(['a', 'b', 'c']);
    r.fail('a', LIMITED);
    await settle();
    expect(q.details.a).toBe('error');
    expect(limits).toEqual(['limited']);
    expect(r.asked).toEqual(['a']);
    // Any other failure only marks its tag.
    q.inView(['b'], true);
    await settle();
    r.fail('b', new Error('boom'));
    await settle();
    expect([q.details.b, limits.length]).toEqual(['error', 1]);
  });

  it('follows tags as they are written, moved and removed', async () => {
    const r = registry();
    const { q } = queue(r);
    q.want(['a']);
    r.answer('a', summary('a', D));
    await settle();
    q.pointed('b', D);
    expect(q.details.b).toEqual({ ...summary('a', D), tag: 'b' });
    expect(q.digestOf('b')).toBe(D);
    q.pointed('b', 'sha256:' + 'e'.repeat(64));
    expect(q.details.b).toBeUndefined();
    q.refresh('a');
    expect(q.details.a).toBe('loading');
    expect(q.digestOf('a')).toBeNull();
    q.forget(['a']);
    expect(q.details.a).toBeUndefined();
  });

  it('asks once where every tag points, for a grouping, and keeps what actions said since', async () => {
    const r = registry();
    const E = 'sha256:' + 'e'.repeat(64);
    let answer: (t: { tag: string; digest: string }[]) => void = () => {};
    let scans = 0;
    const q = new TagDetails({
      describe: r.describe,
      limited: () => false,
      onlimited: () => {},
      digests: () => {
        scans++;
        return new Promise((ok) => (answer = ok));
      },
    });
    q.scanDigests();
    q.scanDigests();
    expect([scans, q.scan]).toEqual([1, 'running']);
    q.pointed('b', E);
    answer([
      { tag: 'a', digest: D },
      { tag: 'b', digest: D },
    ]);
    await settle();
    expect(q.scan).toBe('done');
    expect([q.digestOf('a'), q.digestOf('b'), q.digestOf('c')]).toEqual([D, E, null]);
    // No tag's details were asked for.
    expect(r.asked).toEqual([]);
    q.forget(['a']);
    expect(q.digestOf('a')).toBeNull();
    // A scan that fails says so (the details are then asked for instead); a reset forgets.
    q.reset();
    expect([q.scan, q.digestOf('b')]).toEqual(['none', null]);
    const failing = new TagDetails({ describe: r.describe, limited: () => false, onlimited: () => {}, digests: () => Promise.reject(new Error('no')) });
    failing.scanDigests();
    await settle();
    expect(failing.scan).toBe('failed');
  });
});
