/**
 * A container's upper dir as an OCI layer tar: what `docker commit` and each
 * build step turn into a new image layer. vmctr writes the tar in the guest
 * (overlay whiteouts become `.wh.` files, entries sorted), so it arrives ready
 * to hash.
 */
import type { Guest } from '../guest';

export interface LayerDiffOptions {
  /** Newer modification times are clamped to this (seconds), so rebuilt layers come out byte for byte the same. */
  clampMtime?: number;
  /** A --userns container's files belong to shifted ids; the layer records them as the container saw them. */
  idShift?: number;
}

export async function layerDiff(guest: Guest, upperDir: string, opts: LayerDiffOptions = {}): Promise<Uint8Array> {
  const argv = ['vmctr', 'layer-tar', upperDir];
  if (opts.clampMtime !== undefined) argv.push('--mtime', String(Math.floor(opts.clampMtime)));
  if (opts.idShift) argv.push('--shift', String(opts.idShift));
  const r = await guest.exec(argv);
  if (r.exitCode !== 0) {
    throw new Error(`cannot read the layer in ${upperDir}: ${new TextDecoder().decode(r.stderr).trim()}`);
  }
  return r.stdout;
}
