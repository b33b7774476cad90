/**
 * Images by OCI semantics: content-addressed blobs (manifest, config, layers)
 * and tags pointing at manifests. An image's id is its config digest, as in
 * Docker.
 */
import { DigestMismatchError, hexOf, isDigest, sha256, type Digest } from './digest';
import {
  IMAGE_NAME,
  MEDIA,
  REF_NAME,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from './oci';
import { formatReference, parseReference } from './reference';
import { type BlobStore, type MetaStore } from './storage';

const TAGS_KEY = 'tags';
/** Every image's manifest by image id, tagged or not (a build's intermediate images are not). */
const IDS_KEY = 'ids';

export interface Image {
  /** The config digest: Docker's image id. */
  id: Digest;
  manifestDigest: Digest;
  manifest: ImageManifest;
  config: ImageConfig;
  tags: string[];
}

export class ImageNotFoundError extends Error {
  constructor(readonly ref: string) {
    super(`No such image: ${ref}`);
    this.name = 'ImageNotFoundError';
  }
}

const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const decode = <T>(b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as T;

export class ImageStore {
  constructor(
    readonly blobs: BlobStore,
    /** Small documents kept with the images: tags, image ids, the build cache. */
    readonly meta: MetaStore,
  ) {}

  private async tags(): Promise<Record<string, Digest>> {
    return (await this.meta.get<Record<string, Digest>>(TAGS_KEY)) ?? {};
  }

  async json<T>(digest: Digest): Promise<T> {
    const b = await this.blobs.get(digest);
    if (!b) throw new Error(`missing blob ${digest}`);
    return decode<T>(b);
  }

  /** Stores an image made of layers already in the blob store; returns its manifest digest. */
  putImage(config: ImageConfig, layers: Descriptor[]): Promise<Digest> {
    return this.putImageBytes(encode(config), layers);
  }

  /** The same, with the config as exact bytes (a loaded image keeps its id). */
  async putImageBytes(configBytes: Uint8Array, layers: Descriptor[]): Promise<Digest> {
    const configDigest = await this.blobs.put(configBytes);
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      config: { mediaType: MEDIA.config, digest: configDigest, size: configBytes.length },
      layers,
    };
    const manifestDigest = await this.blobs.put(encode(manifest));
    await this.remember(configDigest, manifestDigest);
    return manifestDigest;
  }

  /** Makes a manifest whose blobs are all stored (an imported one) findable by its image id. */
  async putManifest(manifestDigest: Digest): Promise<void> {
    const m = await this.json<ImageManifest>(manifestDigest);
    await this.remember(m.config.digest, manifestDigest);
  }

  private async ids(): Promise<Record<string, Digest>> {
    return (await this.meta.get<Record<string, Digest>>(IDS_KEY)) ?? {};
  }

  private async remember(id: Digest, manifestDigest: Digest): Promise<void> {
    const ids = await this.ids();
    if (ids[id] === manifestDigest) return;
    ids[id] = manifestDigest;
    await this.meta.set(IDS_KEY, ids);
  }

  /** Forgets an image: its manifest goes; layers and config stay for the images that share them. */
  async deleteImage(image: Image): Promise<void> {
    const ids = await this.ids();
    delete ids[image.id];
    await this.meta.set(IDS_KEY, ids);
    await this.blobs.delete(image.manifestDigest);
  }

  async tag(manifestDigest: Digest, ref: string): Promise<void> {
    const r = parseReference(ref);
    if (!(await this.blobs.has(manifestDigest))) throw new Error(`no manifest ${manifestDigest}`);
    const tags = await this.tags();
    tags[formatReference({ name: r.name, tag: r.tag ?? 'latest' })] = manifestDigest;
    await this.meta.set(TAGS_KEY, tags);
  }

  async untag(ref: string): Promise<boolean> {
    const r = parseReference(ref);
    const tags = await this.tags();
    const key = formatReference({ name: r.name, tag: r.tag ?? 'latest' });
    if (!(key in tags)) return false;
    delete tags[key];
    await this.meta.set(TAGS_KEY, tags);
    return true;
  }

  /** Finds an image by name[:tag], name@digest, full or short image id. */
  async resolve(ref: string): Promise<Image> {
    const tags = await this.tags();
    let manifestDigest: Digest | undefined;
    const idLike = /^(sha256:)?([0-9a-f]{6,64})$/.exec(ref);
    if (idLike) {
      const ids = await this.ids();
      for (const d of new Set(Object.values(tags))) {
        const m = await this.json<ImageManifest>(d);
        ids[m.config.digest] = d;
      }
      const hits = Object.keys(ids).filter((id) => hexOf(id as Digest).startsWith(idLike[2]!));
      if (hits.length === 1 && (await this.blobs.has(ids[hits[0]!]!))) manifestDigest = ids[hits[0]!];
    }
    if (!manifestDigest) {
      let r;
      try {
        r = parseReference(ref);
      } catch {
        throw new ImageNotFoundError(ref);
      }
      if (r.digest) {
        if (await this.blobs.has(r.digest)) manifestDigest = r.digest;
      } else manifestDigest = tags[formatReference({ name: r.name, tag: r.tag })];
    }
    if (!manifestDigest) throw new ImageNotFoundError(ref);
    return this.load(manifestDigest, tags);
  }

  /** The image a manifest describes, with its tags. */
  async byManifest(manifestDigest: Digest): Promise<Image> {
    return this.load(manifestDigest, await this.tags());
  }

  private async load(manifestDigest: Digest, tags: Record<string, Digest>): Promise<Image> {
    const manifest = await this.json<ImageManifest>(manifestDigest);
    const config = await this.json<ImageConfig>(manifest.config.digest);
    const names = Object.entries(tags)
      .filter(([, d]) => d === manifestDigest)
      .map(([t]) => t)
      .sort();
    return { id: manifest.config.digest, manifestDigest, manifest, config, tags: names };
  }

  async list(): Promise<Image[]> {
    const seen = new Set<Digest>();
    const out: Image[] = [];
    const tags = await this.tags();
    for (const d of Object.values(tags)) {
      if (seen.has(d)) continue;
      seen.add(d);
      out.push(await this.load(d, tags));
    }
    return out;
  }

  /** Every image in the store, tagged or not (a build's steps, untagged commits). */
  async all(): Promise<Image[]> {
    const tags = await this.tags();
    const out: Image[] = [];
    // Tagged images too: a store written before ids were kept has only their tags.
    for (const d of new Set([...Object.values(await this.ids()), ...Object.values(tags)])) {
      if (await this.blobs.has(d)) out.push(await this.load(d, tags));
    }
    return out;
  }

  /**
   * Deletes the blobs no image refers to any more (layers and configs of
   * deleted images); layers still shared with another image stay. Returns
   * the bytes freed.
   */
  async collectGarbage(): Promise<number> {
    const keep = new Set<Digest>();
    for (const image of await this.all()) {
      keep.add(image.manifestDigest);
      keep.add(image.manifest.config.digest);
      for (const l of image.manifest.layers) keep.add(l.digest);
    }
    let freed = 0;
    for (const d of await this.blobs.list()) {
      if (keep.has(d)) continue;
      freed += (await this.blobs.get(d))?.length ?? 0;
      await this.blobs.delete(d);
    }
    return freed;
  }

  /**
   * Imports an OCI image layout (index.json + blobs/sha256/…) read through
   * `read`, verifying every blob against its digest (and each layer with
   * `checkLayer`, if given, before it is kept), and tags each image by its
   * name annotation. Blobs already present are not fetched again. Returns
   * the tags, or the image id of an image that has none.
   */
  async importLayout(
    read: (path: string) => Promise<Uint8Array>,
    checkLayer?: (digest: Digest, data: Uint8Array) => Promise<void>,
  ): Promise<string[]> {
    const index = decode<ImageIndex>(await read('index.json'));
    const loaded: string[] = [];
    const fetchBlob = async (d: Descriptor, check?: (data: Uint8Array) => Promise<void>) => {
      if (!isDigest(d.digest)) throw new Error(`bad digest in OCI layout: ${d.digest}`);
      if (await this.blobs.has(d.digest)) return;
      const data = await read(`blobs/sha256/${hexOf(d.digest)}`);
      // The digest first: a tampered blob is reported as tampered, not as whatever its bytes now look like.
      const actual = await sha256(data);
      if (actual !== d.digest) throw new DigestMismatchError(d.digest, actual);
      await check?.(data);
      await this.blobs.put(data);
    };
    for (const desc of index.manifests) {
      await fetchBlob(desc);
      const m = await this.json<ImageManifest>(desc.digest);
      await fetchBlob(m.config);
      for (const l of m.layers) await fetchBlob(l, checkLayer && ((data) => checkLayer(l.digest, data)));
      const config = await this.json<ImageConfig>(m.config.digest);
      if (config.rootfs.diff_ids.length !== m.layers.length) {
        throw new Error(
          `image ${m.config.digest} lists ${config.rootfs.diff_ids.length} diff ids for ${m.layers.length} layers`,
        );
      }
      await this.remember(m.config.digest, desc.digest);
      // containerd's full name if there is one; OCI tools put only the tag in ref.name.
      const name = desc.annotations?.[IMAGE_NAME] ?? desc.annotations?.[REF_NAME];
      if (name && /[:@]/.test(name)) {
        const r = parseReference(name);
        const tag = formatReference({ name: r.name, tag: r.tag ?? 'latest' });
        await this.tag(desc.digest, tag);
        loaded.push(tag);
      } else loaded.push(m.config.digest);
    }
    return loaded;
  }
}

export { sha256 };
