/**
 * Boots the playground's guest under Node, from the same public/vm artifacts
 * the site serves. Used by the lab CLI, the integration tests and the bench.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEVICE_SET, VmHost, type VmHostOptions } from '../vm/vmHost';
import { shippedState, type VmManifest } from '../vm/manifest';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const VM_DIR = join(ROOT, 'public', 'vm');

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export function loadManifest(): VmManifest {
  return JSON.parse(readFileSync(join(VM_DIR, 'manifest.json'), 'utf8')) as VmManifest;
}

export function nodeAssets() {
  const manifest = loadManifest();
  const wasmBytes = readFileSync(join(ROOT, 'node_modules', 'v86', 'build', 'v86.wasm'));
  return {
    manifest,
    bios: toArrayBuffer(readFileSync(join(VM_DIR, 'seabios.bin'))),
    bzimage: toArrayBuffer(readFileSync(join(VM_DIR, 'bzImage'))) as ArrayBuffer | null,
    wasm: async (imports: WebAssembly.Imports) => (await WebAssembly.instantiate(wasmBytes, imports)).instance.exports,
  };
}

/** The saved machine shipped in public/vm, if it fits this v86 build. */
export function shippedStateBytes(manifest: VmManifest): ArrayBuffer | null {
  const file = shippedState(manifest, DEVICE_SET);
  if (!file || !existsSync(join(VM_DIR, file))) return null;
  return toArrayBuffer(readFileSync(join(VM_DIR, file)));
}

export interface BootOptions extends Omit<VmHostOptions, 'assets' | 'state'> {
  /** Boot the kernel even when a saved state could be restored. */
  cold?: boolean;
}

/** A machine in this Node process: restored from the shipped state, or booted cold. */
export async function bootNodeVm(opts: BootOptions = {}): Promise<VmHost> {
  const assets = nodeAssets();
  const state = opts.cold ? null : shippedStateBytes(assets.manifest);
  // v86 reads a zstd-compressed state directly; the kernel is in its memory.
  if (state) return VmHost.start({ ...opts, assets: { ...assets, bzimage: null }, state });
  return VmHost.start({ ...opts, assets });
}
