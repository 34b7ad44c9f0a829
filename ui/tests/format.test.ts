import { describe, expect, it } from 'vitest';
import { humanSize, shortDigest, splitDigests } from '../src/lib/format';

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
  it('splits digests out of text without interpreting anything else', () => {
    const parts = splitDigests(`{"digest":"${D}","x":"<img src=x>"}`);
    expect(parts.filter((p) => p.digest).map((p) => p.text)).toEqual([D]);
    expect(parts.map((p) => p.text).join('')).toContain('<img src=x>');
    expect(shortDigest(D)).toBe('sha256:abababababab');
  });
});
