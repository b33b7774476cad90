/**
 * Generated tar trees for the archive-safety tests (unit: against a model of
 * the guest's `tar -x`; integration: unpacked in the real guest). Names mix
 * `.`/`..`/empty segments, long names (PAX records and GNU long-name headers,
 * some of which disagree with the ustar name), symlinks to places inside and
 * outside, hard links to files and to symlinks, fifos, global PAX headers.
 */
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { packTar, type TarEntry } from 'modern-tar';

export type GenKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'fifo';

export interface GenEntry {
  kind: GenKind;
  name: string;
  /** Symlink or hard-link target. */
  target?: string;
  /** How a long or alternative name is carried: a PAX `path` record, or a GNU long-name header before it. */
  alias?: { via: 'pax' | 'gnu'; ustarName: string };
}

export interface GenArchive {
  entries: GenEntry[];
  /** A global PAX header at the start that renames entries (tar implementations disagree on it). */
  globalPath?: string;
  gzip: boolean;
}

const LONG = 'n'.repeat(70) + '-long-' + 'm'.repeat(60);
const segment = fc.constantFrom('a', 'b', 'l', 'etc', 'tmp', '.', '', '..', LONG, '.wh.a', 'd');
const relPath = fc
  .tuple(
    fc.array(segment, { minLength: 1, maxLength: 4 }),
    fc.constantFrom('', './', '/', './/'),
    fc.constantFrom('', '/'),
  )
  .map(([segs, pre, post]) => pre + segs.join('/') + post);
const linkTarget = fc.oneof(
  fc.constantFrom('/', '/etc', '/tmp/outside', '..', '../..', '../../..', '../../../..', 'a', 'a/b', '.', './a'),
  fc.constantFrom('../a', 'l', 'l/..', '/var/lib/docker', '../../../../etc', 'b/../..', 'a/./../..'),
  relPath,
);

const entry: fc.Arbitrary<GenEntry> = fc
  .tuple(
    fc.constantFrom<GenKind>('file', 'file', 'dir', 'symlink', 'symlink', 'hardlink', 'fifo'),
    relPath,
    linkTarget,
    relPath,
    fc.constantFrom<'none' | 'pax' | 'gnu'>('none', 'none', 'none', 'pax', 'gnu'),
    relPath,
  )
  .map(([kind, name, symTarget, linkTo, via, ustarName]) => ({
    kind,
    name,
    ...(kind === 'symlink' ? { target: symTarget } : kind === 'hardlink' ? { target: linkTo } : {}),
    ...(via !== 'none' ? { alias: { via, ustarName: ustarName.slice(0, 99) } } : {}),
  }));

export const archives: fc.Arbitrary<GenArchive> = fc.record(
  {
    entries: fc.array(entry, { minLength: 1, maxLength: 8 }),
    globalPath: relPath,
    gzip: fc.boolean(),
  },
  { requiredKeys: ['entries', 'gzip'] },
);

