/**
 * The RegistryTransfer picture's data: the latest push or pull layer by
 * layer (moved, already there, mounted), what the registry holds, and which
 * of those layers the daemon's own store has — all read now, not remembered
 * by the page.
 */
import type { Engine } from '../engine/engine';
import type { Transfer } from '../engine/distribution/transfer';
import type { Digest } from '../engine/images/digest';
import type { Registry, RegistryContents } from '../registry/registry';

export interface RegistryPictureView {
  registry: RegistryContents;
  /** Newest last. */
  transfers: Transfer[];
  /** Of the layers the picture shows, the ones the daemon's store holds. */
  local: Digest[];
}

export async function readRegistryPicture(engine: Engine, registry: Registry): Promise<RegistryPictureView> {
  const contents = await registry.contents();
  const transfers = engine.distribution.recent.slice(-5);
  const shown = new Set<Digest>();
  for (const r of contents.repositories) for (const t of r.tags) for (const l of t.layers) shown.add(l.digest);
  for (const t of transfers) for (const l of t.layers) shown.add(l.digest);
  const local: Digest[] = [];
  for (const d of shown) if (await engine.images.blobs.has(d)) local.push(d);
  return { registry: contents, transfers, local };
}
