/**
 * Images as one tar file, both ways: `docker save` writes an OCI image
 * layout (oci-layout, index.json, blobs/sha256/…) that also carries Docker's
 * manifest.json and repositories, as Docker 25 and later write it, so the
 * same file loads into Docker and opens with skopeo or umoci. `docker load`
 * reads that, older `docker save` tars, and plain OCI layouts, checking every
 * entry and every digest before anything is stored.
 */
import { packTar, unpackTar, type TarEntry } from 'modern-tar';
import { DigestMismatchError, hexOf, sha256, type Digest } from './digest';
import type { Image, ImageStore } from './imageStore';
import {
  ARCHIVE_LIMITS,
  checkEntries,
  layerFromTar,
  normalizeEntryPath,
  readLayer,
  ungzip,
  UnsafeArchiveError,
} from './layerArchive';
import { IMAGE_NAME, MEDIA, REF_NAME, type Descriptor, type ImageConfig, type ImageIndex } from './oci';
import { parseReference } from './reference';

const EPOCH = new Date('1970-01-01T00:00:00Z');
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

export class ArchiveError extends Error {}

/** One tar holding the images (and their tags as given). */
export async function saveImages(store: ImageStore, images: { image: Image; tags: string[] }[]): Promise<Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const blob = async (d: Digest) => {
    const b = await store.blobs.get(d);
    if (!b) throw new ArchiveError(`missing blob ${d}`);
    files.set(`blobs/sha256/${hexOf(d)}`, b);
  };
  const index: ImageIndex = { schemaVersion: 2, mediaType: MEDIA.index, manifests: [] };
  const dockerManifest: { Config: string; RepoTags: string[]; Layers: string[] }[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const { image, tags } of images) {
    await blob(image.manifestDigest);
    await blob(image.manifest.config.digest);
    for (const l of image.manifest.layers) await blob(l.digest);
    const size = (await store.blobs.get(image.manifestDigest))!.length;
    const refs = tags.length ? tags : [null];
    for (const ref of refs) {
      const r = ref ? parseReference(ref) : null;
      index.manifests.push({
        mediaType: MEDIA.manifest,
        digest: image.manifestDigest,
        size,
        ...(r ? { annotations: { [IMAGE_NAME]: ref!, [REF_NAME]: r.tag ?? 'latest' } } : {}),
      });
      if (r) (repositories[r.name] ??= {})[r.tag ?? 'latest'] = hexOf(image.id);
    }
    dockerManifest.push({
      Config: `blobs/sha256/${hexOf(image.manifest.config.digest)}`,
      RepoTags: tags,
      Layers: image.manifest.layers.map((l) => `blobs/sha256/${hexOf(l.digest)}`),
    });
  }
  const entries: TarEntry[] = [
    { header: { name: 'blobs/', type: 'directory', size: 0, mtime: EPOCH, mode: 0o755 } },
    { header: { name: 'blobs/sha256/', type: 'directory', size: 0, mtime: EPOCH, mode: 0o755 } },
  ];
  const file = (name: string, data: Uint8Array): TarEntry => ({
    header: { name, size: data.length, mtime: EPOCH, mode: 0o644 },
    body: data,
  });
  for (const name of [...files.keys()].sort()) entries.push(file(name, files.get(name)!));
  entries.push(
    file('index.json', enc(index)),
    file('manifest.json', enc(dockerManifest)),
    file('oci-layout', enc({ imageLayoutVersion: '1.0.0' })),
    file('repositories', enc(repositories)),
  );
  return packTar(entries);
}

export interface LoadResult {
  /** "name:tag" for tagged images, "sha256:…" ids for untagged ones. */
  loaded: string[];
}

/**
 * Loads every image of a save tar or OCI layout tar. Unsafe entries (in the
 * archive or in any layer) and digest mismatches are refused, naming them.
 */
