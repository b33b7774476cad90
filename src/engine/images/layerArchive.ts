/**
 * Layer tars as bytes: reading them (gzip or not), refusing unsafe ones before
 * anything reaches the guest, and turning a tar into an OCI layer (diff id,
 * gzip blob, digest).
 *
 * Every entry's path is normalised segment by segment (empty and `.`
 * segments dropped, `..` refused) before any check, so `a/./b` and `a//b`
 * are `a/b` to every rule, as they are to the kernel. The guest never
 * unpacks the bytes as they came: it gets a canonical tar written from the
 * checked entries (see canonicalLayerTar), so nothing the checker did not
 * see (a global PAX header, a second name in a PAX record, a header that
 * tar and this parser read differently) can reach the guest's `tar -x`.
 */
import { Gunzip, gzipSync } from 'fflate';
import { packTar, unpackTar, type TarEntry, type TarHeader } from 'modern-tar';
import { ARCHIVE_LIMITS } from './archiveLimits';
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

export { ARCHIVE_LIMITS, MAX_ARCHIVE_FILE_BYTES } from './archiveLimits';

export const isGzip = (b: Uint8Array) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;

const CHUNK = 64 * 1024;

/**
 * Gunzip as a stream, with a running count of the bytes it makes. A gzip
 * trailer can claim any size (and gunzipSync allocates what it claims), so
 * the only honest bound is the count of bytes actually produced.
 */
