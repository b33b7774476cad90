/** Shape of public/vm/manifest.json, written by vm-image/manifest.mjs. */
export interface VmManifest {
  recipeHash: string;
  cmdline: string;
  memoryMB: number;
  kernel: { version: string; arch: string; compression: string; initramfs: string };
  debianPackages: { package: string; version: string; architecture: string; file: string; sha256: string }[];
  files: { name: string; size: number; sha256: string }[];
}

/** The v86 release the saved states are made with; a state from another one cannot be restored. */
export const V86_VERSION = '0.5.462';

/**
 * A saved machine state is only valid for the same kernel image, BIOS, memory
 * size, device set and v86 build. This key names all of them.
 */
export function stateKey(m: VmManifest, deviceSet: string): string {
  const files = m.files.map((f) => `${f.name}=${f.sha256.slice(0, 16)}`).join(',');
  return `v86-${V86_VERSION}|${m.memoryMB}MB|${deviceSet}|${files}|${m.cmdline}`;
}
