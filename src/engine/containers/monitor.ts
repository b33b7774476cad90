/** `docker top` and `docker stats`, as moby's daemon/top_unix.go and stats.go: read from the guest kernel. */
import { runScript, type Guest } from '../guest';
import { containerPaths } from '../runtime/containerPlan';
import { sh } from '../shell';
import { requireRunning } from './state';
import type { ContainerStore } from './store';

export class Monitor {
  constructor(
    private readonly guest: Guest,
    private readonly containers: ContainerStore,
  ) {}

  /** `docker top`: the container's processes, as the host (the guest kernel) sees them. */
  async top(ref: string): Promise<{ Titles: string[]; Processes: string[][] }> {
    const c = this.containers.get(ref);
    requireRunning(c);
    const r = await runScript(
      this.guest,
      sh`for p in $(cat ${containerPaths(c.Id).cgroup}/cgroup.procs); do
        u=$(awk '/^Uid:/ {print $2}' /proc/$p/status 2>/dev/null) || continue
        ppid=$(awk '/^PPid:/ {print $2}' /proc/$p/status)
        cmd=$(tr '\\0' ' ' < /proc/$p/cmdline); echo "$u|$p|$ppid|\${cmd% }"
      done`,
    );
    return {
      Titles: ['UID', 'PID', 'PPID', 'CMD'],
      Processes: r.out
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('|')),
    };
  }

  /** `docker stats --no-stream`: one sample of the container's cgroup files (CPU over ~0.5 s). */
  async stats(ref: string) {
    const c = this.containers.get(ref);
    const cg = containerPaths(c.Id).cgroup;
    const read = async () => {
      const r = await runScript(
        this.guest,
        sh`cat ${cg}/memory.current ${cg}/memory.max ${cg}/pids.current; grep usage_usec ${cg}/cpu.stat; cut -d' ' -f1 /proc/uptime`,
      );
      const [mem, max, pids, usage, up] = r.out.trim().split('\n');
      return {
        mem: Number(mem),
        max: max === 'max' ? 0 : Number(max),
        pids: Number(pids),
        usageUs: Number(usage?.split(' ')[1]),
        uptimeS: Number(up),
      };
    };
    const a = await read();
    await new Promise<void>((r) => setTimeout(() => r(), 500));
    const b = await read();
    const dt = (b.uptimeS - a.uptimeS) * 1e6;
    const total = await runScript(this.guest, sh`awk '/MemTotal/ {print $2 * 1024}' /proc/meminfo`);
    return {
      id: c.Id,
      name: `/${c.Name}`,
      read: new Date().toISOString(),
      cpu_percent: dt > 0 ? (100 * (b.usageUs - a.usageUs)) / dt : 0,
      cpu_stats: { cpu_usage: { total_usage: b.usageUs * 1000 } },
      memory_stats: { usage: b.mem, limit: b.max || Number(total.out.trim()) },
      pids_stats: { current: b.pids },
    };
  }
}
