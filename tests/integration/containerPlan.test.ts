import { describe, expect, it } from 'vitest';
import { containerPaths, containerPlan } from '../../src/engine/runtime/containerPlan';
import { PlanStepError, runPlan } from '../../src/engine/runtime/runPlan';
import { useVm } from './vm';

const LAYER = '/var/lib/docker/test-layers/busybox';
/** A stand-in for an unpacked busybox image layer, until the image store provides real ones. */
const makeLayer = `
  if [ ! -e ${LAYER}/bin/busybox ]; then
    mkdir -p ${LAYER}/bin ${LAYER}/etc ${LAYER}/tmp ${LAYER}/root
    cp /bin/busybox ${LAYER}/bin/
    for a in sh ls cat echo hostname id sleep; do ln -s busybox ${LAYER}/bin/$a; done
  fi
  mkdir -p /sys/fs/cgroup/docker
  echo '+memory +pids +cpu' > /sys/fs/cgroup/docker/cgroup.subtree_control`;

const newId = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');

describe('a container plan carried out in the guest', () => {
  const ctx = useVm();

  it('starts the container with its limits, and reports its exit status', async () => {
    await ctx.sh(makeLayer);
    const id = newId();
    const steps = containerPlan({
      id,
      layers: [LAYER],
      argv: ['sh', '-c', 'hostname; cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max; sleep 1; exit 4'],
      env: ['PATH=/bin'],
      hostname: id.slice(0, 12),
      memoryBytes: 16 * 1024 * 1024,
      pidsLimit: 10,
      nanoCpus: 500_000_000,
      network: 'none',
      userns: false,
    });
    const started = await runPlan(ctx.vm, steps);
    const p = containerPaths(id);
    const live = await ctx.sh(
      `cat /proc/${started.pid}/cgroup; cat ${p.cgroup}/cpu.max; grep -c ' ${p.merged} overlay ' /proc/mounts`,
    );
    expect(live.out).toBe(`0::/docker/${id}\n50000 100000\n1\n`);
    expect(await started.exited).toEqual({ exitCode: 4, oomKilled: false, tornDown: false });
    const log = (await ctx.sh(`cat ${p.log}`)).out
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { log: string }).log);
    expect(log).toEqual([`${id.slice(0, 12)}\n`, '16777216\n', '10\n']);
  });

  it('names the step that failed', async () => {
    const id = newId();
    const steps = containerPlan({
      id,
      layers: ['/var/lib/docker/no-such-layer'],
      argv: ['true'],
      env: [],
      hostname: 'x',
      network: 'none',
      userns: false,
    });
    const err = await runPlan(ctx.vm, steps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanStepError);
    expect((err as PlanStepError).step.kind).toBe('mountOverlay');
    expect((err as PlanStepError).message).toMatch(/step 6 \(mountOverlay/);
  });

  it('reports a command missing from the image with status 127, as Docker does', async () => {
    await ctx.sh(makeLayer);
    const id = newId();
    const steps = containerPlan({
      id,
      layers: [LAYER],
      argv: ['no-such-command'],
      env: ['PATH=/bin'],
      hostname: 'x',
      network: 'none',
      userns: false,
    });
    const started = await runPlan(ctx.vm, steps);
    expect((await started.exited).exitCode).toBe(127);
    expect((await ctx.sh(`cat ${containerPaths(id).log}`)).out).toContain('executable file not found in $PATH');
  });
});
