/**
 * Image layers unpacked in the guest, once each, under
 * /var/lib/docker/layers/<diff id>: every container and image that uses a
 * layer shares that one directory as an overlay lower dir.
 */
import { execScript, type Guest } from '../guest';
import { hexOf, type Digest } from '../images/digest';
import { canonicalLayerTar } from '../images/layerArchive';
import { sh } from '../shell';

export const LAYERS_DIR = '/var/lib/docker/layers';

/** Where a --userns container's copies live: Docker's "<uid>.<gid>" directory of userns-remap. */
export function shiftedRoot(idShift: number): string {
  return `/var/lib/docker/${idShift}.${idShift}`;
}

export class LayerCache {
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly guest: Guest) {}

  pathOf(diffId: Digest, idShift = 0): string {
    return idShift ? `${shiftedRoot(idShift)}/layers/${hexOf(diffId)}` : `${LAYERS_DIR}/${hexOf(diffId)}`;
  }

  /**
   * The guest path of an unpacked layer, unpacking it first if it is not
   * there yet. The tar travels on the control channel's stdin: not the blob
   * as it came, but the canonical tar of its checked entries.
   * With idShift, a copy whose owners are moved up by that much (--userns).
   */
  ensure(diffId: Digest, blob: () => Promise<Uint8Array>, idShift = 0): Promise<string> {
    const key = `${idShift}:${diffId}`;
    let p = this.pending.get(key);
    if (!p) {
      p = this.unpack(diffId, blob, idShift);
      this.pending.set(key, p);
      p.catch(() => this.pending.delete(key));
    }
    return p;
  }

  private async unpack(diffId: Digest, blob: () => Promise<Uint8Array>, idShift: number): Promise<string> {
    const dir = this.pathOf(diffId, idShift);
    const parent = dir.slice(0, dir.lastIndexOf('/'));
    if ((await this.guest.exec(['test', '-d', dir])).exitCode === 0) return dir;
    // Refused here, before a byte reaches the guest: an entry that would land outside the layer's directory.
    // The guest's tar reads only what was checked (see canonicalLayerTar).
    const data = await canonicalLayerTar(await blob());
    // Into a temporary directory first: a half-unpacked layer is never used.
    // Then the OCI `.wh.` markers become the whiteouts overlayfs reads.
    const unpack = sh`tar -xf - -C "$t" && vmctr whiteouts "$t"`;
    const shift = idShift ? sh` && vmctr shift-ids "$t" ${idShift}` : sh``;
    const r = await execScript(
      this.guest,
      sh`set -e; mkdir -p ${parent}; t=$(mktemp -d ${`${parent}/.unpack.XXXXXX`})
        { ${unpack}${shift}; } || { rm -rf "$t"; exit 1; }
        chmod 755 "$t"; mv "$t" ${dir}`,
      { stdin: data },
    );
    if (r.exitCode !== 0) {
      throw new Error(`could not unpack layer ${diffId}: ${new TextDecoder().decode(r.stderr).trim()}`);
    }
    return dir;
  }
}
