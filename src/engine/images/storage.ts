/**
 * Where the engine keeps its images. The engine only sees these interfaces;
 * the worker backs them with IndexedDB and Node with a directory, so images
 * survive a page reload and a VM restart.
 */
import { sha256, type Digest } from './digest';

export interface BlobStore {
  has(digest: Digest): Promise<boolean>;
  get(digest: Digest): Promise<Uint8Array | null>;
  /** Stores bytes under their own sha256. */
  put(data: Uint8Array): Promise<Digest>;
  delete(digest: Digest): Promise<void>;
  list(): Promise<Digest[]>;
}

/** Small JSON documents by key (tags, image metadata). */
export interface MetaStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<Digest, Uint8Array>();
  async has(d: Digest) {
    return this.blobs.has(d);
  }
  async get(d: Digest) {
    return this.blobs.get(d) ?? null;
  }
  async put(data: Uint8Array) {
    const d = await sha256(data);
    this.blobs.set(d, data.slice());
    return d;
  }
  async delete(d: Digest) {
    this.blobs.delete(d);
  }
  async list() {
    return [...this.blobs.keys()];
  }
}

export class MemoryMetaStore implements MetaStore {
  private readonly docs = new Map<string, string>();
  async get<T>(key: string) {
    const v = this.docs.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }
  async set(key: string, value: unknown) {
    this.docs.set(key, JSON.stringify(value));
  }
  async delete(key: string) {
    this.docs.delete(key);
  }
}
