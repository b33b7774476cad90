/**
 * What one push or pull moved, layer by layer, for the page's picture and
 * the figures; and where each blob is known to live, which lets a push
 * mount a layer from the repository it came from instead of uploading it.
 */
import type { Digest } from '../images/digest';
import type { MetaStore } from '../images/storage';

export type LayerFate =
  /** push: uploaded; pull: downloaded */
  | 'moved'
  /** push: the repository had it ("Layer already exists"); pull: the local store had it ("Already exists") */
  | 'present'
  /** push: linked from another repository of the registry ("Mounted from …") */
  | 'mounted';

export interface TransferLayer {
  digest: Digest;
  size: number;
  fate: LayerFate;
  /** For a mount: the repository it came from. */
  from?: string;
}

export interface Transfer {
  direction: 'push' | 'pull';
  /** The name as the user typed it, with its tag or digest. */
  reference: string;
  host: string;
  repository: string;
  manifest: Digest;
  /** The image's layers, bottom first. */
  layers: TransferLayer[];
  /** Bytes that crossed between daemon and registry (blobs, manifests and API answers). */
  bytes: number;
  requests: number;
  ms: number;
}

export interface ProgressMessage {
  status: string;
  id?: string;
}

const SOURCES_KEY = 'distribution-sources';

/** Docker's "v2 metadata": for each blob, the host/repository pairs it is known to be in. */
export class BlobSources {
  constructor(private readonly meta: MetaStore) {}

  private async all(): Promise<Record<string, string[]>> {
    return (await this.meta.get<Record<string, string[]>>(SOURCES_KEY)) ?? {};
  }

  async of(digest: Digest, host: string): Promise<string[]> {
    return ((await this.all())[digest] ?? [])
      .filter((s) => s.startsWith(`${host}/`))
      .map((s) => s.slice(host.length + 1));
  }

  async remember(digests: Digest[], host: string, repository: string): Promise<void> {
    const all = await this.all();
    const where = `${host}/${repository}`;
    let changed = false;
    for (const d of digests) {
      const list = (all[d] ??= []);
      if (!list.includes(where)) {
        list.push(where);
        changed = true;
      }
    }
    if (changed) await this.meta.set(SOURCES_KEY, all);
  }
}

/** The 12 hex digits Docker's progress lines name a layer by. */
export const shortDigest = (d: Digest) => d.slice(7, 19);

/** A transfer's cost figures: what crossed, in how many requests, in how long since t0. */
export function transferCost(stats: { requests: number; bytesUp: number; bytesDown: number }, t0: number) {
  return { bytes: stats.bytesDown + stats.bytesUp, requests: stats.requests, ms: performance.now() - t0 };
}
