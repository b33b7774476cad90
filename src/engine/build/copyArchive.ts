/**
 * The tar a COPY or ADD step unpacks at / inside its build container: every
 * file at its final path, with the owner and mode the instruction asked for.
 */
import { packTar, type TarEntry } from 'modern-tar';

export interface CopyItem {
  /** Absolute path in the image. */
  dest: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink';
  mode: number;
  uid: number;
  gid: number;
  mtime?: Date;
  data?: Uint8Array;
  linkname?: string;
}

/** Files without a time of their own (the editor's) get this one; layers clamp times anyway. */
const EPOCH = new Date('2024-01-01T00:00:00Z');

export function copyArchive(items: readonly CopyItem[]): Promise<Uint8Array> {
  const entries: TarEntry[] = items.map((i) => {
    const name = i.dest.replace(/^\/+/, '');
    const header = { mode: i.mode & 0o7777, uid: i.uid, gid: i.gid, mtime: i.mtime ?? EPOCH };
    switch (i.type) {
      case 'directory':
        return { header: { ...header, name: `${name}/`, type: 'directory', size: 0 } };
      case 'symlink':
        return { header: { ...header, name, type: 'symlink', size: 0, linkname: i.linkname ?? '' } };
      case 'hardlink':
        return { header: { ...header, name, type: 'link', size: 0, linkname: i.linkname ?? '' } };
      default: {
        const data = i.data ?? new Uint8Array(0);
        return { header: { ...header, name, type: 'file', size: data.length }, body: data };
      }
    }
  });
  return packTar(entries);
}
