/**
 * The files a build may COPY: a tar sent by `docker build` (made by the
 * guest's tar from a directory) or the editor's files, with .dockerignore
 * applied as Docker applies it.
 */
import { unpackTar } from 'modern-tar';
import { sha256 } from '../images/digest';
import { checkEntries, ungzip } from '../images/layerArchive';
import { DockerIgnore } from './dockerignore';

export interface ContextEntry {
  /** Relative to the context root, no leading "./". */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  data?: Uint8Array;
  linkname?: string;
  mtime?: Date;
}

export class ContextError extends Error {}

/** Go's filepath.Match for one path: `*`, `?` and `[…]` never cross a "/". */
function globRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new ContextError(`syntax error in pattern: ${pattern}`);
      re += `[${pattern
        .slice(i + 1, end)
        .replace(/^\^/, '^')
        .replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`${re}$`);
}

const clean = (p: string) =>
  p
    .split('/')
    .filter((x) => x && x !== '.')
    .reduce<string[]>((out, x) => (x === '..' ? out.slice(0, -1) : [...out, x]), [])
    .join('/');

export class BuildContext {
  private readonly entries = new Map<string, ContextEntry>();
  private ignore: DockerIgnore | null = null;

  constructor(entries: Iterable<ContextEntry>) {
    for (const e of entries) this.entries.set(e.path, e);
    // Directories a file lies in exist even when the tar or the editor did not list them.
    for (const e of [...this.entries.values()]) {
      const parts = e.path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        if (!this.entries.has(dir)) this.entries.set(dir, { path: dir, type: 'directory', mode: 0o755 });
      }
    }
    const di = this.entries.get('.dockerignore');
    if (di?.data) this.ignore = new DockerIgnore(new TextDecoder().decode(di.data));
  }

  /** A context sent as a tar (plain or gzip); unsafe entries are refused with their name. */
  static async fromTar(tar: Uint8Array): Promise<BuildContext> {
    const parsed = await unpackTar(ungzip(tar));
    const paths = checkEntries(parsed.map((e) => e.header));
    const out: ContextEntry[] = [];
    for (const [i, { header: h, data }] of parsed.entries()) {
      const path = paths[i]!;
      if (!path) continue;
      if (h.type === 'directory') out.push({ path, type: 'directory', mode: h.mode ?? 0o755 });
      else if (h.type === 'symlink') out.push({ path, type: 'symlink', mode: 0o777, linkname: h.linkname ?? '' });
      else if (h.type === 'file' || h.type === undefined)
        out.push({
          path,
          type: 'file',
          mode: h.mode ?? 0o644,
          data: data ?? new Uint8Array(0),
          ...(h.mtime ? { mtime: h.mtime } : {}),
        });
      // Hard links, fifos and devices have no place in a build context.
    }
    return new BuildContext(out);
  }

  /** The editor's files: path → text or bytes. */
  static fromFiles(files: Record<string, string | Uint8Array>): BuildContext {
    return new BuildContext(
      Object.entries(files).map(([path, body]) => ({
        path: clean(path),
        type: 'file' as const,
        mode: 0o644,
        data: typeof body === 'string' ? new TextEncoder().encode(body) : body,
      })),
    );
  }

  /** Any file, .dockerignore'd or not (the Dockerfile itself may be ignored and still used). */
  file(path: string): ContextEntry | undefined {
    return this.entries.get(clean(path));
  }

  private visible(path: string): boolean {
    return !this.ignore?.ignores(path);
  }

  /**
   * A COPY source: the context entries it names (a glob may name several),
   * each with everything under it if it is a directory. Throws Docker's
   * message when nothing matches.
   */
  sources(pattern: string): { root: ContextEntry; tree: ContextEntry[] }[] {
    const p = clean(pattern);
    const roots: ContextEntry[] = [];
    if (p === '') roots.push({ path: '', type: 'directory', mode: 0o755 });
    else if (/[*?[]/.test(p)) {
      const re = globRegExp(p);
      for (const e of this.entries.values()) if (re.test(e.path) && this.visible(e.path)) roots.push(e);
    } else {
      const e = this.entries.get(p);
      if (e && this.visible(p)) roots.push(e);
    }
    if (roots.length === 0) {
      throw new ContextError(
        `file not found in build context or excluded by .dockerignore: stat ${pattern}: file does not exist`,
      );
    }
    roots.sort((a, b) => (a.path < b.path ? -1 : 1));
    return roots.map((root) => ({
      root,
      tree:
        root.type === 'directory'
          ? [...this.entries.values()]
              .filter((e) => (root.path === '' || e.path.startsWith(`${root.path}/`)) && this.visible(e.path))
              .sort((a, b) => (a.path < b.path ? -1 : 1))
          : [],
    }));
  }

  /** Docker's cache key part for COPY/ADD: a checksum of the sources' names, modes and contents. */
  static async checksum(entries: readonly ContextEntry[]): Promise<string> {
    const parts: string[] = [];
    for (const e of entries) {
      const body = e.data ? await sha256(e.data) : '';
      parts.push(`${e.path}\0${e.type}\0${e.mode.toString(8)}\0${e.linkname ?? ''}\0${body}`);
    }
    return sha256(new TextEncoder().encode(parts.join('\n')));
  }
}
