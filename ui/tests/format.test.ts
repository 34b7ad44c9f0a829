import { describe, expect, it } from 'vitest';
import { fromUnixSeconds, humanCount, humanSize, localTime, plural, relativeTime, shortDigest, splitDigests } from '../src/lib/format';
import { PRESETS, placeholderAt } from '../src/lib/presets';

const D = 'sha256:' + 'ab'.repeat(32);

describe('format', () => {
  it('sizes like the CLI', () => {
    expect(humanSize(512)).toBe('512 B');
    expect(humanSize(1536)).toBe('1.5 KiB');
    expect(humanSize(null)).toBe('');
    // The largest size the backend sends (a saturated sum, 2^64 - 1) is 2^64 as a JS number.
    expect(humanSize(2 ** 64)).toBe('16.0 EiB');
    expect(humanSize(2 ** 63)).toBe('8.0 EiB');
  });
  it('counts pulls as people read them', () => {
    expect(humanCount(0)).toBe('0');
    expect(humanCount(950)).toBe('950');
    expect(humanCount(1_000)).toBe('1K');
    expect(humanCount(1_234)).toBe('1.2K');
    expect(humanCount(34_567)).toBe('35K');
    expect(humanCount(999_999)).toBe('1M');
    expect(humanCount(1_234_567)).toBe('1.2M');
    expect(humanCount(9_960_000)).toBe('10M');
    expect(humanCount(5_300_000_000)).toBe('5.3B');
    expect(humanCount(null)).toBe('');
  });
  it('splits digests out of text without interpreting anything else', () => {
    const parts = splitDigests(`{"digest":"${D}","x":"<img src=x>"}`);
    expect(parts.filter((p) => p.digest).map((p) => p.text)).toEqual([D]);
    expect(parts.map((p) => p.text).join('')).toContain('<img src=x>');
    expect(shortDigest(D)).toBe('sha256:abababababab');
  });
});

describe('dates', () => {
  it('says dates relative to now, and the local time with its zone', () => {
    const now = Date.parse('2026-12-05T12:00:00Z');
    expect(relativeTime('2026-12-02T12:00:00Z', now, 'en')).toBe('3 days ago');
    expect(relativeTime('2026-12-05T11:00:00Z', now, 'en')).toBe('1 hour ago');
    expect(relativeTime('2026-12-05T11:59:30Z', now, 'en')).toBe('just now');
    expect(relativeTime('2025-12-01T12:00:00Z', now, 'en')).toBe('last year');
    expect(relativeTime(null, now)).toBe('');
    expect(relativeTime('not a date', now)).toBe('');
    expect(localTime('2026-12-05T12:00:00Z')).toMatch(/^2026-12-0[45] \d\d:\d\d \(UTC[+-]\d\d:\d\d, your time\)$/);
    expect(localTime(null)).toBe('');
  });

  it('takes an engine\'s Unix seconds', () => {
    expect(fromUnixSeconds(1_764_936_000)).toBe('2025-12-05T12:00:00.000Z');
    expect(fromUnixSeconds(0)).toBe('');
    expect(fromUnixSeconds(null)).toBe('');
  });
});

describe('plural', () => {
  it('says one file, and 3 files', () => {
    expect(plural(1, 'file')).toBe('1 file');
    expect(plural(3, 'file')).toBe('3 files');
    expect(plural(0, 'entry', 'entries')).toBe('0 entries');
  });
});

describe('registry presets', () => {
  it('marks the parts still to fill', () => {
    expect(placeholderAt('<account>.dkr.ecr.<region>.amazonaws.com')).toEqual({ start: 0, end: 9 });
    expect(placeholderAt('123.dkr.ecr.<region>.amazonaws.com')).toEqual({ start: 12, end: 20 });
    expect(placeholderAt('quay.io')).toBeNull();
    expect(PRESETS.map((p) => p.label)).toEqual(['ghcr.io', 'Docker Hub', 'Quay', 'GitLab', 'Harbor', 'Amazon ECR', 'Google Artifact Registry', 'Azure']);
  });
});
