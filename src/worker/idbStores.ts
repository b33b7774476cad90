/**
 * Image storage in the browser: IndexedDB, so images survive a page reload
 * and a VM restart. The daemon's store and the page's registry each have
 * their own database, as a real daemon and registry have their own disks.
 */
import { isDigest, sha256, type Digest } from '../engine/images/digest';
import type { BlobStore, MetaStore } from '../engine/images/storage';

import { idbDatabase, type IdbRun } from './idb';

/** A database with a blob store and a metadata store. */
export function idbImageStores(database: string): { blobs: IdbBlobStore; meta: IdbMetaStore } {
  const run = idbDatabase(database, ['blobs', 'meta']);
  return { blobs: new IdbBlobStore(run), meta: new IdbMetaStore(run) };
}

export class IdbBlobStore implements BlobStore {
  constructor(private readonly run: IdbRun) {}
  async has(d: Digest) {
    return (await this.run('blobs', 'readonly', (s) => s.count(d))) > 0;
  }
  async get(d: Digest) {
    const v = await this.run<ArrayBuffer | undefined>('blobs', 'readonly', (s) => s.get(d));
    return v ? new Uint8Array(v) : null;
  }
  async put(data: Uint8Array) {
    const d = await sha256(data);
    await this.run('blobs', 'readwrite', (s) => s.put(data.slice().buffer, d));
    return d;
  }
  async delete(d: Digest) {
    await this.run('blobs', 'readwrite', (s) => s.delete(d));
  }
  async list() {
    return (await this.run('blobs', 'readonly', (s) => s.getAllKeys())).map(String).filter(isDigest);
  }
  /** Everything gone ("reset everything"). */
  async clear() {
    await this.run('blobs', 'readwrite', (s) => s.clear());
  }
}

export class IdbMetaStore implements MetaStore {
  constructor(private readonly run: IdbRun) {}
  async get<T>(key: string) {
    return (await this.run<T | undefined>('meta', 'readonly', (s) => s.get(key))) ?? undefined;
  }
  async set(key: string, value: unknown) {
    await this.run('meta', 'readwrite', (s) => s.put(value, key));
  }
  async delete(key: string) {
    await this.run('meta', 'readwrite', (s) => s.delete(key));
  }
  async clear() {
    await this.run('meta', 'readwrite', (s) => s.clear());
  }
}
