import { describe, expect, it } from 'vitest';
import { skipZeroingFreshMemory } from './freshMemory';

/** Just the part of v86's CPU object the speed-up touches. */
function fakeEmulator(sizeMiB: number) {
  const size = sizeMiB << 20;
  const mem8 = new Uint8Array(size);
  const calls: [number, number][] = [];
  const cpu = {
    mem8,
    memory_size: Uint32Array.of(size),
    zero_memory(addr: number, len: number) {
      calls.push([addr, len]);
      mem8.fill(0, addr, addr + len);
    },
  };
  return { emulator: { v86: { cpu } }, cpu, calls, size };
}

describe('skipZeroingFreshMemory', () => {
  it('zeroes only the low MiB of fresh memory on the first full zeroing', () => {
    const { emulator, cpu, calls, size } = fakeEmulator(8);
    cpu.mem8.fill(0xaa, 0xe0000, 0x100000); // a BIOS image below 1 MiB
    expect(skipZeroingFreshMemory(emulator)).toBe(true);
    cpu.zero_memory(0, size);
    expect(calls).toEqual([[0, 1 << 20]]);
    expect(cpu.mem8.every((b) => b === 0)).toBe(true);
    // Only once: the next call is v86's own again.
    cpu.zero_memory(0, size);
    expect(calls).toEqual([
      [0, 1 << 20],
      [0, size],
    ]);
  });

  it('zeroes everything when memory above 1 MiB was written', () => {
    const { emulator, cpu, calls, size } = fakeEmulator(8);
    cpu.mem8[3 << 20] = 1;
    skipZeroingFreshMemory(emulator);
    cpu.zero_memory(0, size);
    expect(calls).toEqual([[0, size]]);
  });

  it('leaves a v86 of another shape alone', () => {
    expect(skipZeroingFreshMemory({ v86: {} })).toBe(false);
    expect(skipZeroingFreshMemory({})).toBe(false);
  });
});
