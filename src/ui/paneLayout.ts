/**
 * The page's pane sizes: how wide the side pane is for each of its tabs (the
 * Dockerfile editor needs more room than a lesson's text), how tall the
 * pictures pane is under the terminal, and whether it is folded away. Kept
 * in the browser's storage; a value that is missing, damaged or out of range
 * falls back to the default, so a bad entry never hides a pane.
 */
export type SideTab = 'lessons' | 'build' | 'preview';

export interface PaneLayout {
  /** The side pane's share of the page's width, per tab (0–1). */
  side: Record<SideTab, number>;
  /** The pictures pane's share of the machine column's height (0–1). */
  pictures: number;
  picturesOpen: boolean;
}

export const DEFAULT_LAYOUT: PaneLayout = {
  side: { lessons: 0.4, build: 0.6, preview: 0.5 },
  pictures: 0.5,
  picturesOpen: true,
};

/** No pane is dragged smaller than this share, so none can be lost off the edge. */
export const MIN_SHARE = 0.2;
export const MAX_SHARE = 0.8;

export const clampShare = (x: number): number =>
  Number.isFinite(x) ? Math.min(MAX_SHARE, Math.max(MIN_SHARE, x)) : DEFAULT_LAYOUT.pictures;

export const LAYOUT_KEY = 'playground.layout.v1';

export function parseLayout(text: string | null | undefined): PaneLayout {
  let raw: unknown = null;
  try {
    raw = JSON.parse(text ?? 'null');
  } catch {
    // damaged: the defaults
  }
  const r = (raw && typeof raw === 'object' ? raw : {}) as Partial<{
    side: Partial<Record<SideTab, unknown>>;
    pictures: unknown;
    picturesOpen: unknown;
  }>;
  const share = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? clampShare(v) : d);
  const side = { ...DEFAULT_LAYOUT.side };
  for (const k of Object.keys(side) as SideTab[]) side[k] = share(r.side?.[k], DEFAULT_LAYOUT.side[k]);
  return {
    side,
    pictures: share(r.pictures, DEFAULT_LAYOUT.pictures),
    picturesOpen: typeof r.picturesOpen === 'boolean' ? r.picturesOpen : DEFAULT_LAYOUT.picturesOpen,
  };
}

/**
 * The share a divider lands on when dragged to `pos` (a pointer coordinate)
 * inside a box from `start` spanning `size`; `fromEnd` when the pane measured
 * is the one after the divider (the pictures pane under the terminal).
 */
export function shareAt(pos: number, start: number, size: number, fromEnd = false): number {
  if (size <= 0) return DEFAULT_LAYOUT.pictures;
  const x = (pos - start) / size;
  return clampShare(fromEnd ? 1 - x : x);
}

/** One keyboard step of a focused divider: arrows move it by 2 %, Home and End to the limits. */
export function shareAfterKey(share: number, key: string, fromEnd = false): number | null {
  const dir = fromEnd ? -1 : 1;
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowUp':
      return clampShare(share - 0.02 * dir);
    case 'ArrowRight':
    case 'ArrowDown':
      return clampShare(share + 0.02 * dir);
    case 'Home':
      return fromEnd ? MAX_SHARE : MIN_SHARE;
    case 'End':
      return fromEnd ? MIN_SHARE : MAX_SHARE;
    default:
      return null;
  }
}

export const SIDE_TAB_KEY = 'playground.pane';

/** The side pane's tab as last left (lessons when nothing valid was kept). */
export function storedSideTab(value: string | null | undefined): SideTab {
  return value === 'build' || value === 'preview' ? value : 'lessons';
}
