/** The engine in Node, with its images in a directory and the base images from public/images. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../engine/engine';
import { ImageStore } from '../engine/images/imageStore';
import type { Guest } from '../engine/guest';
import { DirBlobStore, DirMetaStore } from './nodeStores';
import { ROOT } from './nodeVm';

export const BASE_IMAGES = join(ROOT, 'public', 'images');

export async function createNodeEngine(guest: Guest, storeDir: string): Promise<Engine> {
  const images = new ImageStore(new DirBlobStore(join(storeDir, 'blobs')), new DirMetaStore(join(storeDir, 'meta')));
  // Blobs already stored are skipped: after the first time this only reads index.json and the manifests.
  await images.importLayout(async (path) => new Uint8Array(readFileSync(join(BASE_IMAGES, path))));
  return new Engine(guest, images);
}
