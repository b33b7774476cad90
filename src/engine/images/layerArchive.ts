/**
 * Layer tars as bytes: reading them (gzip or not), refusing unsafe ones before
 * anything reaches the guest, and turning a tar into an OCI layer (diff id,
 * gzip blob, digest).
 */
import { gunzipSync, gzipSync } from 'fflate';
import { unpackTar, type TarHeader } from 'modern-tar';
import { sha256, type Digest } from './digest';
import { MEDIA, type Descriptor } from './oci';

/** One file's entry in a layer, with OCI whiteouts told apart. */
export interface LayerEntry {
  /** Relative to the root, no leading "./" or "/", no trailing "/". */
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'fifo' | 'whiteout' | 'opaque';
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkname?: string;
}

export class UnsafeArchiveError extends Error {
  constructor(
    readonly entry: string,
    readonly reason: string,
  ) {
    super(`refused archive entry "${entry}": ${reason}`);
    this.name = 'UnsafeArchiveError';
  }
}

/** Limits that keep one archive from filling the guest's 128 MB. */
export const ARCHIVE_LIMITS = { entryBytes: 64 * 1024 * 1024, totalBytes: 96 * 1024 * 1024, entries: 100_000 };

export const isGzip = (b: Uint8Array) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;

export function ungzip(b: Uint8Array): Uint8Array {
  return isGzip(b) ? gunzipSync(b) : b;
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

function normalize(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

/**
 * Checks every entry's header as Docker's archive code does, throwing on the
 * first unsafe one: absolute paths, `..`, links that leave the root, a path
 * that runs through a symlink of the same archive (extracting it would write
 * outside the target directory), device nodes, over-size entries.
 */
export function checkEntries(headers: readonly TarHeader[], limits = ARCHIVE_LIMITS): void {
  if (headers.length > limits.entries) {
    throw new UnsafeArchiveError(headers[limits.entries]!.name, `more than ${limits.entries} entries`);
  }
  const symlinks = new Set<string>();
  let total = 0;
  for (const h of headers) {
    const raw = h.name;
    if (raw.startsWith('/')) throw new UnsafeArchiveError(raw, 'absolute path');
    const path = normalize(raw);
    const parts = path.split('/');
    if (parts.includes('..')) throw new UnsafeArchiveError(raw, 'path leaves the root (..)');
    for (let i = 1; i < parts.length; i++) {
      if (symlinks.has(parts.slice(0, i).join('/'))) {
        throw new UnsafeArchiveError(raw, `path runs through the symlink ${parts.slice(0, i).join('/')}`);
      }
    }
    const type = h.type ?? 'file';
    if (type === 'character-device' || type === 'block-device') {
      throw new UnsafeArchiveError(raw, 'device node (a layer marks deletions with .wh. files, not devices)');
    }
    if (type === 'symlink') {
      const target = h.linkname ?? '';
      // Absolute targets resolve inside the container's root; relative ones must not climb out of it.
      if (!target.startsWith('/')) {
        let depth = parts.length - 1;
        for (const seg of target.split('/')) {
          if (seg === '..') depth--;
          else if (seg && seg !== '.') depth++;
          if (depth < 0) throw new UnsafeArchiveError(raw, `symlink to ${target} leaves the root`);
        }
      }
      symlinks.add(path);
    }
    if (type === 'link') {
      const target = h.linkname ?? '';
      if (target.startsWith('/') || normalize(target).split('/').includes('..')) {
        throw new UnsafeArchiveError(raw, `hard link to ${target} leaves the root`);
      }
    }
    if (h.size > limits.entryBytes) throw new UnsafeArchiveError(raw, `larger than ${limits.entryBytes} bytes`);
    total += h.size;
    if (total > limits.totalBytes) throw new UnsafeArchiveError(raw, `archive larger than ${limits.totalBytes} bytes`);
  }
}

/** Reads a layer (plain or gzip tar) and checks it; its entries, whiteouts told apart. */
export async function readLayer(bytes: Uint8Array): Promise<LayerEntry[]> {
  const entries = await unpackTar(ungzip(bytes));
  const headers = entries.map((e) => e.header);
  checkEntries(headers);
  return headers.map(layerEntry).filter((e) => e.path !== '' && e.path !== '.');
}

/** A tar header as a layer entry: `.wh.` markers become whiteouts of the path they name. */
export function layerEntry(h: TarHeader): LayerEntry {
  const path = normalize(h.name);
  const base = path.slice(path.lastIndexOf('/') + 1);
  const common = { size: h.size, mode: h.mode ?? 0, uid: h.uid ?? 0, gid: h.gid ?? 0 };
  if (base === OPAQUE) return { path: path.slice(0, -OPAQUE.length - 1), type: 'opaque', ...common };
  if (base.startsWith(WHITEOUT)) {
    return {
      path: path.slice(0, path.length - base.length) + base.slice(WHITEOUT.length),
      type: 'whiteout',
      ...common,
    };
  }
  const types = { file: 'file', directory: 'directory', symlink: 'symlink', link: 'hardlink', fifo: 'fifo' } as const;
  const type = types[(h.type ?? 'file') as keyof typeof types] ?? 'file';
  return { path, type, ...common, ...(h.linkname ? { linkname: h.linkname } : {}) };
}

export interface Layer {
  /** sha256 of the uncompressed tar: what rootfs.diff_ids lists. */
  diffId: Digest;
  /** The gzip blob as the manifest describes it. */
  descriptor: Descriptor;
  gzip: Uint8Array;
}

/** An uncompressed layer tar as an OCI layer. The gzip carries no name or time, so equal tars give equal blobs. */
export async function layerFromTar(tar: Uint8Array): Promise<Layer> {
  const gzip = gzipSync(tar, { level: 6, mtime: 0 });
  const digest = await sha256(gzip);
  return {
    diffId: await sha256(tar),
    descriptor: { mediaType: MEDIA.layerGzip, digest, size: gzip.length },
    gzip,
  };
}
