/**
 * Restoring a state, v86 first zeroes the whole guest RAM (128 MiB) so pages
 * the state leaves out read as zero. On a machine created a moment ago that
 * RAM is fresh WebAssembly memory: already zero, and not even mapped by the
 * host OS yet. Zeroing it forces every page in, which was most of the time a
 * restore took (~400 ms of ~650 ms).
 *
 * For that first restore only, this zeroes the low 1 MiB, the one part v86's
 * initialisation writes before a restore (BIOS, option ROMs), and leaves the
 * rest as the fresh memory it is. A sparse tripwire (a few bytes of every
 * MiB) falls back to zeroing everything if anything else was ever written.
 *
 * It reaches into v86 internals (`emulator.v86.cpu.zero_memory`, `mem8`,
 * `memory_size`), checks their presence, and does nothing if they differ
 * (the v86 version is pinned in package.json).
 */
interface V86Cpu {
  zero_memory(addr: number, len: number): void;
  mem8: Uint8Array;
  memory_size: ArrayLike<number>;
}

const LOW = 1 << 20;
const STRIDE = 1 << 20;

function tripwireClear(mem: Uint8Array, from: number): boolean {
  for (let a = from; a < mem.length; a += STRIDE) {
    for (let i = 0; i < 64; i++) if (mem[a + i] !== 0) return false;
  }
  return true;
}

export function skipZeroingFreshMemory(emulator: unknown): boolean {
  const cpu = (emulator as { v86?: { cpu?: Partial<V86Cpu> } }).v86?.cpu;
  // Before the first restore mem8 is a Proxy standing for the view, so only its presence is checked here.
  if (!cpu || typeof cpu.zero_memory !== 'function' || typeof cpu.mem8 !== 'object') return false;
  const c = cpu as V86Cpu;
  const original = c.zero_memory;
  c.zero_memory = (addr: number, len: number) => {
    c.zero_memory = original; // once: later calls (a balloon, a reboot) are left alone
    const size = c.memory_size[0]!;
    const mem = new Uint8Array(c.mem8.buffer, c.mem8.byteOffset, size);
    if (addr !== 0 || len !== size || !tripwireClear(mem, LOW)) return original.call(c, addr, len);
    original.call(c, 0, LOW);
  };
  return true;
}
