import { describe, expect, it } from 'vitest';
import { useVm } from './vm';

/** Runs `script` as a member of a fresh cgroup made with the given limits. */
function inCgroup(name: string, limits: Record<string, string>, script: string): string {
  const cg = `/sys/fs/cgroup/${name}`;
  const writes = Object.entries(limits)
    .map(([f, v]) => `echo '${v}' > ${cg}/${f}`)
    .join('; ');
  return `mkdir -p ${cg}; ${writes}; sh -c 'echo $$ > ${cg}/cgroup.procs; ${script}'`;
}

describe('cgroup v2 limits enforced by the guest kernel', () => {
  const ctx = useVm();

  it('offers the memory, pids and cpu controllers to child cgroups', async () => {
    const r = await ctx.sh('cat /sys/fs/cgroup/cgroup.subtree_control; mount | grep cgroup2');
    expect(r.out.split('\n')[0]!.split(' ').sort()).toEqual(['cpu', 'memory', 'pids']);
    expect(r.out).toContain('/sys/fs/cgroup type cgroup2');
  });

  it('memory.max=16M: a 64 MB allocation is OOM-killed and the VM keeps answering', async () => {
    const r = await ctx.sh(
      inCgroup('t-mem', { 'memory.max': '16M' }, 'dd if=/dev/zero of=/dev/null bs=64M count=1') +
        '; echo "status=$?"; grep oom_kill /sys/fs/cgroup/t-mem/memory.events; cat /sys/fs/cgroup/t-mem/memory.max',
    );
    expect(r.out).toMatch(/status=137/); // SIGKILL from the OOM killer
    const kills = Number(/oom_kill (\d+)/.exec(r.out)?.[1]);
    expect(kills).toBeGreaterThanOrEqual(1);
    expect(r.out).toContain('16777216');
    const alive = await ctx.sh('echo alive; rmdir /sys/fs/cgroup/t-mem');
    expect(alive.out).toBe('alive\n');
  });

  it('pids.max=8 stops a fork loop', async () => {
    const cg = '/sys/fs/cgroup/t-pids';
    const r = await ctx.sh(
      `mkdir -p ${cg}; echo 8 > ${cg}/pids.max
       sh -c 'echo $$ > ${cg}/cgroup.procs; for i in $(seq 1 30); do sleep 3 & done 2>/dev/null; wait' 2>/dev/null &
       sleep 1
       echo "current=$(cat ${cg}/pids.current)"; grep max ${cg}/pids.events
       kill $(cat ${cg}/cgroup.procs); wait
       for i in $(seq 1 20); do [ "$(cat ${cg}/pids.current)" = 0 ] && break; sleep 0.1; done
       echo "after=$(cat ${cg}/pids.current)"; rmdir ${cg} && echo removed`,
      20_000,
    );
    const current = Number(/current=(\d+)/.exec(r.out)?.[1]);
    expect(current).toBeLessThanOrEqual(8);
    expect(current).toBeGreaterThanOrEqual(2);
    // The kernel refused the fork that would have made a ninth task (pids.events "max").
    expect(Number(/max (\d+)/.exec(r.out)?.[1])).toBeGreaterThanOrEqual(1);
    expect(r.out).toContain('after=0');
    expect(r.out).toContain('removed');
  });

  it("cpu.max '20000 100000' holds a busy loop to about a fifth of the CPU it gets unlimited", async () => {
    const busy = (name: string, max: string) =>
      inCgroup(name, { 'cpu.max': max }, 'timeout 2 sh -c "while :; do :; done"') +
      `; grep usage_usec /sys/fs/cgroup/${name}/cpu.stat`;
    const usage = async (name: string, max: string) =>
      Number(/usage_usec (\d+)/.exec((await ctx.sh(busy(name, max))).out)?.[1]);
    const limited = await usage('t-cpu-limited', '20000 100000');
    const free = await usage('t-cpu-free', 'max 100000');
    expect(free).toBeGreaterThan(500_000);
    expect(limited / free).toBeLessThanOrEqual(0.3);
    expect(limited / free).toBeGreaterThan(0.05);
  });
});
