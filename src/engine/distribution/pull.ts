/**
 * `docker pull`: the manifest, then each layer the local store lacks, then
 * the config; every blob verified against its digest and every layer
 * checked entry by entry before it is kept, so a corrupted or hostile
 * registry cannot put anything in the store.
 */
import { isDigest, type Digest } from '../images/digest';
import type { ImageStore } from '../images/imageStore';
import { MEDIA, type ImageConfig, type ImageManifest } from '../images/oci';
import { formatReference, registryPath, type Reference } from '../images/reference';
import type { RegistryClient } from './registryClient';
import {
  shortDigest,
  transferCost,
  type BlobSources,
  type ProgressMessage,
  type Transfer,
  type TransferLayer,
} from './transfer';

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

export class PullError extends Error {}

export async function pullImage(opts: {
  store: ImageStore;
  client: RegistryClient;
  ref: Reference;
  sources: BlobSources;
  checkLayer: (digest: Digest, data: Uint8Array) => Promise<void>;
  onProgress: (m: ProgressMessage) => void;
}): Promise<{ transfer: Transfer; updated: boolean }> {
  const { store, client, ref, onProgress } = opts;
  const t0 = performance.now();
  const { host, repository } = registryPath(ref.name);
  const reference = ref.digest ?? ref.tag ?? 'latest';
  const { bytes, digest } = await client.getManifest(repository, reference);
  // Said once the registry has the manifest, as Docker does: a missing image gets only the error.
  onProgress(
    ref.digest ? { status: `Pulling from ${repository}` } : { status: `Pulling from ${repository}`, id: reference },
  );
  const manifest = JSON.parse(new TextDecoder().decode(bytes)) as Omit<ImageManifest, 'mediaType'> & {
    mediaType?: string;
  };
  if (manifest.mediaType === MEDIA.index) {
    throw new PullError(`${formatReference(ref)} is a multi-platform index; this guest pulls single-platform images`);
  }
  if (
    ![MEDIA.manifest, DOCKER_MANIFEST, undefined].includes(manifest.mediaType as string) ||
    !Array.isArray(manifest.layers)
  ) {
    throw new PullError(`unsupported manifest type ${manifest.mediaType}`);
  }

  const layers: TransferLayer[] = [];
  for (const l of manifest.layers) {
    if (!isDigest(l.digest)) throw new PullError(`the manifest names an invalid layer digest: ${l.digest}`);
    if (await store.blobs.has(l.digest)) {
      onProgress({ status: 'Already exists', id: shortDigest(l.digest) });
      layers.push({ digest: l.digest, size: l.size, fate: 'present' });
      continue;
    }
    const data = await client.getBlob(repository, l.digest);
    await opts.checkLayer(l.digest, data);
    await store.blobs.put(data);
    onProgress({ status: 'Pull complete', id: shortDigest(l.digest) });
    layers.push({ digest: l.digest, size: l.size, fate: 'moved' });
  }
  if (!(await store.blobs.has(manifest.config.digest))) {
    await store.blobs.put(await client.getBlob(repository, manifest.config.digest));
  }
  const config = await store.json<ImageConfig>(manifest.config.digest);
  if (config.rootfs?.diff_ids?.length !== manifest.layers.length) {
    throw new PullError(`image ${manifest.config.digest} lists a different number of diff ids than layers`);
  }
  // The manifest's own bytes, so the image keeps the digest the registry gave it.
  await store.blobs.put(bytes);
  await store.putManifest(digest);
  const local = formatReference(ref.digest ? ref : { name: ref.name, tag: reference });
  let updated = true;
  if (!ref.digest) {
    updated = await store.resolve(local).then(
      (i) => i.manifestDigest !== digest,
      () => true,
    );
    await store.tag(digest, local);
  }
  await opts.sources.remember(
    manifest.layers.map((l) => l.digest),
    host,
    repository,
  );
  onProgress({ status: `Digest: ${digest}` });
  onProgress({ status: `Status: ${updated ? 'Downloaded newer image' : 'Image is up to date'} for ${local}` });
  return {
    updated,
    transfer: {
      direction: 'pull',
      reference: local,
      host,
      repository,
      manifest: digest,
      layers,
      ...transferCost(client.stats, t0),
    },
  };
}
