/**
 * The daemon's images, as moby's daemon/images service: every operation that
 * changes what `docker images` shows emits its own event here, once (tag,
 * untag, delete, load, import, pull of the base images), so no caller can
 * forget one. Reading is the ImageStore's; the layers unpacked in the guest
 * are the LayerCache's.
 */
import { conflict, invalidParameter, notFound, systemError } from '../engineError';
import type { EventLog } from '../events';
import type { Distribution } from '../distribution/distribution';
import type { LayerCache } from '../runtime/layerCache';
import { DigestMismatchError, hexOf, type Digest } from './digest';
import { ArchiveError, importRootfs, loadImages } from './imageArchive';
import { untaggedParents } from './imageParents';
import { ImageNotFoundError, type Image, type ImageStore } from './imageStore';
import { UnsafeArchiveError } from './layerArchive';
import type { Descriptor, ImageConfig } from './oci';
import { formatReference, parseReference } from './reference';

const SCRATCH = 'scratch:latest';

export type DeleteResponse = { Untagged?: string; Deleted?: string }[];

export class ImageService {
  private seeded: Promise<void> | null = null;

  /**
   * @param seedImages puts the base images in the store and returns their
   *   tags; run once, when something first needs images (a request, or the
   *   page's prefetch of base layers a moment after boot).
   * @param containersUsing the ids of the containers made from an image
   */
  constructor(
    readonly store: ImageStore,
    private readonly events: EventLog,
    private readonly distribution: Distribution,
    private readonly layers: LayerCache,
    private readonly containersUsing: (imageId: Digest) => string[],
    private readonly seedImages?: () => Promise<string[]>,
  ) {}

  /** The base images were put in the store and announced (by this machine, or the saved one it was restored from). */
  get seededAlready(): boolean {
    return this.seeded !== null;
  }

  markSeeded(): void {
    this.seeded = Promise.resolve();
  }

  /** Makes sure the base images are in the store (see the constructor). */
  ensureImages(): Promise<void> {
    this.seeded ??= (this.seedImages?.() ?? Promise.resolve([]))
      .then(async (tags) => {
        // Docker says "pull" when an image arrives from a registry; here it arrives from the site's store.
        for (const t of tags) {
          const image = await this.store.resolve(t);
          this.events.emit('image', 'pull', image.id, { name: t });
          // The same images are the registry's official ones: a push can mount their layers from there.
          if (!t.startsWith('scratch:')) await this.distribution.rememberOrigin(image, t);
        }
      })
      .catch((e: Error) => {
        this.seeded = null;
        throw systemError(`could not load the base images: ${e.message}`);
      });
    return this.seeded;
  }

  /** An image by reference or id; an unknown one is Docker's "No such image". */
  resolve(ref: string): Promise<Image> {
    return this.store.resolve(ref).catch((e: unknown) => {
      throw e instanceof ImageNotFoundError ? notFound(e.message) : e;
    });
  }

  /** Every layer of the image unpacked in the guest (once each, shared); their paths, bottom first. */
  async unpackLayers(image: Image, idShift = 0): Promise<string[]> {
    const paths: string[] = [];
    for (let i = 0; i < image.manifest.layers.length; i++) {
      const desc = image.manifest.layers[i]!;
      const blob = async () => {
        const b = await this.store.blobs.get(desc.digest);
        if (!b) throw systemError(`image ${image.id} is missing layer ${desc.digest}`);
        return b;
      };
      paths.push(await this.layers.ensure(image.config.rootfs.diff_ids[i]!, blob, idShift));
    }
    return paths;
  }

  /** `docker tag`: one more name for the image. */
  async tag(image: Image, target: string): Promise<void> {
    await this.store.tag(image.manifestDigest, target).catch((e: Error) => {
      throw invalidParameter(e.message);
    });
    this.events.emit('image', 'tag', image.id, { name: target });
  }

  /** A new image from a config and layers already stored (a commit, a build step). */
  async create(config: ImageConfig, layers: Descriptor[]): Promise<Image> {
    return this.store.byManifest(await this.store.putImage(config, layers));
  }

  /** `docker load`: the images of a `docker save` archive (or an OCI layout); their names, or ids if untagged. */
  async load(archive: Uint8Array): Promise<string[]> {
    await this.ensureImages();
    let loaded: string[];
    try {
      loaded = (await loadImages(this.store, archive)).loaded;
    } catch (e) {
      if (e instanceof UnsafeArchiveError || e instanceof ArchiveError || e instanceof DigestMismatchError) {
        throw invalidParameter(`the archive was refused: ${e.message}`);
      }
      throw e;
    }
    for (const l of loaded) this.events.emit('image', 'load', l, { name: l });
    return loaded;
  }

