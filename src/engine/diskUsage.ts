/**
 * `docker system df` and `docker container prune`: what images, containers,
 * volumes and the build cache take, and what can go. (Images are pruned by
 * the image service.)
 */
import { VOLUMES_DIR } from './containers/mounts';
import type { Engine } from './engine';
import { runScript } from './guest';
import { containerPaths } from './runtime/containerPlan';
import { sh } from './shell';

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
  const r = await runScript(engine.guest, sh`du -sk ${paths} 2>/dev/null; true`);
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
  const vols = await runScript(engine.guest, sh`ls ${VOLUMES_DIR} 2>/dev/null; true`);
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
