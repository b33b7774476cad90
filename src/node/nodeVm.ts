/**
 * Boots the playground's guest under Node, from the same public/vm artifacts
 * the site serves. Used by the lab CLI, the integration tests and the bench.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEVICE_SET, VmHost, type VmHostOptions } from '../vm/vmHost';
import { stateKey, type VmManifest } from '../vm/manifest';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const VM_DIR = join(ROOT, 'public', 'vm');
const STATE_DIR = join(ROOT, '.lab');

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
    bzimage: toArrayBuffer(readFileSync(join(VM_DIR, 'bzImage'))),
    wasm: async (imports: WebAssembly.Imports) => (await WebAssembly.instantiate(wasmBytes, imports)).instance.exports,
  };
}

function statePath(manifest: VmManifest): string {
  const key = createHash('sha256').update(stateKey(manifest, DEVICE_SET)).digest('hex').slice(0, 16);
  return join(STATE_DIR, `state-${key}.bin`);
}

export interface BootOptions extends Omit<VmHostOptions, 'assets' | 'state'> {
  /** Cold boot even when a saved state is cached. */
  cold?: boolean;
  /** After a cold boot, save the state so the next boot restores it. */
  saveState?: boolean;
}

/** Boots a VM in this Node process, restoring the cached state when there is one. */
export async function bootNodeVm(opts: BootOptions = {}): Promise<VmHost> {
  const assets = nodeAssets();
  const path = statePath(assets.manifest);
  const state = !opts.cold && existsSync(path) ? toArrayBuffer(readFileSync(path)) : undefined;
  const vm = await VmHost.start({ ...opts, assets: state ? { ...assets, bzimage: null } : assets, state });
  if (!state && opts.saveState !== false) await saveNodeState(vm);
  return vm;
}

export async function saveNodeState(vm: VmHost): Promise<string> {
  const path = statePath(vm.manifest);
  mkdirSync(STATE_DIR, { recursive: true });
  const buf = Buffer.from(await vm.saveState());
  writeFileSync(path + '.tmp', buf);
  renameSync(path + '.tmp', path);
  return path;
}
