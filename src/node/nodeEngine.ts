/** The engine in Node, with its images in a directory and the base images from public/images. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveConnection, type ApiTraffic } from '../engine/api/routes';
import { Engine } from '../engine/engine';
import { ImageStore } from '../engine/images/imageStore';
import type { VmHost } from '../vm/vmHost';
import { DirBlobStore, DirMetaStore } from './nodeStores';
import { ROOT } from './nodeVm';

export const BASE_IMAGES = join(ROOT, 'public', 'images');

/**
 * An engine for this machine: it runs containers through the control channel
 * and answers the guest's docker CLI on the API port.
 */
export async function createNodeEngine(
  vm: VmHost,
  storeDir: string,
  onTraffic?: (t: ApiTraffic) => void,
): Promise<Engine> {
  const images = new ImageStore(new DirBlobStore(join(storeDir, 'blobs')), new DirMetaStore(join(storeDir, 'meta')));
  // Blobs already stored are skipped: after the first time this only reads index.json and the manifests.
  const engine = new Engine(vm, images, () =>
    images.importLayout(async (path) => new Uint8Array(readFileSync(join(BASE_IMAGES, path)))),
  );
  await engine.ensureImages();
  vm.api.serve((stream) => serveConnection(engine, stream, onTraffic));
  return engine;
}
