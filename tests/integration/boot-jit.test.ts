import { afterAll, describe, expect, it } from 'vitest';
import { bootNodeVm } from '../../src/node/nodeVm';
import type { VmHost } from '../../src/vm/vmHost';

interface JitCpu {
  codegen_finalize(...args: unknown[]): void;
}
const cpuOf = (vm: VmHost) => (vm.emulator as unknown as { v86: { cpu: JitCpu } }).v86.cpu;

describe('a cold boot (src/vm/bootJit.ts)', () => {
  const machines: VmHost[] = [];
  afterAll(async () => {
    for (const vm of machines) await vm.destroy();
  });

  it("runs with v86's JIT off until the machine is up, then turns it on", async () => {
    // Count the modules v86's JIT hands to V8, on every machine: its CPU class is reached through a first one.
    const first = await bootNodeVm();
    machines.push(first);
    const proto = Object.getPrototypeOf(cpuOf(first)) as JitCpu;
    const original = proto.codegen_finalize;
    const compiled = new Map<JitCpu, number>();
    proto.codegen_finalize = function (this: JitCpu, ...args: unknown[]) {
      compiled.set(this, (compiled.get(this) ?? 0) + 1);
      return original.apply(this, args);
    };
    try {
      const vm = await bootNodeVm({ cold: true });
      machines.push(vm);
      expect(vm.speedups.jitOffWhileBooting).toBe(true);
      // Nothing of the boot was translated: its code runs about once, and V8 would spend seconds compiling it.
      expect(compiled.get(cpuOf(vm)) ?? 0).toBe(0);
      // The JIT is back once the machine is up: a hot loop in the guest gets translated.
      const r = await vm.channel.sh('i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; echo $i', { timeoutMs: 60_000 });
      expect(new TextDecoder().decode(r.stdout)).toBe('30000\n');
      expect(compiled.get(cpuOf(vm)) ?? 0).toBeGreaterThan(0);
      // Once up, the host seeds the kernel's random generator (a cold boot as well as a restore).
      const seeded = await vm.channel.sh('cat /proc/sys/kernel/random/entropy_avail');
      expect(new TextDecoder().decode(seeded.stdout)).toBe('256\n');
    } finally {
      proto.codegen_finalize = original;
    }
  });
});
