/**
 * `docker push`: each layer the repository lacks is uploaded, one another
 * repository of the same registry holds is mounted from there, and one the
 * repository has is left alone ("Layer already exists"); then the config,
 * then the manifest's exact bytes, so the registry's digest is the local one.
 */
import type { Image, ImageStore } from '../images/imageStore';
import { MEDIA } from '../images/oci';
import { registryPath } from '../images/reference';
import type { RegistryClient } from './registryClient';
import {
  shortDigest,
  transferCost,
  type BlobSources,
  type ProgressMessage,
  type Transfer,
  type TransferLayer,
} from './transfer';

export async function pushImage(opts: {
  store: ImageStore;
  client: RegistryClient;
  image: Image;
  name: string;
  tag: string;
  sources: BlobSources;
  onProgress: (m: ProgressMessage) => void;
}): Promise<Transfer> {
  const { store, client, image, tag, onProgress } = opts;
  const t0 = performance.now();
  const { host, repository } = registryPath(opts.name);
  onProgress({ status: `The push refers to repository [${host}/${repository}]` });

  const blob = async (digest: typeof image.id) => {
    const b = await store.blobs.get(digest);
    if (!b) throw new Error(`the local store is missing blob ${digest} of ${opts.name}`);
    return b;
  };
  const layers: TransferLayer[] = [];
  // Docker lists the top layer first; the picture wants them bottom first.
  for (const l of [...image.manifest.layers].reverse()) {
    const id = shortDigest(l.digest);
    if (await client.hasBlob(repository, l.digest)) {
      onProgress({ status: 'Layer already exists', id });
      layers.unshift({ digest: l.digest, size: l.size, fate: 'present' });
      continue;
    }
    let mountedFrom: string | undefined;
    for (const from of await opts.sources.of(l.digest, host)) {
      if (from !== repository && (await client.mountBlob(repository, l.digest, from))) {
        mountedFrom = from;
        break;
      }
    }
    if (mountedFrom) {
      onProgress({ status: `Mounted from ${mountedFrom}`, id });
      layers.unshift({ digest: l.digest, size: l.size, fate: 'mounted', from: mountedFrom });
      continue;
    }
    await client.pushBlob(repository, l.digest, await blob(l.digest));
    onProgress({ status: 'Pushed', id });
    layers.unshift({ digest: l.digest, size: l.size, fate: 'moved' });
  }
  const config = image.manifest.config.digest;
  if (!(await client.hasBlob(repository, config))) await client.pushBlob(repository, config, await blob(config));
  const manifestBytes = await blob(image.manifestDigest);
  const digest = await client.putManifest(repository, tag, manifestBytes, image.manifest.mediaType ?? MEDIA.manifest);
  await opts.sources.remember(
    image.manifest.layers.map((l) => l.digest),
    host,
    repository,
  );
  onProgress({ status: `${tag}: digest: ${digest} size: ${manifestBytes.length}` });
  return {
    direction: 'push',
    reference: `${opts.name}:${tag}`,
    host,
    repository,
    manifest: digest,
    layers,
    ...transferCost(client.stats, t0),
  };
}