  /** `docker import`: a filesystem tar as a one-layer image. */
  async import(tar: Uint8Array, message: string, target?: string): Promise<Image> {
    await this.ensureImages();
    let image;
    try {
      image = await importRootfs(this.store, tar, message);
    } catch (e) {
      if (e instanceof UnsafeArchiveError) throw invalidParameter(`the archive was refused: ${e.message}`);
      throw invalidParameter(`not a filesystem tar: ${(e as Error).message}`);
    }
    if (target) await this.tag(image, target);
    this.events.emit('image', 'import', image.id, {});
    return image;
  }

  /**
   * `docker images`: every tagged image, except `scratch`, which Docker
   * reserves (FROM scratch works; it is never listed). The store keeps it so
   * that a build can start from it.
   */
  async list(): Promise<Image[]> {
    await this.ensureImages();
    return (await this.store.list())
      .map((i) => ({ ...i, tags: i.tags.filter((t) => t !== SCRATCH) }))
      .filter((i) => i.tags.length > 0);
  }

  /** `docker rmi`: untags; the image is deleted once no tag and no container use it. */
  async remove(ref: string, force = false): Promise<DeleteResponse> {
    const image = await this.resolve(ref);
    const users = this.containersUsing(image.id);
    const byName = !/^(sha256:)?[0-9a-f]{6,64}$/.test(ref);
    const out: DeleteResponse = [];
    const named = byName ? formatReference({ tag: 'latest', ...parseReference(ref) }) : '';
    const toUntag = byName && image.tags.length > 1 ? [named] : image.tags;
    if (!byName && image.tags.length > 1 && !force) {
      throw conflict(
        `conflict: unable to delete ${hexOf(image.id).slice(0, 12)} (must be forced) - image is referenced in multiple repositories`,
      );
    }
    if (toUntag.length === image.tags.length && users.length && !force) {
      throw conflict(
        `conflict: unable to remove repository reference "${ref}" (must force) - container ${users[0]!.slice(0, 12)} is using its referenced image ${hexOf(image.id).slice(0, 12)}`,
      );
    }
    for (const t of toUntag) {
      await this.store.untag(t);
      out.push({ Untagged: t });
      this.events.emit('image', 'untag', image.id, { name: t });
    }
    if (toUntag.length === image.tags.length) {
      await this.delete(image, out);
      // As Docker's rmi does: untagged parents (a build's steps) no other image or container needs go too,
      // and then the layers nothing refers to any more.
      const all = await this.store.all();
      const used = new Set(all.map((i) => i.id).filter((id) => this.containersUsing(id).length));
      for (const parent of await untaggedParents(image, all, used)) await this.delete(parent, out);
      await this.store.collectGarbage();
    }
    return out;
  }

  /**
   * `docker image prune`: images no tag names and no container uses (with
   * `all`, every image no container uses), then the blobs nothing refers to.
   */
  async prune(all = false): Promise<{ ImagesDeleted: DeleteResponse; SpaceReclaimed: number }> {
    await this.ensureImages();
    const deleted: DeleteResponse = [];
    for (const image of await this.store.all()) {
      if (this.containersUsing(image.id).length || (!all && image.tags.length)) continue;
      for (const t of image.tags) {
        await this.store.untag(t);
        deleted.push({ Untagged: t });
      }
      await this.delete(image, deleted);
    }
    return { ImagesDeleted: deleted, SpaceReclaimed: await this.store.collectGarbage() };
  }

  private async delete(image: Image, out: DeleteResponse): Promise<void> {
    await this.store.deleteImage(image);
    out.push({ Deleted: image.id });
    this.events.emit('image', 'delete', image.id, {});
  }

  /** Docker's GET /images/{name}/json. */
  async inspect(ref: string) {
    const i = await this.resolve(ref);
    return {
      Id: i.id,
      RepoTags: i.tags,
      RepoDigests: await this.distribution.repoDigests(i),
      Created: i.config.created,
      Architecture: i.config.architecture,
      Os: i.config.os,
      Config: i.config.config,
      RootFS: { Type: 'layers', Layers: i.config.rootfs.diff_ids },
    };
  }

  /** `docker history`: newest first, as Docker lists it; layer sizes from the manifest, in order. */
  async history(ref: string) {
    const image = await this.resolve(ref);
    const layers = [...image.manifest.layers];
    const entries = (image.config.history ?? []).map((h) => ({
      Created: Math.floor(Date.parse(h.created ?? '1970-01-01T00:00:00Z') / 1000),
      CreatedBy: h.created_by ?? '',
      Size: h.empty_layer ? 0 : (layers.shift()?.size ?? 0),
      Comment: h.comment ?? '',
      Id: '<missing>',
    }));
    entries.reverse();
    if (entries[0]) entries[0].Id = image.id;
    return entries;
  }
}
