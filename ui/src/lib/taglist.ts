// The rules of the tag list, kept out of the component so they can be tested: which tags a
// filter matches (any case), how columns sort (names naturally: v2 before v10; a column
// other than the name only once every tag's details are in), and how tags that share a
// digest become one group.
import type { TagSummary } from './bindings';

/** A column the tag list sorts by. */
export type SortKey = 'tag' | 'digest' | 'kind' | 'size' | 'created';
export type Sort = { key: SortKey; descending: boolean };

/** Tags that point to one image: the first (in the list's order) stands for the group. */
export type TagGroup = { digest: string | null; tags: string[] };

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Natural order: `v2` before `v10`, `1.9` before `1.10`, case ignored (then by case). */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Whether `tag` matches the filter text, in any case. */
export function matches(tag: string, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  return !f || tag.toLowerCase().includes(f);
}

/** Whether sorting by `key` needs every tag's details (anything but the name). */
export function needsDetails(key: SortKey): boolean {
  return key !== 'tag';
}

/** The tags `filter` matches, without those of `hidden` (signatures, attestations), by name. */
export function filterTags(tags: string[], filter: string, hidden: Set<string> | null): string[] {
  return tags.filter((t) => (!hidden || !hidden.has(t)) && matches(t, filter)).sort(naturalCompare);
}

/** How many of `tags` have their details in (or failed to). */
export function countKnown(tags: string[], details: Record<string, TagSummary | string | undefined>): number {
  return tags.filter((t) => details[t] !== undefined && details[t] !== 'loading').length;
}

/** The order shown: `tags` (by name) as they are until every detail the sort needs is
 * in (`complete`), then sorted at once. Details are read only then. */
export function orderTags(tags: string[], sort: Sort, complete: boolean, details: Record<string, TagSummary | string | undefined>): string[] {
  if (complete && sort.key !== 'tag') return sortTags(tags, sort, details);
  return sort.descending && sort.key === 'tag' ? [...tags].reverse() : tags;
}

/** The sort after a click on column `key`: a second click on the same column turns it
 * round; dates and sizes start newest and biggest first. */
export function nextSort(sort: Sort, key: SortKey): Sort {
  return sort.key === key ? { key, descending: !sort.descending } : { key, descending: key === 'created' || key === 'size' };
}

/** The arrow after column `key`'s title: the way it sorts, if it does. */
export function sortArrow(sort: Sort, key: SortKey): string {
  return sort.key === key ? (sort.descending ? ' ↓' : ' ↑') : '';
}

/** A tag's kind as its row shows it: an index with its platforms. */
export function kindLabel(d: TagSummary): string {
  if (d.kind === 'index') return `index · ${d.platforms.join(', ')}`;
  return d.kind;
}

/** The tag of a `repository:tag` reference. */
export function tagOf(reference: string): string {
  return reference.slice(reference.lastIndexOf(':') + 1);
}

function kindText(d: TagSummary): string {
  return d.kind === 'index' ? `index ${d.platforms.join(',')}` : d.kind;
}

/** `tags` sorted by `sort`; tags without details sort last, by name, either way. */
export function sortTags(tags: string[], sort: Sort, details: Record<string, TagSummary | string | undefined>): string[] {
  const sign = sort.descending ? -1 : 1;
  const of = (t: string) => {
    const d = details[t];
    return typeof d === 'object' ? d : null;
  };
  const value = (d: TagSummary): string | number | null => {
    switch (sort.key) {
      case 'digest':
        return d.digest;
      case 'kind':
        return kindText(d);
      case 'size':
        return d.size;
      case 'created':
        return d.created ? Date.parse(d.created) : null;
      default:
        return null;
    }
  };
  return [...tags].sort((a, b) => {
    if (sort.key === 'tag') return sign * naturalCompare(a, b);
    const [da, db] = [of(a), of(b)];
    const [va, vb] = [da && value(da), db && value(db)];
    const missingA = va === null || va === undefined || Number.isNaN(va);
    const missingB = vb === null || vb === undefined || Number.isNaN(vb);
    if (missingA || missingB) return missingA === missingB ? naturalCompare(a, b) : missingA ? 1 : -1;
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : naturalCompare(String(va), String(vb));
    return sign * c || naturalCompare(a, b);
  });
}

/** `tags` (in order) grouped by the digest `digestOf` says: one group per digest, at its
 * first tag's place; a tag whose digest is not known is a group of its own. */
export function groupByDigest(tags: string[], digestOf: (tag: string) => string | null): TagGroup[] {
  const groups: TagGroup[] = [];
  const byDigest = new Map<string, TagGroup>();
  for (const tag of tags) {
    const digest = digestOf(tag);
    const known = digest ? byDigest.get(digest) : undefined;
    if (known) {
      known.tags.push(tag);
      continue;
    }
    const group = { digest, tags: [tag] };
    if (digest) byDigest.set(digest, group);
    groups.push(group);
  }
  return groups;
}

/** How many of `tags` a grouping can place: those with a digest, and those whose details
 * failed (each then a group of its own). */
export function countGroupable(tags: string[], digestOf: (tag: string) => string | null, details: Record<string, TagSummary | string | undefined>): number {
  return tags.filter((t) => digestOf(t) !== null || details[t] === 'error').length;
}
