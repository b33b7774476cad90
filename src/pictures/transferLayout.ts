/**
 * Layout of the registry picture: the daemon's store on the left, the
 * registry on the right, one block per layer (top layer first). A layer that
 * crossed travels from the side that had it to the other; one already there
 * stays put on both sides; a mounted one appears on the registry side linked
 * from the repository it came from. And the VM-versus-container bars.
 */
import type { Transfer } from '../engine/distribution/transfer';

export interface Block {
  digest: string;
  size: number;
  fate: 'moved' | 'present' | 'mounted';
  from?: string;
  y: number;
  /** Where it starts and where it ends (the same for a layer that did not travel). */
  fromX: number;
  toX: number;
  /** Also drawn on the side it left (a copy stays where it was). */
  stays: boolean;
}

export const BLOCK_W = 120;
const ROW = 26;

export function transferLayout(
  tr: Transfer,
  width = 480,
): { blocks: Block[]; leftX: number; rightX: number; width: number; height: number } {
  const leftX = 4;
  const rightX = width - BLOCK_W - 4;
  const push = tr.direction === 'push';
  const blocks = [...tr.layers].reverse().map((l, i) => {
    const y = 22 + i * ROW;
    const src = push ? leftX : rightX;
    const dst = push ? rightX : leftX;
    if (l.fate === 'moved') return { ...l, y, fromX: src, toX: dst, stays: true };
    // Already there: a block on each side, nothing travels. Mounted: only the registry's side gains it.
    if (l.fate === 'mounted') return { ...l, y, fromX: rightX, toX: rightX, stays: false };
    return { ...l, y, fromX: dst, toX: dst, stays: true };
  });
  return { blocks, leftX, rightX, width, height: 22 + blocks.length * ROW + 4 };
}

/** Two figures as bars on one linear scale (each at least 2 px, so a tiny one still shows). */
export function compareBars(a: number | null, b: number | null, width: number): [number, number] {
  const top = Math.max(a ?? 0, b ?? 0);
  const w = (v: number | null) => (v === null || top <= 0 ? 0 : Math.max(2, (v / top) * width));
  return [w(a), w(b)];
}
