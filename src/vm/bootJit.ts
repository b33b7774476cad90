/**
 * v86 translates hot guest code into WebAssembly modules (its JIT), and V8
 * then compiles each module, first quickly (Liftoff), then again with its
 * optimizing compiler (TurboFan) once the module is hot. A kernel boot runs
 * ~110 million guest instructions, most of them once: the translated modules
 * are large (~80 KB of wasm, one function each) and TurboFan spends seconds
 * of CPU on each, on background threads that compete with the emulator for
 * the same cores, while the emulator keeps waiting for modules still queued
 * behind them. Measured on this project's boot (scripts/bench.ts `boot`):
 * with the JIT on, ~2 s of emulator CPU plus ~6 s of compiler CPU; with it
 * off, ~3 s in all. So the JIT is off while the kernel boots and on again
 * once the machine is up, where the same code runs many times.
 *
 * It reaches into v86 internals (`emulator.v86.cpu.set_jit_config`, index 0
 * is "JIT disabled"), checks their presence and does nothing if they differ
 * (the v86 version is pinned in package.json).
 */
interface V86JitCpu {
  set_jit_config(index: number, value: number): void;
}

function jitCpu(emulator: unknown): V86JitCpu | null {
  const cpu = (emulator as { v86?: { cpu?: Partial<V86JitCpu> } }).v86?.cpu;
  return cpu && typeof cpu.set_jit_config === 'function' ? (cpu as V86JitCpu) : null;
}

/** Turns v86's JIT off (true) or on (false); false if this v86 has no such switch. */
export function setJitOff(emulator: unknown, off: boolean): boolean {
  const cpu = jitCpu(emulator);
  if (!cpu) return false;
  cpu.set_jit_config(0, off ? 1 : 0);
  return true;
}
