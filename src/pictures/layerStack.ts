/**
 * The LayerStack picture's data: a container's own layer (what `docker diff`
 * reads from its upper dir: copied-up, new and whited-out paths) on top of
 * its image's layers, each with the instruction that made it and which of
 * the changed paths it holds (read from the layer blobs), and the other
 * containers' layers, to draw the layers they share.
 */
import type { Engine } from '../engine/engine';
import { layerContents } from '../engine/images/imageTree';
import { containerPaths } from '../engine/runtime/containerPlan';

export interface StackLayer {
  /** 0 = the bottom layer. */
  index: number;
  digest: string;
  size: number;
  /** The history entry that made it (a Dockerfile instruction, a commit's command). */
  createdBy: string;
  /** Of the paths the container layer changed, those this layer has (D: a whiteout of it). */
  holds: { path: string; kind: 'A' | 'D' }[];
}

/** Another container's stack, for the layers the two share. */
export interface OtherStack {
  id: string;
  name: string;
  image: string;
  /** Its image's layer digests, bottom first. */
  layers: string[];
}

export interface LayerStackView {
  containers: { id: string; name: string; status: string }[];
  selected: {
    id: string;
    name: string;
    image: string;
    imageId: string;
    upperDir: string;
    /** The container layer: A added, C changed (copied up), D deleted (a whiteout). */
    changes: { path: string; kind: 'A' | 'C' | 'D' }[];
    /** Topmost first, as the stack is drawn. */
    layers: StackLayer[];
  } | null;
  /** The other containers (created ones aside), with their image's layers. */
  others: OtherStack[];
}

const KINDS = ['C', 'A', 'D'] as const;

export async function readLayerStack(engine: Engine, ref?: string): Promise<LayerStackView> {
  const all = engine.list(true).filter((c) => c.State.Status !== 'created' && c.State.Status !== 'removing');
  const containers = all.map((c) => ({ id: c.Id, name: c.Name, status: c.State.Status }));
  const c = (ref && all.find((x) => x.Name === ref || x.Id === ref)) || all[0];
  if (!c) return { containers, selected: null, others: [] };
  const image = await engine.image(c.Image);
  const made = (image.config.history ?? []).filter((h) => !h.empty_layer);
  const changes = (await engine.changes(c.Id)).map((x) => ({ path: x.Path, kind: KINDS[x.Kind] }));
  const changed = new Set(changes.map((x) => x.path));
  const layers: StackLayer[] = [];
  for (const [index, l] of image.manifest.layers.entries()) {
    const paths = await pathsOf(engine, l.digest, index);
    const holds: StackLayer['holds'] = [];
    for (const [path, kind] of paths) if (changed.has(path)) holds.push({ path, kind });
    layers.push({ index, digest: l.digest, size: l.size, createdBy: made[index]?.created_by ?? '', holds });
  }
  layers.reverse();
  const others: OtherStack[] = [];
  for (const o of all) {
    if (o.Id === c.Id) continue;
    try {
      const img = await engine.image(o.Image);
      others.push({
        id: o.Id,
        name: o.Name,
        image: o.Config.Image,
        layers: img.manifest.layers.map((l) => l.digest),
      });
    } catch {
      // its image was removed under it: nothing to share
    }
  }
  return {
    others,
    containers,
    selected: {
      id: c.Id,
      name: c.Name,
      image: c.Config.Image,
      imageId: image.id,
      upperDir: containerPaths(c.Id).upper,
      changes,
      layers,
    },
  };
}

/** Every path of a layer (a whiteout as D), kept by digest: a layer never changes. */
const layerPaths = new Map<string, Map<string, 'A' | 'D'>>();

async function pathsOf(engine: Engine, digest: string, index: number): Promise<Map<string, 'A' | 'D'>> {
  const known = layerPaths.get(digest);
  if (known) return known;
  const blob = await engine.images.blobs.get(digest as `sha256:${string}`);
  const paths = new Map<string, 'A' | 'D'>();
  if (blob) {
    for (const e of await layerContents(blob, index)) {
      if (e.type === 'opaque') continue;
      paths.set(`/${e.path}`.replace(/\/$/, ''), e.type === 'whiteout' ? 'D' : 'A');
    }
  }
  layerPaths.set(digest, paths);
  return paths;
}
