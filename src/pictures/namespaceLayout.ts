/**
 * Layout of the NamespaceTree picture. For pid namespaces, a real tree: each
 * namespace a card under the namespace its first process was started from,
 * each process a row with its pid in every namespace that sees it (NSpid).
 * For the other kinds, each namespace a node with the processes in it
 * grouped by who they belong to (the host, a container), a line from each
 * group to the namespace it is in, so a shared namespace has lines from
 * several groups. Pure: positions only, the component draws.
 */
import type { NamespaceKind, NamespaceSnapshot, ProcessNamespaces } from './namespaces';

export interface ContainerRef {
  id: string;
  name: string;
  pid: number;
}

export interface ProcessRow {
  pid: number;
  comm: string;
  nspid: number[];
  x: number;
  y: number;
}

export interface PidCard {
  inode: string;
  /** 'host', a container's name, or null for a namespace no container owns (an unshare). */
  owner: string | null;
  host: boolean;
  /** Inside a container but not its own first namespace (an unshare in it). */
  nested: boolean;
  depth: number;
  x: number;
  y: number;
  w: number;
  h: number;
  rows: ProcessRow[];
  /** Processes in it that are not drawn. */
  more: number;
  parent: string | null;
  children: PidCard[];
}

export interface Move {
  pid: number;
  /** Where the process's parent is drawn: a process that entered a namespace moves in from there. */
  from: { x: number; y: number };
}

export interface PidTreeLayout {
  root: PidCard | null;
  cards: PidCard[];
  edges: { from: string; to: string; x1: number; y1: number; x2: number; y2: number }[];
  /** For each drawn process whose parent is drawn in another card. */
  entered: Move[];
  width: number;
  height: number;
}

export const CARD_W = 200;
const HEAD = 22;
const ROW = 16;
const GAP_X = 16;
const GAP_Y = 30;
export const MAX_ROWS = 6;

/**
 * The container each process belongs to: the one whose first process shares
 * its pid namespace, or, for a namespace nested inside a container (an
 * unshare there), the container its parent process belongs to.
 */
export function ownerOf(s: NamespaceSnapshot, containers: ContainerRef[]): (p: ProcessNamespaces) => string | null {
  const byPidNs = new Map<string, string>();
  for (const c of containers) {
    const first = s.processes.find((p) => p.pid === c.pid);
    if (first?.ns.pid && first.ns.pid !== s.host.pid) byPidNs.set(first.ns.pid, c.name);
  }
  const byPid = new Map(s.processes.map((p) => [p.pid, p]));
  const owner = (p: ProcessNamespaces, hops: number): string | null => {
    if (!p.ns.pid || p.ns.pid === s.host.pid || hops > 64) return null;
    const own = byPidNs.get(p.ns.pid);
    if (own) return own;
    const parent = byPid.get(p.ppid);
    return parent ? owner(parent, hops + 1) : null;
  };
  return (p) => owner(p, 0);
}

