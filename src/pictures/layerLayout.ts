/**
 * Layout of the LayerStack picture: layers as stacked sheets, the merged
 * view on top, the container's writable layer under it, the image's
 * read-only layers below (newest first). Each changed path is a column, so
 * a file sits at the same place on every sheet that has it: the copy in the
 * container layer right above the image's original, a whiteout right above
 * the file it hides. Layers another container shares are one sheet under
 * both stacks.
 */
import type { LayerStackView } from './layerStack';

export type ChipKind = 'original' | 'copied-up' | 'added' | 'whiteout' | 'visible' | 'hidden';

export interface Sheet {
  key: string;
  role: 'merged' | 'upper' | 'image';
  /** 'left' the chosen container's stack, 'right' the other's, 'both' a shared layer. */
  stack: 'left' | 'right' | 'both';
  label: string;
  sub: string;
  /** The layer's index from the bottom (image layers). */
  index: number | null;
  digest: string | null;
  x: number;
  y: number;
  w: number;
}

export interface Chip {
  path: string;
  kind: ChipKind;
  sheet: string;
  x: number;
  y: number;
  /** A copy-up rises from the original's sheet: its y there. */
  fromY: number | null;
}

export interface LayerLayout {
  sheets: Sheet[];
  chips: Chip[];
  columns: { path: string; x: number }[];
  /** The goal's chip, drawn dashed, when the real layer does not show it yet. */
  ghost: Chip | null;
  other: string | null;
  width: number;
  height: number;
}

export const SHEET_H = 24;
export const SKEW = 12;
const GAP = 34;
const LABEL_W = 150;
const COL_W = 78;
export const MAX_COLUMNS = 6;

/** The changed paths worth a column: files and links first; a directory only when nothing under it changed. */
export function columnPaths(changes: { path: string; kind: string }[], extra?: string): string[] {
  const paths = changes.map((c) => c.path);
  const leaves = paths.filter((p) => !paths.some((q) => q !== p && q.startsWith(`${p}/`)));
  const out = leaves.slice(0, MAX_COLUMNS);
  if (extra && !out.includes(extra)) out.splice(Math.min(out.length, MAX_COLUMNS - 1), 1, extra);
  return out;
}

