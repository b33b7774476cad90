/**
 * The NamespaceTree picture's data, read from the guest in one round trip:
 * every process with its namespace inodes (/proc/<pid>/ns/*), its pid as
 * seen from each pid namespace level (NSpid), and the container it belongs
 * to, if any. Nothing is inferred that the kernel did not say.
 */
import type { Guest } from '../engine/guest';
import { sh } from '../engine/guest';

export const NAMESPACE_KINDS = ['pid', 'net', 'mnt', 'uts', 'ipc', 'user', 'cgroup'] as const;
export type NamespaceKind = (typeof NAMESPACE_KINDS)[number];

export interface ProcessNamespaces {
  pid: number;
  comm: string;
  /** The pid in each nested pid namespace, outermost first (NSpid of /proc/<pid>/status). */
  nspid: number[];
  /** The parent process (PPid of /proc/<pid>/status; 0 for init). */
  ppid: number;
  ns: Partial<Record<NamespaceKind, string>>;
}

export interface NamespaceSnapshot {
  processes: ProcessNamespaces[];
  /** The host's namespaces: those of pid 1. */
  host: Partial<Record<NamespaceKind, string>>;
}

/** One shell script, three commands: the namespace links, NSpid and PPid, and comm of every process. */
export const NAMESPACE_SCRIPT =
  "cd /proc && ls -l [0-9]*/ns/ 2>/dev/null; echo '#status'; grep -H -e '^NSpid:' -e '^PPid:' [0-9]*/status 2>/dev/null; " +
  "echo '#comm'; grep -H '' [0-9]*/comm 2>/dev/null";

export function parseNamespaces(out: string): NamespaceSnapshot {
  const byPid = new Map<number, ProcessNamespaces>();
  const get = (pid: number) => {
    let p = byPid.get(pid);
    if (!p) byPid.set(pid, (p = { pid, comm: '', nspid: [pid], ppid: 0, ns: {} }));
    return p;
  };
  let section: 'ns' | 'status' | 'comm' = 'ns';
  let current: ProcessNamespaces | null = null;
  for (const line of out.split('\n')) {
    if (line === '#status') section = 'status';
    else if (line === '#comm') section = 'comm';
    else if (section === 'ns') {
      const dir = /^(\d+)\/ns\/?:$/.exec(line);
      if (dir) current = get(Number(dir[1]));
      const link = /\s(\w+) -> \w+:\[(\d+)\]$/.exec(line);
      if (link && current && (NAMESPACE_KINDS as readonly string[]).includes(link[1]!)) {
        current.ns[link[1] as NamespaceKind] = link[2]!;
      }
    } else if (section === 'status') {
      const m = /^(\d+)\/status:NSpid:\s+([\d\s]+)$/.exec(line);
      if (m) get(Number(m[1])).nspid = m[2]!.trim().split(/\s+/).map(Number);
      const pp = /^(\d+)\/status:PPid:\s+(\d+)$/.exec(line);
      if (pp) get(Number(pp[1])).ppid = Number(pp[2]);
    } else {
      const m = /^(\d+)\/comm:(.*)$/.exec(line);
      if (m) get(Number(m[1])).comm = m[2]!;
    }
  }
  // A process that ended between the commands has no namespace links: leave it out.
  const processes = [...byPid.values()].filter((p) => Object.keys(p.ns).length > 0).sort((a, b) => a.pid - b.pid);
  return { processes, host: byPid.get(1)?.ns ?? {} };
}

export async function readNamespaces(guest: Guest): Promise<NamespaceSnapshot> {
  const r = await sh(guest, NAMESPACE_SCRIPT);
  return parseNamespaces(r.out);
}

export interface NamespaceGroup {
  kind: NamespaceKind;
  inode: string;
  /** The host's own namespace of this kind (pid 1's). */
  host: boolean;
  pids: number[];
}

/** Processes grouped by namespace, per kind: the host's group first. */
export function groupByNamespace(s: NamespaceSnapshot, kind: NamespaceKind): NamespaceGroup[] {
  const groups = new Map<string, number[]>();
  for (const p of s.processes) {
    const inode = p.ns[kind];
    if (!inode) continue;
    groups.set(inode, [...(groups.get(inode) ?? []), p.pid]);
  }
  return [...groups.entries()]
    .map(([inode, pids]) => ({ kind, inode, host: inode === s.host[kind], pids }))
    .sort((a, b) => Number(b.host) - Number(a.host) || a.pids[0]! - b.pids[0]!);
}
