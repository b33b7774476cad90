/**
 * An image's file tree as its layers make it, read from the layer blobs in
 * the store (not from the guest): what a build needs to know about the image
 * it builds on (is the COPY destination a directory? who is "nobody" in
 * /etc/passwd? the files of another stage for COPY --from), and what the UI
 * shows per layer.
 */
import { unpackTar } from 'modern-tar';
import type { Digest } from './digest';
import { checkEntries, layerEntry, ungzip, type LayerEntry } from './layerArchive';
import type { BlobStore } from './storage';

export interface TreeEntry extends LayerEntry {
  /** Index of the layer the entry comes from (0 = the bottom layer). */
  layer: number;
  data?: Uint8Array;
  mtime?: Date;
}

/** One layer blob's entries, with file contents, whiteouts told apart. */
export async function layerContents(blob: Uint8Array, layer: number): Promise<TreeEntry[]> {
  const parsed = await unpackTar(ungzip(blob));
  checkEntries(parsed.map((e) => e.header));
  return parsed
    .map(({ header, data }) => {
      const e = layerEntry(header);
      return {
        ...e,
        layer,
        ...(data && e.type === 'file' ? { data } : {}),
        ...(header.mtime ? { mtime: header.mtime } : {}),
      };
    })
    .filter((e) => e.path !== '' && e.path !== '.');
}

/** The merged view of layers (bottom first), as overlayfs would show it. */
export class ImageTree {
  private constructor(readonly files: Map<string, TreeEntry>) {}

  static async of(blobs: BlobStore, layers: readonly { digest: Digest }[]): Promise<ImageTree> {
    const files = new Map<string, TreeEntry>();
    for (let i = 0; i < layers.length; i++) {
      const blob = await blobs.get(layers[i]!.digest);
      if (!blob) throw new Error(`missing layer ${layers[i]!.digest}`);
      for (const e of await layerContents(blob, i)) {
        if (e.type === 'whiteout' || e.type === 'opaque') {
          // Deletes below: the path itself (whiteout) and, either way, what is under it.
          const prefix = `${e.path}/`;
          for (const k of [...files.keys()]) if (k.startsWith(prefix)) files.delete(k);
          if (e.type === 'whiteout') files.delete(e.path);
        } else files.set(e.path, e);
      }
    }
    return new ImageTree(files);
  }

  static empty(): ImageTree {
    return new ImageTree(new Map());
  }

  /**
   * Resolves symlinks along `path` (absolute or relative to /) the way the
   * kernel would inside the container; returns the path without a leading
   * "/" ('' for the root), or null if it runs into something missing.
   */
  resolve(path: string, followLast = true): string | null {
    const todo = path.split('/').filter((p) => p && p !== '.');
    const done: string[] = [];
    let hops = 0;
    while (todo.length) {
      const part = todo.shift()!;
      if (part === '..') {
        done.pop();
        continue;
      }
      const here = [...done, part].join('/');
      const e = this.files.get(here);
      if (e?.type === 'symlink' && (todo.length > 0 || followLast)) {
        if (++hops > 40) return null;
        const target = e.linkname ?? '';
        if (target.startsWith('/')) done.length = 0;
        todo.unshift(...target.split('/').filter((p) => p && p !== '.'));
        continue;
      }
      if (!e && todo.length > 0) return null;
      done.push(part);
    }
    return done.join('/');
  }

  get(path: string): TreeEntry | undefined {
    const r = this.resolve(path);
    return r === null ? undefined : r === '' ? ROOT : this.files.get(r);
  }

  isDirectory(path: string): boolean {
    return this.get(path)?.type === 'directory';
  }

  /** A file's contents (following hard links within the image). */
  read(path: string): Uint8Array | undefined {
    let e = this.get(path);
    if (e?.type === 'hardlink' && e.linkname) e = this.files.get(e.linkname.replace(/^\/+/, ''));
    return e?.data;
  }

  /** Everything under `dir` (resolved), the directory first, paths relative to the image root. */
  under(dir: string): TreeEntry[] {
    const r = this.resolve(dir);
    if (r === null) return [];
    if (r === '') return [...this.files.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
    const self = this.files.get(r);
    const kids = [...this.files.values()].filter((e) => e.path.startsWith(`${r}/`));
    return [...(self ? [self] : []), ...kids.sort((a, b) => (a.path < b.path ? -1 : 1))];
  }
}

const ROOT: TreeEntry = { path: '', type: 'directory', size: 0, mode: 0o755, uid: 0, gid: 0, layer: -1 };
