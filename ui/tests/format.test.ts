import { describe, expect, it } from 'vitest';
import { humanSize, isSupplyChainTag, pullCommand, shortDigest, splitDigests } from '../src/lib/format';

const D = 'sha256:' + 'ab'.repeat(32);

describe('format', () => {
  it('sizes like the CLI', () => {
    expect(humanSize(512)).toBe('512 B');
    expect(humanSize(1536)).toBe('1.5 KiB');
    expect(humanSize(null)).toBe('');
  });
  it('pull commands pin the digest and shorten Docker Hub names for docker', () => {
    expect(pullCommand('docker', 'ghcr.io/o/i', D)).toBe(`docker pull ghcr.io/o/i@${D}`);
    expect(pullCommand('docker', 'docker.io/library/ubuntu', D)).toBe(`docker pull ubuntu@${D}`);
    expect(pullCommand('podman', 'docker.io/library/ubuntu', D)).toBe(`podman pull docker.io/library/ubuntu@${D}`);
  });
  it('recognises signature and attestation tags', () => {
    expect(isSupplyChainTag(`sha256-${'a'.repeat(64)}.sig`)).toBe(true);
    expect(isSupplyChainTag(`sha256-${'a'.repeat(64)}`)).toBe(true);
    expect(isSupplyChainTag('v1.0')).toBe(false);
  });
  it('splits digests out of text without interpreting anything else', () => {
    const parts = splitDigests(`{"digest":"${D}","x":"<img src=x>"}`);
    expect(parts.filter((p) => p.digest).map((p) => p.text)).toEqual([D]);
    expect(parts.map((p) => p.text).join('')).toContain('<img src=x>');
    expect(shortDigest(D)).toBe('sha256:abababababab');
  });
});
