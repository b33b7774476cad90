/**
 * The RegistryTransfer picture's data: the latest push or pull layer by
 * layer (moved, already there, mounted), what the registry holds, and which
 * of those layers the daemon's own store has — all read now, not remembered
 * by the page.
 */
import type { Engine } from '../engine/engine';
import type { Transfer } from '../engine/distribution/transfer';
import type { Digest } from '../engine/images/digest';
import type { RegistryContents } from '../registry/registry';
import type { Registries } from '../registry/localTransport';
import { DEFAULT_REGISTRY } from '../engine/images/reference';

export interface RegistryPictureView {
  /** The registry shown: the one the latest transfer went to (Docker Hub's stand-in before any). */
  host: string;
  registry: RegistryContents;
  /** Newest last. */
  transfers: Transfer[];
  /** Of the layers the picture shows, the ones the daemon's store holds. */
  local: Digest[];
}

export async function readRegistryPicture(engine: Engine, registries: Registries): Promise<RegistryPictureView> {
  const transfers = engine.distribution.recent.slice(-5);
  const latest = transfers.at(-1)?.host;
  const host = latest && Object.hasOwn(registries, latest) ? latest : DEFAULT_REGISTRY;
  const contents = await registries[host]!.contents();
  const shown = new Set<Digest>();
  for (const r of contents.repositories) for (const t of r.tags) for (const l of t.layers) shown.add(l.digest);
  for (const t of transfers) for (const l of t.layers) shown.add(l.digest);
  const local: Digest[] = [];
  for (const d of shown) if (await engine.images.blobs.has(d)) local.push(d);
  return { host, registry: contents, transfers, local };
}
