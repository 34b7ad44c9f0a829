import { describe, expect, it } from 'vitest';
import { emptyProgress, foldProgress, newReadId } from '../src/lib/reads';

describe('read progress', () => {
  it('adds the bytes of every layer up to the planned total', () => {
    let p = emptyProgress();
    p = foldProgress(p, { event: 'started', blobs: 2, total_bytes: 300 });
    p = foldProgress(p, { event: 'blob_done', digest: 'sha256:a', size: 100, outcome: 'skipped' });
    expect([p.done, p.total, p.layersDone]).toEqual([100, 300, 1]);
    p = foldProgress(p, { event: 'blob', digest: 'sha256:b', done: 50, total: 200 });
    p = foldProgress(p, { event: 'blob', digest: 'sha256:b', done: 150, total: 200 });
    expect([p.done, p.total]).toEqual([250, 300]);
    p = foldProgress(p, { event: 'blob_done', digest: 'sha256:b', size: 200, outcome: 'transferred' });
    expect([p.done, p.layers, p.layersDone]).toEqual([300, 2, 2]);
  });

  it('takes the total from the layer when nothing was planned', () => {
    const p = foldProgress(emptyProgress(), { event: 'blob', digest: 'sha256:a', done: 10, total: 40 });
    expect([p.done, p.total]).toEqual([10, 40]);
  });

  it('gives every read its own number', () => {
    expect(newReadId()).not.toBe(newReadId());
  });
});
