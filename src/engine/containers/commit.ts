/**
 * `docker commit`, as moby's daemon/commit.go: the container's layer (its
 * upper dir, as an OCI layer tar) on top of its image's layers, as a new
 * image. A running container is frozen (cgroup.freeze) while its files are
 * read, as Docker pauses it.
 */
import { invalidParameter } from '../engineError';
import { commitConfig, parseChanges, type CommitOptions } from '../images/commitConfig';
import type { Image } from '../images/imageStore';
import { layerFromTar } from '../images/layerArchive';
import { containerPaths, USERNS_BASE } from '../runtime/containerPlan';
import { freeze } from '../runtime/freezer';
import { layerDiff } from '../runtime/layerDiff';
import type { Daemon } from './daemon';

export type CommitRequest = CommitOptions & { repo?: string; tag?: string; pause?: boolean };

export async function commitContainer(
  d: Pick<Daemon, 'guest' | 'containers' | 'images' | 'events'>,
  ref: string,
  opts: CommitRequest = {},
): Promise<Image> {
  const c = d.containers.get(ref);
  const parent = await d.images.resolve(c.Image);
  let changes;
  try {
    // Checked before the slow part.
    changes = parseChanges(opts.changes ?? []);
  } catch (e) {
    throw invalidParameter((e as Error).message);
  }
  // Frozen while its files are read, as Docker pauses it; one the user paused stays paused.
  const holdStill = c.State.Running && !c.State.Paused && opts.pause !== false;
  if (holdStill) await freeze(d.guest, c.Id, true);
  let tar: Uint8Array;
  try {
    tar =
      c.State.Status === 'created'
        ? new Uint8Array(1024) // never started: no upper dir yet, an empty layer
        : await layerDiff(d.guest, containerPaths(c.Id).upper, {
            idShift: c.HostConfig.UsernsMode === 'private' ? USERNS_BASE : 0,
          });
  } finally {
    if (holdStill) await freeze(d.guest, c.Id, false);
  }
  const layer = await layerFromTar(tar);
  await d.images.store.blobs.put(layer.gzip);
  let config;
  try {
    config = commitConfig(parent.config, c.Config, layer.diffId, { ...opts, changes });
  } catch (e) {
    throw invalidParameter((e as Error).message);
  }
  const target = opts.repo ? `${opts.repo}:${opts.tag || 'latest'}` : undefined;
  // The commit event comes before the tag's, as Docker sends them.
  const image = await d.images.create(config, [...parent.manifest.layers, layer.descriptor]);
  d.events.emit('container', 'commit', c.Id, { name: c.Name, imageID: image.id, comment: opts.comment ?? '' });
  if (target) await d.images.tag(image, target);
  return target ? d.images.resolve(image.id) : image;
}