export function pidTreeLayout(s: NamespaceSnapshot, containers: ContainerRef[]): PidTreeLayout {
  const byInode = new Map<string, ProcessNamespaces[]>();
  for (const p of s.processes) {
    if (!p.ns.pid) continue;
    byInode.set(p.ns.pid, [...(byInode.get(p.ns.pid) ?? []), p]);
  }
  const byPid = new Map(s.processes.map((p) => [p.pid, p]));
  const owner = ownerOf(s, containers);
  const cards = new Map<string, PidCard>();
  for (const [inode, procs] of byInode) {
    const host = inode === s.host.pid;
    cards.set(inode, {
      inode,
      owner: host ? 'host' : owner(procs[0]!),
      host,
      nested: !host && !containers.some((c) => byPid.get(c.pid)?.ns.pid === inode),
      depth: Math.max(...procs.map((p) => p.nspid.length)),
      x: 0,
      y: 0,
      w: CARD_W,
      h: 0,
      rows: [],
      more: 0,
      parent: null,
      children: [],
    });
  }
  // A namespace hangs under the one its first process (pid 1 inside) was started from.
  for (const [inode, card] of cards) {
    if (card.host) continue;
    const procs = byInode.get(inode)!;
    const init = procs.find((p) => p.nspid.at(-1) === 1) ?? procs[0]!;
    let parentNs = byPid.get(init.ppid)?.ns.pid;
    if (!parentNs || !cards.has(parentNs) || cards.get(parentNs)!.depth !== card.depth - 1) {
      // The starter is gone (reparented): any namespace one level up, else the host's.
      parentNs = [...cards.values()].find((c) => c.depth === card.depth - 1)?.inode ?? s.host.pid;
    }
    if (parentNs && parentNs !== inode && cards.has(parentNs)) {
      card.parent = parentNs;
      cards.get(parentNs)!.children.push(card);
    }
  }
  // Which processes each card lists: those that started a child namespace first, pid 1 inside, then by pid.
  const starters = new Set<number>();
  for (const c of cards.values()) {
    if (!c.parent) continue;
    const init = byInode.get(c.inode)!.find((p) => p.nspid.at(-1) === 1);
    if (init) starters.add(init.ppid);
  }
  for (const c of cards.values()) {
    // Kernel threads (children of kthreadd, pid 2) come last: they never start a container.
    const kernel = (p: ProcessNamespaces) => p.pid === 2 || p.ppid === 2;
    const procs = [...byInode.get(c.inode)!].sort(
      (a, b) =>
        Number(starters.has(b.pid)) - Number(starters.has(a.pid)) ||
        Number(b.nspid.at(-1) === 1) - Number(a.nspid.at(-1) === 1) ||
        Number(kernel(a)) - Number(kernel(b)) ||
        a.pid - b.pid,
    );
    const shown = procs.slice(0, MAX_ROWS).sort((a, b) => a.pid - b.pid);
    c.more = procs.length - shown.length;
    c.rows = shown.map((p) => ({ pid: p.pid, comm: p.comm, nspid: p.nspid, x: 0, y: 0 }));
    c.h = HEAD + c.rows.length * ROW + (c.more ? ROW : 0) + 6;
  }
  for (const c of cards.values()) c.children.sort((a, b) => (a.owner ?? '~').localeCompare(b.owner ?? '~'));
  const root = (s.host.pid && cards.get(s.host.pid)) || [...cards.values()].find((c) => !c.parent) || null;

  // Tidy enough: each subtree as wide as its children side by side, the parent centred above them.
  const widthOf = (c: PidCard): number =>
    Math.max(
      CARD_W,
      c.children.reduce((n, k, i) => n + widthOf(k) + (i ? GAP_X : 0), 0),
    );
  const place = (c: PidCard, left: number, top: number) => {
    const w = widthOf(c);
    c.x = left + (w - CARD_W) / 2;
    c.y = top;
    c.rows.forEach((r, i) => {
      r.x = c.x + 8;
      r.y = c.y + HEAD + i * ROW + 12;
    });
    const below = top + c.h + GAP_Y;
    const childrenW = c.children.reduce((n, k, i) => n + widthOf(k) + (i ? GAP_X : 0), 0);
    let x = left + (w - childrenW) / 2;
    for (const k of c.children) {
      place(k, x, below);
      x += widthOf(k) + GAP_X;
    }
  };
  let height = 0;
  const all = [...cards.values()];
  if (root) {
    place(root, 0, 0);
    height = Math.max(...all.map((c) => c.y + c.h));
  }
  const edges = all
    .filter((c) => c.parent)
    .map((c) => {
      const p = cards.get(c.parent!)!;
      return { from: p.inode, to: c.inode, x1: p.x + p.w / 2, y1: p.y + p.h, x2: c.x + c.w / 2, y2: c.y };
    });
  const rowAt = new Map<number, ProcessRow>();
  for (const c of all) for (const r of c.rows) rowAt.set(r.pid, r);
  const cardOf = new Map<number, string>();
  for (const c of all) for (const r of c.rows) cardOf.set(r.pid, c.inode);
  const entered: Move[] = [];
  for (const pid of rowAt.keys()) {
    const parent = rowAt.get(byPid.get(pid)?.ppid ?? 0);
    if (parent && cardOf.get(parent.pid) !== cardOf.get(pid)) entered.push({ pid, from: { x: parent.x, y: parent.y } });
  }
  return {
    root,
    cards: all.filter((c) => c === root || c.parent),
    edges,
    entered,
    width: root ? widthOf(root) : CARD_W,
    height,
  };
}

export interface NsNode {
  inode: string;
  host: boolean;
  /** Who owns it: the host, or the containers whose first process is in it. */
  owners: string[];
  x: number;
  y: number;
  w: number;
}

export interface ProcessGroup {
  /** 'host' or a container's name. */
  owner: string;
  inode: string;
  pids: number[];
  comms: string[];
  x: number;
  y: number;
  w: number;
}