export function layerStackLayout(
  view: LayerStackView,
  goal: { path: string; expect: 'copied-up' | 'whiteout' | 'added'; container?: string } | null = null,
  other: string | null = null,
): LayerLayout | null {
  const sel = view.selected;
  if (!sel) return null;
  const goalHere = goal && (!goal.container || goal.container === sel.name) ? goal : null;
  const paths = columnPaths(sel.changes, goalHere?.path);
  const leftW = LABEL_W + Math.max(1, paths.length) * COL_W;
  const bottomFirst = [...sel.layers].reverse().map((l) => l.digest);
  // The other stack: the named one, else the container sharing most layers from the bottom.
  const sharedWith = (digests: string[]) => {
    let n = 0;
    while (n < digests.length && n < bottomFirst.length && digests[n] === bottomFirst[n]) n++;
    return n;
  };
  const candidates = view.others
    .map((o) => ({ o, n: sharedWith(o.layers) }))
    .filter((x) => x.n > 0)
    .sort((a, b) => b.n - a.n);
  const pick = candidates.find((x) => x.o.name === other) ?? candidates[0] ?? null;
  const shared = pick?.n ?? 0;
  const rightW = pick ? 170 : 0;
  const width = leftW + (pick ? rightW + 16 : 0) + SKEW;

  const sheets: Sheet[] = [];
  // From the top: merged, upper, then the image layers newest first. The left stack's rows:
  const leftRows = 2 + sel.layers.length;
  const rightRows = pick ? 2 + (pick.o.layers.length - shared) : 0;
  const rows = Math.max(leftRows, rightRows + shared);
  const yOfRow = (fromBottom: number) => (rows - 1 - fromBottom) * GAP + 4;
  sheets.push(
    {
      key: 'merged',
      role: 'merged',
      stack: 'left',
      label: 'merged',
      sub: sel.name,
      index: null,
      digest: null,
      x: 0,
      y: yOfRow(leftRows - 1),
      w: leftW,
    },
    {
      key: 'upper',
      role: 'upper',
      stack: 'left',
      label: 'upper',
      sub: sel.name,
      index: null,
      digest: null,
      x: 0,
      y: yOfRow(leftRows - 2),
      w: leftW,
    },
  );
  for (const l of sel.layers) {
    const isShared = l.index < shared;
    sheets.push({
      key: `layer-${l.index}`,
      role: 'image',
      stack: isShared ? 'both' : 'left',
      label: `layer ${l.index}`,
      sub: l.createdBy,
      index: l.index,
      digest: l.digest,
      x: 0,
      y: yOfRow(l.index),
      w: isShared ? width - SKEW : leftW,
    });
  }
  if (pick) {
    const x = leftW + 16;
    const own = pick.o.layers.slice(shared);
    own.forEach((digest, i) =>
      sheets.push({
        key: `other-layer-${shared + i}`,
        role: 'image',
        stack: 'right',
        label: `layer ${shared + i}`,
        sub: pick.o.image,
        index: shared + i,
        digest,
        x,
        y: yOfRow(shared + i),
        w: rightW,
      }),
    );
    sheets.push(
      {
        key: 'other-upper',
        role: 'upper',
        stack: 'right',
        label: 'upper',
        sub: pick.o.name,
        index: null,
        digest: null,
        x,
        y: yOfRow(pick.o.layers.length),
        w: rightW,
      },
      {
        key: 'other-merged',
        role: 'merged',
        stack: 'right',
        label: 'merged',
        sub: pick.o.name,
        index: null,
        digest: null,
        x,
        y: yOfRow(pick.o.layers.length + 1),
        w: rightW,
      },
    );
  }

  const columns = paths.map((path, i) => ({ path, x: LABEL_W + i * COL_W + 4 }));
  const chips: Chip[] = [];
  const upper = sheets.find((s) => s.key === 'upper')!;
  const merged = sheets.find((s) => s.key === 'merged')!;
  for (const col of columns) {
    const change = sel.changes.find((c) => c.path === col.path);
    // The image layers holding it, newest first (the one a copy-up copied from is the topmost).
    const holders = sel.layers.filter((l) => l.holds.some((h) => h.path === col.path));
    for (const l of holders) {
      const h = l.holds.find((x) => x.path === col.path)!;
      const s = sheets.find((x) => x.key === `layer-${l.index}`)!;
      chips.push({
        path: col.path,
        kind: h.kind === 'D' ? 'whiteout' : 'original',
        sheet: s.key,
        x: col.x,
        y: s.y,
        fromY: null,
      });
    }
    const source = holders.find((l) => l.holds.some((h) => h.path === col.path && h.kind === 'A'));
    const sourceY = source ? sheets.find((x) => x.key === `layer-${source.index}`)!.y : null;
    if (change) {
      const kind: ChipKind = change.kind === 'D' ? 'whiteout' : change.kind === 'C' ? 'copied-up' : 'added';
      chips.push({
        path: col.path,
        kind,
        sheet: 'upper',
        x: col.x,
        y: upper.y,
        fromY: kind === 'copied-up' ? sourceY : null,
      });
    }
    // What the container sees: the topmost layer's version, or nothing under a whiteout.
    const top = change
      ? change.kind
      : holders[0]?.holds.find((h) => h.path === col.path)?.kind === 'D'
        ? 'D'
        : holders.length
          ? 'A'
          : null;
    if (top)
      chips.push({
        path: col.path,
        kind: top === 'D' ? 'hidden' : 'visible',
        sheet: 'merged',
        x: col.x,
        y: merged.y,
        fromY: null,
      });
  }
  let ghost: Chip | null = null;
  if (goalHere) {
    const col = columns.find((c) => c.path === goalHere.path)!;
    const real = chips.find((c) => c.sheet === 'upper' && c.path === goalHere.path);
    if (real?.kind !== goalHere.expect) {
      ghost = { path: goalHere.path, kind: goalHere.expect, sheet: 'upper', x: col.x, y: upper.y, fromY: null };
    }
  }
  return {
    sheets,
    chips,
    columns,
    ghost,
    other: pick?.o.name ?? null,
    width,
    height: rows * GAP + 4,
  };
}

/** The parallelogram of a sheet, leaning right: a page seen from above and in front. */
export function sheetPoints(s: Pick<Sheet, 'x' | 'y' | 'w'>): string {
  return [
    [s.x + SKEW, s.y],
    [s.x + s.w + SKEW, s.y],
    [s.x + s.w, s.y + SHEET_H],
    [s.x, s.y + SHEET_H],
  ]
    .map(([x, y]) => `${x},${y}`)
    .join(' ');
}
