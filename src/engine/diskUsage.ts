/**
 * `docker system df` and the prunes: what images, containers, volumes and the
 * build cache take, and what can go.
 */
import type { Engine } from './engine';
import { sh } from './guest';
import { containerPaths, shellQuote } from './runtime/containerPlan';
import { VOLUMES_DIR } from './engine';

export interface DiskUsage {
  LayersSize: number;
  Images: { Id: string; RepoTags: string[]; Size: number; SharedSize: number; Containers: number }[];
  Containers: { Id: string; Names: string[]; State: string; SizeRw: number }[];
  Volumes: { Name: string; UsageData: { Size: number; RefCount: number } }[];
  /** Images made by build steps that no tag names: the build cache. */
  BuildCache: { ID: string; Size: number; InUse: boolean }[];
}

/** Sizes in bytes of guest paths (du -sk), by path. */
async function duBytes(engine: Engine, paths: string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (!paths.length) return sizes;
  const r = await sh(engine.guest, `du -sk ${paths.map(shellQuote).join(' ')} 2>/dev/null; true`);
  for (const line of r.out.split('\n')) {
    const m = /^(\d+)\s+(.*)$/.exec(line);
    if (m) sizes.set(m[2]!, Number(m[1]) * 1024);
  }
  return sizes;
}

export async function diskUsage(engine: Engine): Promise<DiskUsage> {
  await engine.ensureImages();
  const images = await engine.images.all();
  const containers = engine.list(true);
  // A layer shared by several images counts once in LayersSize and as shared in each.
  const users = new Map<string, number>();
  for (const i of images) for (const l of i.manifest.layers) users.set(l.digest, (users.get(l.digest) ?? 0) + 1);
  const sizes = new Map<string, number>();
  for (const i of images) for (const l of i.manifest.layers) sizes.set(l.digest, l.size);
  const tagged = images.filter((i) => i.tags.length);
  const inUse = (id: string) => containers.filter((c) => c.Image === id).length;
  const uppers = await duBytes(
    engine,
    containers.map((c) => containerPaths(c.Id).upper),
  );
  const vols = await sh(engine.guest, `ls ${VOLUMES_DIR} 2>/dev/null; true`);
  const volumeNames = vols.out.split('\n').filter(Boolean);
  const volumeSizes = await duBytes(
    engine,
    volumeNames.map((v) => `${VOLUMES_DIR}/${v}/_data`),
  );
  return {
    LayersSize: [...sizes.values()].reduce((a, b) => a + b, 0),
    Images: tagged.map((i) => ({
      Id: i.id,
      RepoTags: i.tags,
      Size: i.manifest.layers.reduce((n, l) => n + l.size, 0),
      SharedSize: i.manifest.layers.filter((l) => (users.get(l.digest) ?? 0) > 1).reduce((n, l) => n + l.size, 0),
      Containers: inUse(i.id),
    })),
    Containers: containers.map((c) => ({
      Id: c.Id,
      Names: [`/${c.Name}`],
      State: c.State.Status,
      SizeRw: uppers.get(containerPaths(c.Id).upper) ?? 0,
    })),
    Volumes: volumeNames.map((name) => ({
      Name: name,
      UsageData: {
        Size: volumeSizes.get(`${VOLUMES_DIR}/${name}/_data`) ?? 0,
        RefCount: containers.filter((c) => c.HostConfig.Binds.some((b) => b.startsWith(`${name}:`))).length,
      },
    })),
    BuildCache: images
      .filter((i) => !i.tags.length)
      .map((i) => ({ ID: i.id, Size: i.manifest.layers.at(-1)?.size ?? 0, InUse: inUse(i.id) > 0 })),
  };
}

/** `docker container prune`: every container that is not running. */
export async function pruneContainers(
  engine: Engine,
): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
  const stopped = engine.list(true).filter((c) => !c.State.Running);
  const sizes = await duBytes(
    engine,
    stopped.map((c) => containerPaths(c.Id).upper),
  );
  const deleted: string[] = [];
  let space = 0;
  for (const c of stopped) {
    await engine.remove(c.Id);
    deleted.push(c.Id);
    space += sizes.get(containerPaths(c.Id).upper) ?? 0;
  }
  return { ContainersDeleted: deleted, SpaceReclaimed: space };
}

/**
 * `docker image prune`: images no tag names and no container uses (with
 * `all`, every image no container uses), then the blobs nothing refers to.
 */
export async function pruneImages(
  engine: Engine,
  all = false,
): Promise<{ ImagesDeleted: { Untagged?: string; Deleted?: string }[]; SpaceReclaimed: number }> {
  const used = new Set(engine.list(true).map((c) => c.Image));
  const deleted: { Untagged?: string; Deleted?: string }[] = [];
  for (const image of await engine.images.all()) {
    if (used.has(image.id) || (!all && image.tags.length)) continue;
    for (const t of image.tags) {
      await engine.images.untag(t);
      deleted.push({ Untagged: t });
    }
    await engine.images.deleteImage(image);
    deleted.push({ Deleted: image.id });
    engine.events.emit('image', 'delete', image.id, {});
  }
  return { ImagesDeleted: deleted, SpaceReclaimed: await engine.images.collectGarbage() };
}
