/**
 * A model of what the guest's busybox `tar -xf - -C <dir>` does with a tar:
 * leading directories made as `mkdir -p` makes them (following symlinks),
 * the old entry unlinked before a non-directory is written, regular files
 * opened O_EXCL, hard links made with link(2) (the last component not
 * followed), and chown/chmod/utimes on directories and fifos following a
 * symlink. Every place an operation touches is recorded; anything outside
 * the target directory is an escape. Symlinks are made at once, which is
 * harsher than busybox (it defers the suspicious ones), never milder.
 */
import { unpackTar } from 'modern-tar';

export const ROOT = '/var/lib/docker/layers/.unpack.model';

interface Node {
  type: 'dir' | 'file' | 'symlink' | 'fifo';
  target?: string;
  /** Inode number: a hard link shares its target's. */
  ino: number;
}

export interface ModelResult {
  /** Places outside ROOT that the extraction created, changed, removed or linked to. */
  escapes: string[];
  /** Where tar stopped (an error it dies on), if it did. */
  stopped?: string;
}

const parentOf = (p: string) => (p === '/' ? '/' : p.slice(0, p.lastIndexOf('/')) || '/');
const join = (a: string, b: string) => (a === '/' ? `/${b}` : `${a}/${b}`);
const inside = (p: string) => p === ROOT || p.startsWith(`${ROOT}/`);

export async function extractInModel(tar: Uint8Array): Promise<ModelResult> {
  const fs = new Map<string, Node>();
  let nextIno = 1;
  const outsideInodes = new Set<number>();
  const add = (path: string, node: Omit<Node, 'ino'>, ino = nextIno++) => fs.set(path, { ...node, ino });
  for (const d of [
    '/',
    '/etc',
    '/tmp',
    '/tmp/outside',
    '/var',
    '/var/lib',
    '/var/lib/docker',
    '/var/lib/docker/layers',
  ]) {
    add(d, { type: 'dir' });
  }
  add('/etc/passwd', { type: 'file' });
  for (const n of fs.values()) outsideInodes.add(n.ino);
  add(ROOT, { type: 'dir' });

  const escapes: string[] = [];
  const touch = (p: string, what: string) => {
    if (!inside(p)) escapes.push(`${what} ${p}`);
  };

  /** The absolute place a path names, or null where resolution fails (ENOENT, ENOTDIR, ELOOP). */
  const resolve = (from: string, path: string, followLast: boolean, hops = 0): string | null => {
    if (hops > 40) return null;
    let cur = path.startsWith('/') ? '/' : from;
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      if (part === '..') {
        cur = parentOf(cur);
        continue;
      }
      const here = fs.get(cur);
      if (!here || here.type !== 'dir') return null;
      const next = join(cur, part);
      const node = fs.get(next);
      if (node?.type === 'symlink' && (!last || followLast)) {
        const r = resolve(cur, node.target ?? '', true, hops + 1);
        if (r === null) return null;
        cur = r;
      } else if (!last && !node) {
        return null;
      } else cur = next;
    }
    return cur;
  };

  const mkdirP = (rel: string): boolean => {
    const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
    for (let i = 1; i <= parts.length; i++) {
      const loc = resolve(ROOT, parts.slice(0, i).join('/'), false);
      if (loc === null) return false;
      const node = fs.get(loc);
      if (!node) {
        if (!fs.has(parentOf(loc))) return false;
        touch(loc, 'mkdir');
        add(loc, { type: 'dir' });
      } else if (node.type === 'symlink') {
        const r = resolve(ROOT, parts.slice(0, i).join('/'), true);
        if (r === null || fs.get(r)?.type !== 'dir') return false;
      } else if (node.type !== 'dir') return false;
    }
    return true;
  };

  /** unlink(2) of what is at the place, as busybox does before writing a non-directory. */
  const unlinkOld = (loc: string): boolean => {
    const node = fs.get(loc);
    if (!node) return true;
    if (node.type === 'dir') return false; // "can't remove old file": tar dies
    touch(loc, 'unlink');
    fs.delete(loc);
    return true;
  };

  const entries = await unpackTar(tar);
  for (const { header: h } of entries) {
    const name = h.name;
    const slash = name.replace(/\/+$/, '').lastIndexOf('/');
    if (slash > 0 && !mkdirP(name.slice(0, slash))) return { escapes, stopped: `mkdir -p for ${name}` };
    const type = h.type ?? 'file';
    const loc = resolve(ROOT, name, false);
    if (loc === null) continue; // tar reports it and goes on
    if (type === 'directory') {
      if (!fs.has(loc)) {
        if (!fs.has(parentOf(loc))) continue;
        touch(loc, 'mkdir');
        add(loc, { type: 'dir' });
      }
      const meta = resolve(ROOT, name, true);
      if (meta !== null && fs.has(meta)) touch(meta, 'chmod');
      continue;
    }
    if (type === 'link' && (h.linkname ?? '') === name) continue;
    if (!unlinkOld(loc)) return { escapes, stopped: `unlink ${name}` };
    if (!fs.has(parentOf(loc))) continue;
    if (type === 'link') {
      const from = resolve(ROOT, h.linkname ?? '', false);
      const target = from === null ? undefined : fs.get(from);
      if (!target || target.type === 'dir') continue;
      touch(loc, 'link');
      if (outsideInodes.has(target.ino) || !inside(from!)) escapes.push(`hard link to ${from}`);
      fs.set(loc, { ...target });
    } else if (type === 'symlink') {
      touch(loc, 'symlink');
      add(loc, { type: 'symlink', target: h.linkname ?? '' });
    } else if (type === 'fifo') {
      touch(loc, 'mknod');
      add(loc, { type: 'fifo' });
    } else {
      touch(loc, 'create');
      add(loc, { type: 'file' });
    }
  }
  return { escapes };
}
