// Long reads the window can watch and stop (a layer's listing, an image's tree, two images
// compared, a file read or saved): each gets a number of its own, which names it to the
// backend's `cancel_read`, and its progress events fold into bytes done of bytes planned.
import type { ProgressEvent } from './bindings';

let last = Math.floor(Math.random() * 1_000_000);

/** A number for a new read, unique in this window. */
export function newReadId(): number {
  last = (last + 1) % 2_000_000_000;
  return last;
}

/** How far a read has come. */
export interface ReadProgress {
  /** Bytes received (a layer the cache had counts whole). */
  done: number;
  /** Bytes to read in all (0 until known). */
  total: number;
  /** Layers to read, and read so far. */
  layers: number;
  layersDone: number;
  /** Bytes received per layer. */
  perLayer: Map<string, number>;
}

export function emptyProgress(): ReadProgress {
  return { done: 0, total: 0, layers: 0, layersDone: 0, perLayer: new Map() };
}

/** `p` after `event` (a new object: safe to keep in reactive state). */
export function foldProgress(p: ReadProgress, event: ProgressEvent): ReadProgress {
  const perLayer = new Map(p.perLayer);
  let { total, layers, layersDone } = p;
  switch (event.event) {
    case 'started':
      total = event.total_bytes;
      layers = event.blobs;
      break;
    case 'blob':
      perLayer.set(event.digest, event.done);
      if (!p.layers) total = Math.max(total, event.total);
      break;
    case 'blob_done':
      perLayer.set(event.digest, event.size);
      layersDone += 1;
      if (!p.layers) total = Math.max(total, event.size);
      break;
    case 'finished':
      break;
  }
  let done = 0;
  for (const n of perLayer.values()) done += n;
  return { done: Math.min(done, total || done), total, layers, layersDone, perLayer };
}