export interface SharingLayout {
  kind: NamespaceKind;
  nodes: NsNode[];
  groups: ProcessGroup[];
  lines: { owner: string; inode: string; x1: number; y1: number; x2: number; y2: number }[];
  width: number;
  height: number;
}

const NODE_W = 170;
const GROUP_W = 130;

/** Namespaces of one kind (not pid) and the groups of processes in each, with a line from each group to its namespace. */
export function sharingLayout(s: NamespaceSnapshot, containers: ContainerRef[], kind: NamespaceKind): SharingLayout {
  const owner = ownerOf(s, containers);
  const groupsBy = new Map<string, ProcessGroup>();
  const inodes: string[] = [];
  for (const p of s.processes) {
    const inode = p.ns[kind];
    if (!inode) continue;
    if (!inodes.includes(inode)) inodes.push(inode);
    const who = owner(p) ?? 'host';
    const key = `${who}\u0000${inode}`;
    let g = groupsBy.get(key);
    if (!g) groupsBy.set(key, (g = { owner: who, inode, pids: [], comms: [], x: 0, y: 0, w: GROUP_W }));
    g.pids.push(p.pid);
    if (!g.comms.includes(p.comm)) g.comms.push(p.comm);
  }
  const hostInode = s.host[kind];
  inodes.sort((a, b) => Number(b === hostInode) - Number(a === hostInode));
  const groups = [...groupsBy.values()];
  const nodes: NsNode[] = [];
  let x = 0;
  for (const inode of inodes) {
    const mine = groups
      .filter((g) => g.inode === inode)
      .sort((a, b) => Number(b.owner === 'host') - Number(a.owner === 'host') || a.owner.localeCompare(b.owner));
    const span = Math.max(NODE_W, mine.length * (GROUP_W + 10) - 10);
    nodes.push({
      inode,
      host: inode === hostInode,
      owners: inode === hostInode ? ['host'] : mine.map((g) => g.owner).filter((o) => o !== 'host'),
      x: x + (span - NODE_W) / 2,
      y: 0,
      w: NODE_W,
    });
    mine.forEach((g, i) => {
      g.x = x + (span - (mine.length * (GROUP_W + 10) - 10)) / 2 + i * (GROUP_W + 10);
      g.y = 70;
    });
    x += span + 24;
  }
  const lines = groups.map((g) => {
    const n = nodes.find((m) => m.inode === g.inode)!;
    return { owner: g.owner, inode: g.inode, x1: g.x + g.w / 2, y1: g.y, x2: n.x + n.w / 2, y2: n.y + 34 };
  });
  return { kind, nodes, groups, lines, width: Math.max(NODE_W, x - 24), height: 70 + 42 };
}

export interface Ghost {
  /** A dashed box where the goal wants a namespace that is not there, or a dashed line to the one to share. */
  box: { x: number; y: number; w: number; h: number } | null;
  line: { x1: number; y1: number; x2: number; y2: number } | null;
  label: string;
}

/**
 * The exercise's expected sharing, drawn beside the real one: for "a and b
 * share", a dashed line from a's processes to b's namespace; for "a has its
 * own", a dashed namespace box beside the others with a line from a. Null
 * when the real state already shows it.
 */
export function sharingGhost(
  l: SharingLayout,
  goal: { kind: string; shared: [string, string] | null; container?: string },
): Ghost | null {
  if (goal.kind !== l.kind) return null;
  const groupOf = (who: string) => l.groups.find((g) => g.owner === who);
  if (goal.shared) {
    const [a, b] = goal.shared;
    const ga = groupOf(a);
    const gb = groupOf(b);
    if (ga && gb && ga.inode === gb.inode) return null;
    const target = gb ? l.nodes.find((n) => n.inode === gb.inode) : null;
    if (ga && target) {
      return {
        box: null,
        line: { x1: ga.x + ga.w / 2, y1: ga.y, x2: target.x + target.w / 2, y2: target.y + 34 },
        label: `${a} ↔ ${b}`,
      };
    }
    return { box: { x: l.width + 24, y: 0, w: 170, h: 34 }, line: null, label: `${a} ↔ ${b}` };
  }
  const who = goal.container ?? '';
  const g = groupOf(who);
  if (g && !l.nodes.find((n) => n.inode === g.inode)?.host) return null;
  const box = { x: l.width + 24, y: 0, w: 170, h: 34 };
  return {
    box,
    line: g ? { x1: g.x + g.w / 2, y1: g.y, x2: box.x + box.w / 2, y2: box.y + box.h } : null,
    label: who,
  };
}
