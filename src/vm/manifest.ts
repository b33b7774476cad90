/** Shape of public/vm/manifest.json, written by vm-image/manifest.mjs. */
export interface VmManifest {
  recipeHash: string;
  cmdline: string;
  memoryMB: number;
  kernel: { version: string; arch: string; compression: string; initramfs: string };
  debianPackages: { package: string; version: string; architecture: string; file: string; sha256: string }[];
  files: { name: string; size: number; sha256: string }[];
  /** A machine saved right after boot, restored instead of booting the kernel. */
  state?: { file: string; v86Version: string; deviceSet: string; memoryMB: number; bootedFrom: string };
}

/** The v86 release the saved states are made with; a state from another one cannot be restored. */
export const V86_VERSION = '0.5.462';

/** The shipped state's file name, when it fits this v86 build and device set. */
export function shippedState(m: VmManifest, deviceSet: string): string | null {
  const s = m.state;
  if (!s || s.v86Version !== V86_VERSION || s.deviceSet !== deviceSet || s.memoryMB !== m.memoryMB) return null;
  return m.files.some((f) => f.name === s.file) ? s.file : null;
}

/**
 * A saved machine state is only valid for the same kernel image, BIOS, memory
 * size, device set and v86 build. This key names all of them.
 */
export function stateKey(m: VmManifest, deviceSet: string): string {
  const files = m.files.map((f) => `${f.name}=${f.sha256.slice(0, 16)}`).join(',');
  return `v86-${V86_VERSION}|${m.memoryMB}MB|${deviceSet}|${files}|${m.cmdline}`;
}

/** `name?sha256=…`: a new image is a new URL, so a server can let browsers cache the file for good. */
export function vmFileUrl(m: VmManifest, name: string, base: string): string {
  const sha = m.files.find((f) => f.name === name)?.sha256.slice(0, 16) ?? '';
  return new URL(`${name}?sha256=${sha}`, base).href;
}

/** v86's wasm, by the name the page hands it to the worker. */
export const WASM_FILE = 'v86.wasm';
