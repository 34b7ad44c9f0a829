import { describe, expect, it } from 'vitest';
import { countKnown, filterTags, kindLabel, nextSort, orderTags, sortArrow, tagOf } from '../src/lib/taglist';
import type { TagSummary } from '../src/lib/bindings';

const D1 = 'sha256:' + '1'.repeat(64);

function summary(tag: string, size: number, kind: TagSummary['kind'] = 'image', platforms: string[] = []): TagSummary {
  return {
    tag, digest: D1, media_type: 'application/vnd.oci.image.manifest.v1+json', kind, platforms, size, size_max: size, created: null,
    pull_commands: { docker: '', docker_tag: null, podman: '', podman_tag: null },
  };
}

describe('tag list order', () => {
  it('filters in any case, hides the given tags, and sorts by name', () => {
    const tags = ['v10', 'sha256-abc.sig', 'V2', 'latest', 'v1'];
    expect(filterTags(tags, 'v', new Set(['sha256-abc.sig']))).toEqual(['v1', 'V2', 'v10']);
    expect(filterTags(tags, '', null)).toEqual(['latest', 'sha256-abc.sig', 'v1', 'V2', 'v10']);
    expect(filterTags(tags, ' SIG ', null)).toEqual(['sha256-abc.sig']);
  });

  it('counts the tags whose details are in, failed ones included', () => {
    expect(countKnown(['a', 'b', 'c', 'd'], { a: summary('a', 1), b: 'loading', c: 'error' })).toBe(2);
  });

  it('keeps the name order until every detail is in, then sorts at once', () => {
    const details = { a: summary('a', 30), b: summary('b', 10), c: summary('c', 20) };
    const size = { key: 'size', descending: false } as const;
    expect(orderTags(['a', 'b', 'c'], size, false, details)).toEqual(['a', 'b', 'c']);
    expect(orderTags(['a', 'b', 'c'], size, true, details)).toEqual(['b', 'c', 'a']);
    expect(orderTags(['a', 'b', 'c'], { key: 'tag', descending: true }, true, {})).toEqual(['c', 'b', 'a']);
    const names = ['a', 'b'];
    expect(orderTags(names, { key: 'tag', descending: false }, true, {})).toBe(names);
  });

  it('turns a column round on a second click; dates and sizes start descending', () => {
    const byTag = { key: 'tag', descending: false } as const;
    expect(nextSort(byTag, 'tag')).toEqual({ key: 'tag', descending: true });
    expect(nextSort(byTag, 'created')).toEqual({ key: 'created', descending: true });
    expect(nextSort(byTag, 'size')).toEqual({ key: 'size', descending: true });
    expect(nextSort(byTag, 'digest')).toEqual({ key: 'digest', descending: false });
    expect(nextSort({ key: 'size', descending: true }, 'size')).toEqual({ key: 'size', descending: false });
    expect(sortArrow(byTag, 'tag')).toBe(' ↑');
    expect(sortArrow({ key: 'tag', descending: true }, 'tag')).toBe(' ↓');
    expect(sortArrow(byTag, 'size')).toBe('');
  });

  it('names kinds, and the tag of a reference', () => {
    expect(kindLabel(summary('a', 1))).toBe('image');
    expect(kindLabel(summary('a', 1, 'index', ['linux/amd64', 'linux/arm64']))).toBe('index · linux/amd64, linux/arm64');
    expect(tagOf('localhost:5000/app:v1')).toBe('v1');
  });
});
