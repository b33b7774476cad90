/** The engine in Node, with its images in a directory and the base images from public/images. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveConnection, type ApiTraffic } from '../engine/api/routes';
import { Engine } from '../engine/engine';
import { ImageStore } from '../engine/images/imageStore';
import type { VmHost } from '../vm/vmHost';
import { DirBlobStore, DirMetaStore } from './nodeStores';
import { ROOT } from './nodeVm';
import { Registry } from '../registry/registry';
import { localTransport } from '../registry/localTransport';

/**
 * The registry beside a Node engine: its own directory (not the daemon's
 * store), seeded with the base images like the page's.
 */
export async function createNodeRegistry(dir: string): Promise<Registry> {
  const registry = new Registry(new DirBlobStore(join(dir, 'blobs')), new DirMetaStore(join(dir, 'meta')));
  await registry.seed(async (path) => new Uint8Array(readFileSync(join(BASE_IMAGES, path))));
  return registry;
}

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
  engine.distribution.connect(localTransport(await createNodeRegistry(join(storeDir, 'registry'))));
  vm.api.serve((stream) => serveConnection(engine, stream, onTraffic));
  return engine;
}
