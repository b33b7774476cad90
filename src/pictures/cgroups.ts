/**
 * The CgroupMeters picture's data: each container cgroup's memory, CPU and
 * process figures, read from its files in one round trip. CPU use is the
 * difference between two readings of cpu.stat's usage_usec; throttling is
 * cpu.stat's nr_throttled against cpu.max's quota.
 */
import type { Guest } from '../engine/guest';
import { sh } from '../engine/guest';

export interface CgroupReading {
  /** The container id (the cgroup directory's name). */
  id: string;
  memoryCurrent: number;
  /** null: no limit ("max"). */
  memoryMax: number | null;
  pidsCurrent: number;
  pidsMax: number | null;
  cpuUsageUsec: number;
  /** cpu.max: the quota per period in µs (null: no quota). */
  cpuQuotaUsec: number | null;
  cpuPeriodUsec: number;
  /** cpu.stat: how many periods the quota ran out in, and the time the cgroup waited. */
  nrThrottled: number;
  throttledUsec: number;
  oomKills: number;
}

/**
 * Shell builtins only (read, case, echo): no program is started per
 * container, so a reading costs the guest one shell however many
 * containers there are. One line per cgroup, in the order parseCgroups reads.
 */
export const CGROUP_SCRIPT = [
  'cd /sys/fs/cgroup/docker 2>/dev/null || exit 0',
  'for c in */; do c=${c%/}; [ -d "$c" ] || continue; {',
  'read -r mc < $c/memory.current; read -r mm < $c/memory.max; read -r pc < $c/pids.current; read -r pm < $c/pids.max',
  'read -r cq cp < $c/cpu.max',
  'u=0; n=0; tu=0; while read -r k v; do case $k in usage_usec) u=$v;; nr_throttled) n=$v;; throttled_usec) tu=$v;; esac; done < $c/cpu.stat',
  'o=0; while read -r k v; do [ "$k" = oom_kill ] && o=$v; done < $c/memory.events',
  'echo "@$c $mc $mm $pc $pm usage_usec $u nr_throttled $n throttled_usec $tu oom_kill $o cpu_max $cq,$cp"',
  '} 2>/dev/null; done',
].join('\n');

const num = (s: string | undefined) => (s === undefined || s === 'max' ? null : Number(s));

export function parseCgroups(out: string): CgroupReading[] {
  const readings: CgroupReading[] = [];
  for (const line of out.split('\n')) {
    const m = /^@([0-9a-f]{64}) (.*)$/.exec(line.trim());
    if (!m) continue;
    const words = m[2]!.trim().split(/\s+/);
    const [mem, memMax, pids, pidsMax] = words;
    const field = (name: string) => {
      const i = words.indexOf(name);
      return i >= 0 ? Number(words[i + 1]) : 0;
    };
    const cpuMax = words.indexOf('cpu_max');
    const [quota, period] = cpuMax >= 0 ? (words[cpuMax + 1] ?? '').split(',') : [];
    readings.push({
      id: m[1]!,
      memoryCurrent: Number(mem ?? 0),
      memoryMax: num(memMax),
      pidsCurrent: Number(pids ?? 0),
      pidsMax: num(pidsMax),
      cpuUsageUsec: field('usage_usec'),
      cpuQuotaUsec: quota === undefined || quota === 'max' ? null : Number(quota),
      cpuPeriodUsec: Number(period ?? 100_000) || 100_000,
      nrThrottled: field('nr_throttled'),
      throttledUsec: field('throttled_usec'),
      oomKills: field('oom_kill'),
    });
  }
  return readings;
}

export async function readCgroups(guest: Guest): Promise<CgroupReading[]> {
  return parseCgroups((await sh(guest, CGROUP_SCRIPT)).out);
}

/** CPU use between two readings, in percent of one CPU. */
export function cpuPercent(before: CgroupReading, after: CgroupReading, elapsedMs: number): number {
  if (elapsedMs <= 0) return 0;
  return Math.max(0, ((after.cpuUsageUsec - before.cpuUsageUsec) / (elapsedMs * 1000)) * 100);
}
