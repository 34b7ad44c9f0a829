import { describe, expect, it } from 'vitest';
import { countGroupable, groupByDigest, matches, naturalCompare, sortTags } from '../src/lib/taglist';
import type { TagSummary } from '../src/lib/bindings';

const D1 = 'sha256:' + '1'.repeat(64);
const D2 = 'sha256:' + '2'.repeat(64);

function summary(tag: string, digest: string, created: string | null, size: number | null = 10): TagSummary {
  return {
    tag, digest, media_type: 'application/vnd.oci.image.manifest.v1+json', kind: 'image', platforms: [], size, size_max: size, created,
    pull_commands: { docker: '', docker_tag: null, podman: '', podman_tag: null },
  };
}

describe('tag list', () => {
  it('sorts names naturally', () => {
    const sorted = ['v10', 'v2', 'v1', 'V3', '1.10', '1.9'].sort(naturalCompare);
    expect(sorted).toEqual(['1.9', '1.10', 'v1', 'v2', 'V3', 'v10']);
    expect(sortTags(['v10', 'v2'], { key: 'tag', descending: true }, {})).toEqual(['v10', 'v2']);
  });

  it('sorts by date, newest first, with undated tags last either way', () => {
    const details = {
      old: summary('old', D1, '2024-01-01T00:00:00Z'),
      new: summary('new', D2, '2026-01-01T00:00:00Z'),
      mid: summary('mid', D2, '2025-06-01T00:00:00+02:00'),
      none: summary('none', D1, null),
      loading: 'loading',
    };
    const tags = ['loading', 'none', 'old', 'new', 'mid'];
    expect(sortTags(tags, { key: 'created', descending: true }, details)).toEqual(['new', 'mid', 'old', 'loading', 'none']);
    expect(sortTags(tags, { key: 'created', descending: false }, details)).toEqual(['old', 'mid', 'new', 'loading', 'none']);
  });

  it('sorts by size as numbers', () => {
    const details = { a: summary('a', D1, null, 900), b: summary('b', D1, null, 10_000), c: summary('c', D1, null, 80) };
    expect(sortTags(['a', 'b', 'c'], { key: 'size', descending: false }, details)).toEqual(['c', 'a', 'b']);
  });

  it('groups tags that share a digest at the first one', () => {
    const details: Record<string, TagSummary> = { a: summary('a', D1, null), b: summary('b', D2, null), c: summary('c', D1, null) };
    const digestOf = (t: string) => details[t]?.digest ?? null;
    expect(groupByDigest(['a', 'b', 'c', 'd'], digestOf)).toEqual([
      { digest: D1, tags: ['a', 'c'] },
      { digest: D2, tags: ['b'] },
      { digest: null, tags: ['d'] },
    ]);
    const many = Array.from({ length: 1200 }, (_, i) => `t${i}`);
    expect(groupByDigest(many, () => D1)).toHaveLength(1);
  });

  it('counts the tags a grouping can place: with a digest, or whose details failed', () => {
    const digests = new Map([['a', D1], ['b', D2]]);
    const digestOf = (t: string) => digests.get(t) ?? null;
    expect(countGroupable(['a', 'b', 'c', 'd'], digestOf, { c: 'error', d: 'loading' })).toBe(3);
  });

  it('filters in any case', () => {
    expect(matches('Release-1.0', 'release')).toBe(true);
    expect(matches('release-1.0', 'RELEASE')).toBe(true);
    expect(matches('v1', 'v2')).toBe(false);
    expect(matches('v1', '  ')).toBe(true);
  });

});

import { isEmpty, summarize } from '../src/lib/labels';

describe('image summary', () => {
  it('takes labels first, then annotations, and links only https sources', () => {
    const labels = { 'org.opencontainers.image.title': 'App', 'org.opencontainers.image.source': 'https://github.com/o/app' };
    const index = {
      'org.opencontainers.image.title': 'Ignored',
      'org.opencontainers.image.description': 'From the index',
      'org.opencontainers.image.url': 'javascript:alert(1)',
    };
    const s = summarize(labels, {}, index);
    expect(s.title).toBe('App');
    expect(s.description).toBe('From the index');
    expect(s.source).toBe('https://github.com/o/app');
    expect(s.url).toBeNull();
    expect(isEmpty(summarize({ other: 'x' }))).toBe(true);
  });
});
