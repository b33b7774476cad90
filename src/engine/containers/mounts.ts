/** -v as Docker reads it: a guest path or a named volume, mounted at a path in the container. */
import { invalidParameter } from '../engineError';
import { NAME_PATTERN } from './names';

export const VOLUMES_DIR = '/var/lib/docker/volumes';

export interface Bind {
  source: string;
  target: string;
  readonly: boolean;
  /** A named volume's name (its source is the volume's _data directory). */
  volume?: string;
}

/** Docker's -v forms: /guest/path:/in/container[:ro|rw] and volume-name:/in/container[:ro|rw]. */
export function parseBind(bind: string): Bind {
  const parts = bind.split(':');
  const [src, dst, mode] = parts;
  if (parts.length < 2 || parts.length > 3 || !src || !dst || (mode && mode !== 'ro' && mode !== 'rw')) {
    throw invalidParameter(`invalid volume specification: '${bind}'`);
  }
  if (!dst.startsWith('/')) throw invalidParameter(`invalid mount config: mount path must be absolute: ${dst}`);
  if (src.startsWith('/')) return { source: src, target: dst, readonly: mode === 'ro' };
  if (!NAME_PATTERN.test(src)) {
    throw invalidParameter(`"${src}" includes invalid characters for a local volume name`);
  }
  return { source: `${VOLUMES_DIR}/${src}/_data`, target: dst, readonly: mode === 'ro', volume: src };
}
