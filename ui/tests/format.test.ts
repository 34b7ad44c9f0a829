import { describe, expect, it } from 'vitest';
import { humanCount, humanSize, shortDigest, splitDigests } from '../src/lib/format';

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
