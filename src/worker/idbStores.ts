/**
 * The engine's image storage in the browser: IndexedDB, so images survive a
 * page reload and a VM restart.
 */
import { isDigest, sha256, type Digest } from '../engine/images/digest';
import type { BlobStore, MetaStore } from '../engine/images/storage';

const DB = 'container-playground-engine';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('blobs');
      req.result.createObjectStore('meta');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

let db: Promise<IDBDatabase> | null = null;

function run<T>(store: string, mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  db ??= open();
  return db.then(
    (d) =>
      new Promise<T>((resolve, reject) => {
        const t = d.transaction(store, mode);
        const req = fn(t.objectStore(store));
        t.oncomplete = () => resolve(req.result);
        t.onerror = () => reject(t.error);
        t.onabort = () => reject(t.error);
      }),
  );
}

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