export async function loadImages(store: ImageStore, archive: Uint8Array): Promise<LoadResult> {
  let parsed;
  if (archive.length > ARCHIVE_LIMITS.archiveBytes) {
    throw new UnsafeArchiveError('(archive)', `larger than ${ARCHIVE_LIMITS.archiveBytes} bytes`);
  }
  const tar = ungzip(archive);
  try {
    parsed = await unpackTar(tar);
  } catch (e) {
    throw new ArchiveError(`not a tar archive: ${(e as Error).message}`);
  }
  const paths = checkEntries(parsed.map((p) => p.header));
  const files = new Map<string, Uint8Array>();
  parsed.forEach((p, i) => {
    if (p.data && (p.header.type ?? 'file') === 'file') files.set(paths[i]!, p.data);
  });
  // Names inside the archive's JSON are paths too: `blobs//sha256/…` and `./blobs/…` name the same file.
  const read = (name: string) => {
    const b = files.get(normalizeEntryPath(name));
    if (!b) throw new ArchiveError(`the archive has no ${name}`);
    return b;
  };
  const json = <T>(name: string) => JSON.parse(new TextDecoder().decode(read(name))) as T;
  if (files.has('index.json')) {
    try {
      return { loaded: await store.importLayout(async (name) => read(name), checkLayer) };
    } catch (e) {
      if (e instanceof UnsafeArchiveError || e instanceof ArchiveError || e instanceof DigestMismatchError) throw e;
      throw new ArchiveError((e as Error).message);
    }
  }
  if (files.has('manifest.json')) return loadLegacy(store, read, json('manifest.json'));
  throw new ArchiveError('neither an OCI image layout (index.json) nor a docker save archive (manifest.json)');
}

/** A layer blob, checked entry by entry before it is kept. */
export async function checkLayer(name: string, data: Uint8Array): Promise<void> {
  try {
    await readLayer(data);
  } catch (e) {
    if (e instanceof UnsafeArchiveError) throw new UnsafeArchiveError(`${name}: ${e.entry}`, e.reason);
    throw new ArchiveError(`layer ${name} is not a tar: ${(e as Error).message}`);
  }
}

/** Docker's older save format: manifest.json naming a config and uncompressed layer tars per image. */
async function loadLegacy(
  store: ImageStore,
  read: (name: string) => Uint8Array,
  manifest: { Config: string; RepoTags?: string[] | null; Layers: string[] }[],
): Promise<LoadResult> {
  const loaded: string[] = [];
  for (const m of manifest) {
    const configBytes = read(m.Config);
    const config = JSON.parse(new TextDecoder().decode(configBytes)) as ImageConfig;
    if (config.rootfs.diff_ids.length !== m.Layers.length) {
      throw new ArchiveError(
        `${m.Config} lists ${config.rootfs.diff_ids.length} diff ids for ${m.Layers.length} layers`,
      );
    }
    const layers: Descriptor[] = [];
    for (let i = 0; i < m.Layers.length; i++) {
      const data = read(m.Layers[i]!);
      await checkLayer(m.Layers[i]!, data);
      const tar = ungzip(data);
      const diffId = await sha256(tar);
      if (diffId !== config.rootfs.diff_ids[i]) {
        throw new ArchiveError(
          `${m.Layers[i]}: its content is ${diffId}, the config says ${config.rootfs.diff_ids[i]}`,
        );
      }
      // Kept as given when already gzip (same blob, same digests); plain tars are compressed for the store.
      if (data !== tar) {
        const digest = await store.blobs.put(data);
        layers.push({ mediaType: MEDIA.layerGzip, digest, size: data.length });
      } else {
        const layer = await layerFromTar(tar);
        await store.blobs.put(layer.gzip);
        layers.push(layer.descriptor);
      }
    }
    const manifestDigest = await store.putImageBytes(configBytes, layers);
    const id = await sha256(configBytes);
    const tags = m.RepoTags ?? [];
    for (const t of tags) await store.tag(manifestDigest, t);
    loaded.push(...(tags.length ? tags : [id]));
  }
  return { loaded };
}

/**
 * `docker import`: a filesystem tar (from `docker export`, or any rootfs) as
 * a one-layer image with an empty config, as Docker makes it. The tar is
 * checked entry by entry first.
 */
export async function importRootfs(
  store: ImageStore,
  archive: Uint8Array,
  comment = 'Imported from -',
): Promise<Image> {
  const tar = ungzip(archive);
  await readLayer(tar);
  const layer = await layerFromTar(tar);
  await store.blobs.put(layer.gzip);
  const created = new Date().toISOString();
  const config: ImageConfig = {
    created,
    architecture: '386',
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    history: [{ created, created_by: '', comment }],
  };
  return store.byManifest(await store.putImage(config, [layer.descriptor]));
}