export function gunzipBounded(b: Uint8Array, limit = ARCHIVE_LIMITS.archiveBytes): Uint8Array {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const g = new Gunzip((chunk) => {
    size += chunk.length;
    if (size > limit) {
      throw new UnsafeArchiveError('(gzip)', `decompresses to more than ${limit} bytes`);
    }
    chunks.push(chunk);
  });
  try {
    for (let i = 0; i < b.length; i += CHUNK) g.push(b.subarray(i, i + CHUNK), i + CHUNK >= b.length);
  } catch (e) {
    if (e instanceof UnsafeArchiveError) throw e;
    throw new UnsafeArchiveError('(gzip)', `not a valid gzip stream: ${(e as Error).message}`);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A tar, gunzipped (bounded) if it is gzip; a plain one larger than the limit is refused too. */
export function ungzip(b: Uint8Array, limit = ARCHIVE_LIMITS.archiveBytes): Uint8Array {
  if (isGzip(b)) return gunzipBounded(b, limit);
  if (b.length > limit) throw new UnsafeArchiveError('(archive)', `larger than ${limit} bytes`);
  return b;
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/**
 * An entry's path as the kernel resolves it, relative to the root: empty and
 * `.` segments dropped, a trailing `/` gone; "" is the root itself. Absolute
 * paths, `..` segments and NUL bytes (which tar's C strings would cut) are
 * refused.
 */
export function normalizeEntryPath(raw: string, what = raw): string {
  if (raw.includes('\0')) throw new UnsafeArchiveError(what, 'NUL byte in the name');
  if (raw.startsWith('/')) throw new UnsafeArchiveError(what, 'absolute path');
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new UnsafeArchiveError(what, 'path leaves the root (..)');
  return parts.join('/');
}

/** Whether a relative symlink target, from a link at `path`, climbs above the root. */
function climbsOut(path: string, target: string): boolean {
  let depth = path.split('/').length - 1;
  for (const seg of target.split('/')) {
    if (seg === '..') depth--;
    else if (seg && seg !== '.') depth++;
    if (depth < 0) return true;
  }
  return false;
}

/**
 * Checks every entry's header as Docker's archive code does, throwing on the
 * first unsafe one, and returns each entry's normalised path: absolute paths,
 * `..`, relative symlinks that leave the root, a path (or a hard link's
 * target) that runs through a symlink of the same archive (extracting it
 * would write outside the target directory), an entry that replaces such a
 * symlink, device nodes, over-size entries. A hard link to a symlink is a
 * symlink too, checked from where the link is.
 */
export function checkEntries(
  headers: readonly TarHeader[],
  limits: Pick<typeof ARCHIVE_LIMITS, 'entryBytes' | 'totalBytes' | 'entries'> = ARCHIVE_LIMITS,
): string[] {
  if (headers.length > limits.entries) {
    throw new UnsafeArchiveError(headers[limits.entries]!.name, `more than ${limits.entries} entries`);
  }
  const symlinks = new Map<string, string>();
  const throughSymlink = (path: string): string | null => {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (symlinks.has(prefix)) return prefix;
    }
    return null;
  };
  const paths: string[] = [];
  let total = 0;
  for (const h of headers) {
    const raw = h.name;
    const path = normalizeEntryPath(raw);
    const type = h.type ?? 'file';
    if (type === 'character-device' || type === 'block-device') {
      throw new UnsafeArchiveError(raw, 'device node (a layer marks deletions with .wh. files, not devices)');
    }
    if (path === '' && type !== 'directory') throw new UnsafeArchiveError(raw, 'names the root itself');
    const via = throughSymlink(path);
    if (via !== null) throw new UnsafeArchiveError(raw, `path runs through the symlink ${via}`);
    if (symlinks.has(path)) {
      // tar would make a directory or fifo *through* it (mkdir fails, then chmod follows the link).
      throw new UnsafeArchiveError(raw, `replaces the symlink ${path} from earlier in the archive`);
    }
    if (type === 'symlink') {
      const target = h.linkname ?? '';
      if (target.includes('\0')) throw new UnsafeArchiveError(raw, 'NUL byte in the symlink target');
      // Absolute targets resolve inside the container's root; relative ones must not climb out of it.
      if (!target.startsWith('/') && climbsOut(path, target)) {
        throw new UnsafeArchiveError(raw, `symlink to ${target} leaves the root`);
      }
      symlinks.set(path, target);
    }
    if (type === 'link') {
      const given = h.linkname ?? '';
      let target: string;
      try {
        target = normalizeEntryPath(given, raw);
      } catch {
        throw new UnsafeArchiveError(raw, `hard link to ${given} leaves the root`);
      }
      if (target === '') throw new UnsafeArchiveError(raw, `hard link to the root itself`);
      const linkVia = throughSymlink(target);
      if (linkVia !== null) {
        throw new UnsafeArchiveError(raw, `hard link to ${given} runs through the symlink ${linkVia}`);
      }
      const linked = symlinks.get(target);
      if (linked !== undefined) {
        if (!linked.startsWith('/') && climbsOut(path, linked)) {
          throw new UnsafeArchiveError(
            raw,
            `hard link to the symlink ${target} (to ${linked}) leaves the root from here`,
          );
        }
        symlinks.set(path, linked);
      }
    }
    if (h.size > limits.entryBytes) throw new UnsafeArchiveError(raw, `larger than ${limits.entryBytes} bytes`);
    total += h.size;
    if (total > limits.totalBytes) throw new UnsafeArchiveError(raw, `archive larger than ${limits.totalBytes} bytes`);
    paths.push(path);
  }
  return paths;
}

/** Reads a layer (plain or gzip tar) and checks it; its entries, whiteouts told apart. */
export async function readLayer(bytes: Uint8Array): Promise<LayerEntry[]> {
  const entries = await unpackTar(ungzip(bytes));
  const headers = entries.map((e) => e.header);
  checkEntries(headers);
  return headers.map(layerEntry).filter((e) => e.path !== '');
}

const EPOCH = new Date(0);

/**
 * The layer as the guest unpacks it: checked, then written again as a plain
 * tar with only what was checked — normalised names, numeric owners (Docker
 * ignores user and group names, and the guest's /etc/passwd must not remap
 * them), regular files, directories, symlinks, hard links and fifos.
 */
export async function canonicalLayerTar(bytes: Uint8Array): Promise<Uint8Array> {
  const parsed = await unpackTar(ungzip(bytes));
  const paths = checkEntries(parsed.map((e) => e.header));
  const out: TarEntry[] = [];
  parsed.forEach(({ header: h, data }, i) => {
    const name = paths[i]!;
    if (name === '') return;
    const common = { mode: (h.mode ?? 0o644) & 0o7777, uid: h.uid ?? 0, gid: h.gid ?? 0, mtime: h.mtime ?? EPOCH };
    switch (h.type ?? 'file') {
      case 'directory':
        out.push({ header: { ...common, name: `${name}/`, type: 'directory', size: 0 } });
        break;
      case 'symlink':
        out.push({ header: { ...common, name, type: 'symlink', size: 0, linkname: h.linkname ?? '' } });
        break;
      case 'link':
        out.push({
          header: { ...common, name, type: 'link', size: 0, linkname: normalizeEntryPath(h.linkname ?? '') },
        });
        break;
      case 'fifo':
        out.push({ header: { ...common, name, type: 'fifo', size: 0 } });
        break;
      default: {
        const body = data ?? new Uint8Array(0);
        out.push({ header: { ...common, name, type: 'file', size: body.length }, body });
      }
    }
  });
  return packTar(out);
}

/** A tar header as a layer entry: `.wh.` markers become whiteouts of the path they name. */
export function layerEntry(h: TarHeader): LayerEntry {
  const path = normalizeEntryPath(h.name);
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
  const linkname = h.linkname && type === 'hardlink' ? normalizeEntryPath(h.linkname) : h.linkname;
  return { path, type, ...common, ...(linkname ? { linkname } : {}) };
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