const paxBody = (records: Record<string, string>) => {
  const enc = new TextEncoder();
  let text = '';
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`;
    let n = enc.encode(rest).length + 1;
    while (String(n).length + enc.encode(rest).length !== n) n++;
    text += `${n}${rest}`;
  }
  return enc.encode(text);
};

const EPOCH = new Date(0);

/** The archive's bytes, as a hostile (or merely unusual) tool might write them. */
export async function buildArchive(a: GenArchive): Promise<Uint8Array> {
  const out: TarEntry[] = [];
  if (a.globalPath !== undefined) {
    const body = paxBody({ path: a.globalPath });
    out.push({
      header: { name: 'pax_global_header', type: 'pax-global-header', size: body.length, mtime: EPOCH },
      body,
    });
  }
  for (const e of a.entries) {
    const type = { file: 'file', dir: 'directory', symlink: 'symlink', hardlink: 'link', fifo: 'fifo' } as const;
    const body = e.kind === 'file' ? new TextEncoder().encode(`data of ${e.name}\n`) : new Uint8Array(0);
    const common = { type: type[e.kind], size: body.length, mode: e.kind === 'dir' ? 0o755 : 0o644, mtime: EPOCH };
    const link = e.target !== undefined ? { linkname: e.target } : {};
    if (e.alias?.via === 'gnu') {
      const long = new TextEncoder().encode(`${e.name}\0`);
      out.push({
        header: { name: '././@LongLink', type: 'gnu-long-name', size: long.length, mtime: EPOCH },
        body: long,
      });
      out.push({ header: { ...common, ...link, name: e.alias.ustarName }, body });
    } else if (e.alias?.via === 'pax') {
      out.push({ header: { ...common, ...link, name: e.alias.ustarName, pax: { path: e.name } }, body });
    } else {
      out.push({ header: { ...common, ...link, name: e.name }, body });
    }
  }
  const tar = await packTar(out);
  return a.gzip ? gzipSync(tar) : tar;
}

/** Hand-written cases: each hole the issue named, and the classics. */
export const HAND_WRITTEN: { what: string; archive: GenArchive }[] = [
  {
    what: 'dot segment hides a symlink',
    archive: {
      gzip: false,
      entries: [
        { kind: 'symlink', name: 'x/./l', target: '/' },
        { kind: 'file', name: 'x/l/tmp/outside/pwned' },
      ],
    },
  },
  {
    what: 'doubled slash hides a symlink',
    archive: {
      gzip: false,
      entries: [
        { kind: 'symlink', name: 'x//l', target: '/tmp' },
        { kind: 'file', name: 'x/l/outside/pwned' },
      ],
    },
  },
  {
    what: 'dot segments deepen a relative symlink',
    archive: {
      gzip: false,
      entries: [
        { kind: 'symlink', name: 'a/./././././././l', target: '../../../../../../../tmp' },
        { kind: 'file', name: 'a/l/outside/pwned' },
      ],
    },
  },
  {
    what: 'hard link through a symlink',
    archive: {
      gzip: false,
      entries: [
        { kind: 'symlink', name: 'e', target: '/etc' },
        { kind: 'hardlink', name: 'h', target: 'e/passwd' },
      ],
    },
  },
  {
    what: 'hard link to a symlink, used as a directory',
    archive: {
      gzip: false,
      entries: [
        { kind: 'symlink', name: 'a/b/l', target: '../../..' },
        { kind: 'hardlink', name: 'h', target: 'a/b/l' },
        { kind: 'file', name: 'h/tmp/outside/pwned' },
      ],
    },
  },
  {
    what: 'hard link to a symlink that climbs out from its new place',
    archive: {
      gzip: false,
      entries: [
        { kind: 'symlink', name: 'a/b/l', target: '../..' },
        { kind: 'hardlink', name: 'h', target: 'a/b/l' },
      ],
    },
  },
  {
    what: 'directory over a symlink (chmod follows it)',
    archive: {
      gzip: false,
      entries: [
        { kind: 'symlink', name: 'd', target: '/tmp/outside' },
        { kind: 'dir', name: 'd/' },
      ],
    },
  },
  {
    what: 'fifo over a symlink (chmod follows it)',
    archive: {
      gzip: false,
      entries: [
        { kind: 'symlink', name: 'f', target: '/etc/passwd' },
        { kind: 'fifo', name: './f' },
      ],
    },
  },
  {
    what: 'global PAX header renames entries',
    archive: {
      gzip: false,
      globalPath: 'safe',
      entries: [
        { kind: 'symlink', name: 'l', target: '/' },
        { kind: 'file', name: 'l/tmp/outside/pwned' },
      ],
    },
  },
  {
    what: 'PAX path disagrees with the ustar name',
    archive: {
      gzip: false,
      entries: [
        { kind: 'symlink', name: 'l', target: '/tmp' },
        { kind: 'file', name: 'ok', alias: { via: 'pax', ustarName: 'l/outside/pwned' } },
      ],
    },
  },
  {
    what: 'GNU long name disagrees with the ustar name',
    archive: {
      gzip: true,
      entries: [
        { kind: 'symlink', name: 'l', target: '/tmp' },
        { kind: 'file', name: `${LONG}/ok`, alias: { via: 'gnu', ustarName: 'l/outside/pwned' } },
      ],
    },
  },
  { what: 'absolute path', archive: { gzip: false, entries: [{ kind: 'file', name: '/tmp/outside/pwned' }] } },
  { what: 'dot-dot path', archive: { gzip: false, entries: [{ kind: 'file', name: 'a/../../tmp/outside/pwned' }] } },
  {
    what: 'long names inside, kept',
    archive: {
      gzip: true,
      entries: [
        { kind: 'dir', name: `${LONG}/` },
        { kind: 'file', name: `${LONG}/${LONG}` },
        { kind: 'symlink', name: `${LONG}/up`, target: '..' },
        { kind: 'hardlink', name: 'copy', target: `${LONG}/${LONG}` },
      ],
    },
  },
];
