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
import { localTransport, type Registries } from '../registry/localTransport';
import { DEFAULT_REGISTRY } from '../engine/images/reference';

/**
 * The registries beside a Node engine, in directories of their own (not the
 * daemon's store), as the page has them: Docker Hub's stand-in in `dir`,
 * seeded with the base images, and an open one for localhost:5000 in
 * `dir`-local.
 */
export async function createNodeRegistries(dir: string): Promise<Registries> {
  const hub = new Registry(new DirBlobStore(join(dir, 'blobs')), new DirMetaStore(join(dir, 'meta')));
  await hub.seed(async (path) => new Uint8Array(readFileSync(join(BASE_IMAGES, path))));
  const local = `${dir}-local`;
  const open = new Registry(
    new DirBlobStore(join(local, 'blobs')),
    new DirMetaStore(join(local, 'meta')),
    undefined,
    undefined,
    'open',
  );
  return { [DEFAULT_REGISTRY]: hub, 'localhost:5000': open };
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
  engine.distribution.connect(localTransport(await createNodeRegistries(join(storeDir, 'registry'))));
  vm.api.serve((stream) => serveConnection(engine, stream, onTraffic));
  return engine;
}
