// What the image view's header says in words: the kind of manifest (not its media type),
// the tag the view was opened by, and the other tags on the same image. Where the tags
// come from: one scan of the repository (`tag_digests`: the vendor's API on ghcr.io and
// Docker Hub, a HEAD per tag elsewhere), kept a little while per repository so moving
// between its images asks once, and not started unasked on a repository with more tags
// than a glance is worth scanning for.
import type { ManifestKind, TagCount, TagDigest } from './bindings';
import { naturalCompare } from './taglist';

/** Above this many tags the header offers the scan instead of running it. */
export const SCAN_LIMIT = 500;
/** How long a scan answers for its repository. */
export const SCAN_TTL_MS = 120_000;

/** The manifest's kind as words: `Image · OCI`, `Index of 3 platforms · Docker`,
 * `Artifact · application/vnd.example`. */
export function kindWords(kind: ManifestKind, mediaType: string, platforms: number, artifactType: string | null): string {
  const format = mediaType.includes('vnd.oci.') ? ' · OCI' : mediaType.includes('vnd.docker.') ? ' · Docker' : '';
  if (kind === 'index') return `Index of ${platforms} platform${platforms === 1 ? '' : 's'}${format}`;
  if (kind === 'artifact') return `Artifact${artifactType ? ` · ${artifactType}` : format}`;
  return `Image${format}`;
}

/** The tag of `host/name:tag`; null for a reference by digest. */
export function referenceTag(reference: string): string | null {
  if (reference.includes('@')) return null;
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  return colon > slash ? reference.slice(colon + 1) : null;
}

/** The tags pointing at `digest`, in natural order. */
export function tagsOn(digests: TagDigest[], digest: string): string[] {
  return digests
    .filter((t) => t.digest === digest)
    .map((t) => t.tag)
    .sort(naturalCompare);
}

type Source = { count: (repository: string) => Promise<TagCount>; digests: (repository: string) => Promise<TagDigest[]> };

/** Each repository's scan, shared by the image views for `ttl` ms. */
export class TagScans {
  readonly #source: Source;
  readonly #ttl: number;
  readonly #now: () => number;
  readonly #scans = new Map<string, { at: number; digests: Promise<TagDigest[] | null> }>();

  constructor(source: Source, ttl = SCAN_TTL_MS, now: () => number = Date.now) {
    this.#source = source;
    this.#ttl = ttl;
    this.#now = now;
  }

  /** Every tag's digest; null when the repository has more than [`SCAN_LIMIT`] tags and
   * the scan was not asked for (`asked`). A failed scan is not kept. */
  digests(repository: string, asked = false): Promise<TagDigest[] | null> {
    const kept = this.#scans.get(repository);
    if (kept && this.#now() - kept.at < this.#ttl) {
      if (!asked) return kept.digests;
      // Asked for after the count said "too many": scan now.
      return kept.digests.then((d) => d ?? this.#scan(repository, true));
    }
    return this.#scan(repository, asked);
  }

  /** The repository changed (a tag added, removed, an image deleted): scan afresh. */
  forget(repository: string): void {
    this.#scans.delete(repository);
  }

  #scan(repository: string, asked: boolean): Promise<TagDigest[] | null> {
    const digests = (asked ? Promise.resolve(true) : this.#source.count(repository).then((c) => !c.more && c.count <= SCAN_LIMIT)).then((go) =>
      go ? this.#source.digests(repository) : null,
    );
    const entry = { at: this.#now(), digests };
    this.#scans.set(repository, entry);
    digests.catch(() => {
      if (this.#scans.get(repository) === entry) this.#scans.delete(repository);
    });
    return digests;
  }
}
