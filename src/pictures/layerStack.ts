/**
 * The LayerStack picture's data: a container's own layer (what `docker diff`
 * reads from its upper dir: copied-up, new and whited-out paths) on top of
 * its image's layers, each with the instruction that made it.
 */
import type { Engine } from '../engine/engine';
import { containerPaths } from '../engine/runtime/containerPlan';

export interface StackLayer {
  /** 0 = the bottom layer. */
  index: number;
  digest: string;
  size: number;
  /** The history entry that made it (a Dockerfile instruction, a commit's command). */
  createdBy: string;
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
}

const KINDS = ['C', 'A', 'D'] as const;

export async function readLayerStack(engine: Engine, ref?: string): Promise<LayerStackView> {
  const all = engine.list(true).filter((c) => c.State.Status !== 'created' && c.State.Status !== 'removing');
  const containers = all.map((c) => ({ id: c.Id, name: c.Name, status: c.State.Status }));
  const c = (ref && all.find((x) => x.Name === ref || x.Id === ref)) || all[0];
  if (!c) return { containers, selected: null };
  const image = await engine.image(c.Image);
  const made = (image.config.history ?? []).filter((h) => !h.empty_layer);
  const layers = image.manifest.layers
    .map((l, index) => ({
      index,
      digest: l.digest,
      size: l.size,
      createdBy: made[index]?.created_by ?? '',
    }))
    .reverse();
  const changes = (await engine.changes(c.Id)).map((x) => ({ path: x.Path, kind: KINDS[x.Kind] }));
  return {
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
