/**
 * An image's parents as Docker's classic builder leaves them: each build
 * step is an untagged image whose layers and history begin the next one's.
 * `docker rmi` deletes the chain below a removed image as far as no other
 * image, tag or container still needs it.
 */
import type { Image } from './imageStore';

/** Whether `a` is where `b` came from: its layers and history begin b's, and b has more history. */
export function isAncestor(a: Image, b: Image): boolean {
  const ha = a.config.history ?? [];
  const hb = b.config.history ?? [];
  const la = a.manifest.layers;
  const lb = b.manifest.layers;
  if (ha.length >= hb.length || la.length > lb.length) return false;
  return (
    la.every((l, i) => lb[i]!.digest === l.digest) &&
    ha.every((h, i) => hb[i]!.created_by === h.created_by && hb[i]!.created === h.created)
  );
}

/**
 * The untagged ancestors of a deleted image that nothing else needs, nearest
 * first. `others` is every image still stored; `usedIds` the images
 * containers run.
 */
export function untaggedParents(deleted: Image, others: Image[], usedIds: Set<string>): Image[] {
  const out: Image[] = [];
  const gone = new Set([deleted.id]);
  let child = deleted;
  for (;;) {
    const parent = others
      .filter((p) => !gone.has(p.id) && isAncestor(p, child))
      .sort((a, b) => (b.config.history?.length ?? 0) - (a.config.history?.length ?? 0))[0];
    if (!parent || parent.tags.length || usedIds.has(parent.id)) return out;
    const needed = others.some((o) => !gone.has(o.id) && o.id !== parent.id && isAncestor(parent, o));
    if (needed) return out;
    out.push(parent);
    gone.add(parent.id);
    child = parent;
  }
}
