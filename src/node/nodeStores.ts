/**
 * The engine's image storage in Node: a directory per store, so images
 * survive a VM restart and the next `npm run lab`.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { hexOf, isDigest, sha256, type Digest } from '../engine/images/digest';
import type { BlobStore, MetaStore } from '../engine/images/storage';

/** A reader never sees half a file: write beside it, then rename over it. */
function writeAtomically(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export class DirBlobStore implements BlobStore {
  constructor(private readonly dir: string) {
    mkdirSync(join(dir, 'sha256'), { recursive: true });
  }
  private path(d: Digest) {
    return join(this.dir, 'sha256', hexOf(d));
  }
  async has(d: Digest) {
    return existsSync(this.path(d));
  }
  async get(d: Digest) {
    try {
      return new Uint8Array(readFileSync(this.path(d)));
    } catch {
      return null;
    }
  }
  async put(data: Uint8Array) {
    const d = await sha256(data);
    writeAtomically(this.path(d), data);
    return d;
  }
  async delete(d: Digest) {
    rmSync(this.path(d), { force: true });
  }
  async list() {
    return readdirSync(join(this.dir, 'sha256'))
      .map((h) => `sha256:${h}`)
      .filter(isDigest);
  }
}

export class DirMetaStore implements MetaStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }
  private path(key: string) {
    return join(this.dir, `${encodeURIComponent(key)}.json`);
  }
  async get<T>(key: string) {
    try {
      return JSON.parse(readFileSync(this.path(key), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }
  async set(key: string, value: unknown) {
    writeAtomically(this.path(key), JSON.stringify(value));
  }
  async delete(key: string) {
    rmSync(this.path(key), { force: true });
  }
}
