import { describe, expect, it, vi } from 'vitest';
import { kindWords, referenceTag, SCAN_LIMIT, TagScans, tagsOn } from '../src/lib/imagehead';

const A = 'sha256:' + 'a'.repeat(64);
const B = 'sha256:' + 'b'.repeat(64);

describe('image header words', () => {
  it('names the kind, not the media type', () => {
    expect(kindWords('image', 'application/vnd.oci.image.manifest.v1+json', 0, null)).toBe('Image · OCI');
    expect(kindWords('image', 'application/vnd.docker.distribution.manifest.v2+json', 0, null)).toBe('Image · Docker');
    expect(kindWords('index', 'application/vnd.oci.image.index.v1+json', 3, null)).toBe('Index of 3 platforms · OCI');
    expect(kindWords('index', 'application/vnd.docker.distribution.manifest.list.v2+json', 1, null)).toBe('Index of 1 platform · Docker');
    expect(kindWords('artifact', 'application/vnd.oci.image.manifest.v1+json', 0, 'application/vnd.example+json')).toBe('Artifact · application/vnd.example+json');
  });
  it('finds the tag of a reference, none by digest', () => {
    expect(referenceTag('localhost:5000/team/app:v1')).toBe('v1');
    expect(referenceTag('localhost:5000/team/app')).toBeNull();
    expect(referenceTag(`localhost:5000/team/app@${A}`)).toBeNull();
  });
  it('lists the tags on a digest in natural order', () => {
    const tags = [
      { tag: 'v10', digest: A },
      { tag: 'v9', digest: A },
      { tag: 'old', digest: B },
      { tag: 'latest', digest: A },
    ];
    expect(tagsOn(tags, A)).toEqual(['latest', 'v9', 'v10']);
  });
});

describe('TagScans', () => {
  const source = (count: number) => ({
    count: vi.fn(async () => ({ count, more: false })),
    digests: vi.fn(async () => [{ tag: 'latest', digest: A }]),
  });

  it('scans a repository once while it is fresh', async () => {
    let now = 0;
    const s = source(3);
    const scans = new TagScans(s, 1000, () => now);
    expect(await scans.digests('r')).toEqual([{ tag: 'latest', digest: A }]);
    await scans.digests('r');
    expect(s.digests).toHaveBeenCalledTimes(1);
    now = 1001;
    await scans.digests('r');
    expect(s.digests).toHaveBeenCalledTimes(2);
    scans.forget('r');
    await scans.digests('r');
    expect(s.digests).toHaveBeenCalledTimes(3);
  });
  it('does not scan a large repository unless asked', async () => {
    const s = source(SCAN_LIMIT + 1);
    const scans = new TagScans(s);
    expect(await scans.digests('r')).toBeNull();
    expect(s.digests).not.toHaveBeenCalled();
    expect(await scans.digests('r', true)).toEqual([{ tag: 'latest', digest: A }]);
    // The scan asked for answers the views after it.
    expect(await scans.digests('r')).toEqual([{ tag: 'latest', digest: A }]);
    expect(s.digests).toHaveBeenCalledTimes(1);
  });
  it('forgets a failed scan', async () => {
    const s = source(1);
    s.digests.mockRejectedValueOnce(new Error('down'));
    const scans = new TagScans(s);
    await expect(scans.digests('r')).rejects.toThrow('down');
    expect(await scans.digests('r')).toEqual([{ tag: 'latest', digest: A }]);
  });
});
