/**
 * What one layer of an image did to the layers below it, file by file: added
 * (A), changed (C) or deleted (D), as `docker diff` names them. Read from the
 * layer blobs, so it works for any image in the store, built, committed or
 * loaded.
 */
import type { BlobStore } from './storage';
import { ImageTree, layerContents } from './imageTree';
import type { Descriptor } from './oci';

export interface LayerChange {
  path: string;
  kind: 'A' | 'C' | 'D';
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'fifo';
  size: number;
  /** An opaque directory: everything the layers below had in it is hidden. */
  opaque?: boolean;
}

export async function layerChanges(
  blobs: BlobStore,
  layers: readonly Descriptor[],
  index: number,
): Promise<LayerChange[]> {
  const layer = layers[index];
  if (!layer) throw new Error(`the image has no layer ${index}`);
  const below = await ImageTree.of(blobs, layers.slice(0, index));
  const blob = await blobs.get(layer.digest);
  if (!blob) throw new Error(`missing layer ${layer.digest}`);
  const out: LayerChange[] = [];
  for (const e of await layerContents(blob, index)) {
    const before = below.files.get(e.path);
    if (e.type === 'whiteout') {
      out.push({ path: `/${e.path}`, kind: 'D', type: (before?.type ?? 'file') as LayerChange['type'], size: 0 });
    } else if (e.type === 'opaque') {
      out.push({ path: `/${e.path}`, kind: 'C', type: 'directory', size: 0, opaque: true });
    } else {
      out.push({ path: `/${e.path}`, kind: before ? 'C' : 'A', type: e.type, size: e.size });
    }
  }
  // An opaque marker and its directory entry describe one change.
  const seen = new Map<string, LayerChange>();
  for (const c of out) {
    const prev = seen.get(c.path);
    seen.set(
      c.path,
      prev ? { ...prev, ...c, opaque: prev.opaque || c.opaque, kind: prev.kind === 'A' ? 'A' : c.kind } : c,
    );
  }
  return [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}
