import { describe, expect, it } from 'vitest';
import type { NamespaceSnapshot, ProcessNamespaces } from './namespaces';
import { MAX_ROWS, pidTreeLayout, sharingGhost, sharingLayout } from './namespaceLayout';

const HOST = { pid: 'h-pid', net: 'h-net', uts: 'h-uts' };
const proc = (pid: number, comm: string, nspid: number[], ppid: number, ns: ProcessNamespaces['ns']) => ({
  pid,
  comm,
  nspid,
  ppid,
  ns,
});

/** The host (init, a shell, vmctr), container web (sleep as pid 1, an exec'd sh), and an unshare nested in web. */
const snapshot: NamespaceSnapshot = {
  host: HOST,
  processes: [
    proc(1, 'init', [1], 0, HOST),
    proc(50, 'sh', [50], 1, HOST),
    proc(77, 'vmctr', [77], 1, HOST),
    proc(78, 'sleep', [78, 1], 77, { pid: 'c-pid', net: 'c-net', uts: 'c-uts' }),
    proc(90, 'vmctr', [90], 1, HOST),
    proc(91, 'sh', [91, 7], 90, { pid: 'c-pid', net: 'c-net', uts: 'c-uts' }),
    proc(95, 'unshare', [95, 9], 91, { pid: 'c-pid', net: 'c-net', uts: 'c-uts' }),
    proc(96, 'sh', [96, 10, 1], 95, { pid: 'n-pid', net: 'c-net', uts: 'c-uts' }),
    // --network host: a second container in the host's network namespace.
    proc(120, 'httpd', [120, 1], 77, { pid: 'd-pid', net: 'h-net', uts: 'd-uts' }),
  ],
};
const containers = [
  { id: 'a', name: 'web', pid: 78 },
  { id: 'b', name: 'hostnet', pid: 120 },
];

describe('the pid namespace tree', () => {
  const t = pidTreeLayout(snapshot, containers);

  it('nests each namespace under the one its first process was started from', () => {
    expect(t.root!.inode).toBe('h-pid');
    expect(t.root!.children.map((c) => c.owner)).toEqual(['hostnet', 'web']);
    const web = t.cards.find((c) => c.owner === 'web')!;
    // An unshare inside the container: a namespace of its own, still the container's.
    expect(web.children.map((c) => [c.inode, c.owner, c.depth])).toEqual([['n-pid', 'web', 3]]);
    expect(t.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(['c-pid>n-pid', 'h-pid>c-pid', 'h-pid>d-pid']);
  });

  it('lists each process with its pid in every namespace that sees it', () => {
    const web = t.cards.find((c) => c.owner === 'web')!;
    expect(web.rows.map((r) => `${r.comm} ${r.nspid.join('→')}`)).toEqual(['sleep 78→1', 'sh 91→7', 'unshare 95→9']);
    const nested = t.cards.find((c) => c.inode === 'n-pid')!;
    expect(nested.rows[0]!.nspid).toEqual([96, 10, 1]);
  });

  it('places children below their parent, side by side, the parent centred, nothing overlapping', () => {
    const [a, b] = t.root!.children;
    expect(a!.y).toBeGreaterThan(t.root!.y + t.root!.h);
    expect(b!.x).toBeGreaterThanOrEqual(a!.x + a!.w);
    const centre = t.root!.x + t.root!.w / 2;
    expect(centre).toBeGreaterThan(a!.x);
    expect(centre).toBeLessThan(b!.x + b!.w);
    expect(t.width).toBeGreaterThanOrEqual(b!.x + b!.w);
    expect(t.height).toBe(Math.max(...t.cards.map((c) => c.y + c.h)));
  });

  it('marks a process whose parent is drawn in another namespace: it moves in from there', () => {
    const sh = t.entered.find((m) => m.pid === 91)!;
    const vmctr = t.root!.rows.find((r) => r.pid === 90)!;
    expect(sh.from).toEqual({ x: vmctr.x, y: vmctr.y });
    expect(t.entered.map((m) => m.pid).sort((a, b) => a - b)).toEqual([78, 91, 96, 120]);
  });

  it('lists a crowded namespace’s starters first and counts the rest', () => {
    const many: NamespaceSnapshot = {
      host: HOST,
      processes: [
        ...Array.from({ length: 12 }, (_, i) => proc(i + 1, `p${i + 1}`, [i + 1], i ? 1 : 0, HOST)),
        proc(200, 'sleep', [200, 1], 12, { pid: 'c-pid' }),
      ],
    };
    many.processes[1]!.comm = 'kthreadd';
    for (const p of many.processes.slice(2, 8)) p.ppid = 2;
    const root = pidTreeLayout(many, []).root!;
    expect(root.rows).toHaveLength(MAX_ROWS);
    expect(root.rows.map((r) => r.pid)).toContain(12);
    // Kernel threads (kthreadd's children) give way to the processes a student started.
    expect(root.rows.map((r) => r.pid)).toEqual([1, 2, 9, 10, 11, 12]);
    expect(root.more).toBe(12 - MAX_ROWS);
  });
});

describe('sharing of the other kinds', () => {
  it('draws one node per namespace and a line from each group of processes to the one it is in', () => {
    const l = sharingLayout(snapshot, containers, 'net');
    expect(l.nodes.map((n) => [n.inode, n.host, n.owners.join(',')])).toEqual([
      ['h-net', true, 'host'],
      ['c-net', false, 'web'],
    ]);
    // --network host: the container's group hangs from the host's namespace.
    expect(l.lines.filter((x) => x.inode === 'h-net').map((x) => x.owner)).toEqual(['host', 'hostnet']);
    expect(l.groups.find((g) => g.owner === 'web')!.pids).toEqual([78, 91, 95, 96]);
    for (const g of l.groups) {
      const n = l.nodes.find((m) => m.inode === g.inode)!;
      expect(g.y).toBeGreaterThan(n.y);
    }
    expect(l.width).toBeGreaterThan(0);
  });
});

describe('the goal drawn as a ghost', () => {
  const l = sharingLayout(snapshot, containers, 'net');

  it('draws a dashed line from a container to the namespace it should share, none once it does', () => {
    const g = sharingGhost(l, { kind: 'net', shared: ['web', 'host'] })!;
    const host = l.nodes.find((n) => n.host)!;
    expect(g.line!.x2).toBe(host.x + host.w / 2);
    expect(g.box).toBeNull();
    expect(sharingGhost(l, { kind: 'net', shared: ['hostnet', 'host'] })).toBeNull();
    expect(sharingGhost(l, { kind: 'uts', shared: ['web', 'host'] })).toBeNull();
  });

  it('draws a dashed namespace of its own beside the others for a container that should have one', () => {
    const g = sharingGhost(l, { kind: 'net', shared: null, container: 'hostnet' })!;
    expect(g.box!.x).toBeGreaterThan(Math.max(...l.nodes.map((n) => n.x + n.w)));
    expect(g.line).not.toBeNull();
    expect(sharingGhost(l, { kind: 'net', shared: null, container: 'web' })).toBeNull();
  });
});
