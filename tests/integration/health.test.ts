import { afterEach, describe, expect, it } from 'vitest';
import { bootNodeVm } from '../../src/node/nodeVm';
import type { HealthProblem } from '../../src/vm/health';
import type { VmHost } from '../../src/vm/vmHost';

describe('a guest that panics or stops answering', () => {
  let vm: VmHost | undefined;
  afterEach(async () => {
    await vm?.destroy();
    vm = undefined;
  });

  async function bootWatched() {
    let resolveProblem!: (p: HealthProblem) => void;
    const problem = new Promise<HealthProblem>((r) => (resolveProblem = r));
    vm = await bootNodeVm({ onProblem: resolveProblem });
    return { vm, problem };
  }

  it('is reported as a kernel panic, with the panic line, within a few seconds', async () => {
    const { vm, problem } = await bootWatched();
    const t0 = performance.now();
    void vm.channel.sh('echo c > /proc/sysrq-trigger').catch(() => {});
    const p = await problem;
    expect(p.kind).toBe('panic');
    expect(p.message).toMatch(/Kernel panic - not syncing/);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(vm.stage).toBe('failed');
    // Whatever was waiting on the dead guest fails with the reason instead of hanging.
    await expect(vm.channel.sh('true')).rejects.toThrow(/panicked/);
  });

  it('is reported as hung when the control channel stops answering heartbeats', async () => {
    const { vm, problem } = await bootWatched();
    // Freeze the agent: the kernel runs on, but nothing answers the host.
    void vm.channel.sh('kill -STOP $(pidof vmagent)').catch(() => {});
    const t0 = performance.now();
    const p = await problem;
    expect(p.kind).toBe('hung');
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});
