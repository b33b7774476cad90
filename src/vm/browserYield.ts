/**
 * v86 in a browser yields between slices of emulation by a message round trip
 * to a helper worker it spawns, which protects a main-thread emulator from
 * timer clamping. Our emulator already lives in a dedicated worker, where a
 * MessageChannel to itself is an unclamped macrotask, so the round trip through
 * another thread is pure overhead on every slice. This swaps it out.
 *
 * It reaches into v86 internals (`emulator.v86`, its `yield`, `yield_callback`
 * and `worker`), so it checks each one and leaves v86 alone if the shape differs
 * (the v86 version is pinned in package.json).
 */
interface V86Scheduler {
  worker: { terminate(): void } | null;
  yield(delayMs: number, tick: number): void;
  yield_callback(tick: number): void;
  unregister_yield(): void;
}

export function useInWorkerYield(emulator: unknown): boolean {
  const g = (emulator as { v86?: Partial<V86Scheduler> }).v86;
  if (typeof process !== 'undefined' && process.versions?.node) return false;
  if (!g || typeof g.yield_callback !== 'function' || typeof g.yield !== 'function' || !g.worker) return false;
  const s = g as V86Scheduler;
  s.worker!.terminate();
  s.worker = null;
  const channel = new MessageChannel();
  channel.port1.onmessage = (e: MessageEvent<number>) => s.yield_callback(e.data);
  s.yield = (delayMs, tick) => {
    if (delayMs < 1) channel.port2.postMessage(tick);
    else setTimeout(() => s.yield_callback(tick), delayMs);
  };
  s.unregister_yield = () => channel.port1.close();
  return true;
}
