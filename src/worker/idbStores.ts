/**
 * The engine's image storage in the browser: IndexedDB, so images survive a
 * page reload and a VM restart.
 */
import { isDigest, sha256, type Digest } from '../engine/images/digest';
import type { BlobStore, MetaStore } from '../engine/images/storage';

import { idbDatabase } from './idb';

const run = idbDatabase('container-playground-engine', ['blobs', 'meta']);

export class IdbBlobStore implements BlobStore {
  async has(d: Digest) {
    return (await run('blobs', 'readonly', (s) => s.count(d))) > 0;
  }
  async get(d: Digest) {
    const v = await run<ArrayBuffer | undefined>('blobs', 'readonly', (s) => s.get(d));
    return v ? new Uint8Array(v) : null;
  }
  async put(data: Uint8Array) {
    const d = await sha256(data);
    await run('blobs', 'readwrite', (s) => s.put(data.slice().buffer, d));
    return d;
  }
  async delete(d: Digest) {
    await run('blobs', 'readwrite', (s) => s.delete(d));
  }
  async list() {
    return (await run('blobs', 'readonly', (s) => s.getAllKeys())).map(String).filter(isDigest);
  }
}

export class IdbMetaStore implements MetaStore {
  async get<T>(key: string) {
    return (await run<T | undefined>('meta', 'readonly', (s) => s.get(key))) ?? undefined;
  }
  async set(key: string, value: unknown) {
    await run('meta', 'readwrite', (s) => s.put(value, key));
  }
  async delete(key: string) {
    await run('meta', 'readwrite', (s) => s.delete(key));
  }
}
