/**
 * Geometry of the CgroupMeters picture: a half-circle gauge whose scale
 * leaves room for the limit (drawn as a line across the arc) and for the
 * goal's expected limit; pids as slots that fill, one per process, when the
 * limit is small enough to count; CPU against its quota, with throttling
 * counted since the last reading. Pure numbers; the component draws them.
 */
export interface Gauge {
  /** The scale's top, in the gauge's unit. */
  scale: number;
  /** 0–1 along the arc. */
  value: number;
  limit: number | null;
  goal: number | null;
  /** The value is at (or past) the limit. */
  full: boolean;
  /**
   * No limit, no goal and no natural ceiling: nothing to measure the value
   * against, so the arc stays empty rather than show a share made up here.
   */
  unbounded: boolean;
}

/** A round number at or above x: 1, 2 or 5 × 10ⁿ, or a power of two for byte counts. */
export function niceCeil(x: number, bytes = false): number {
  if (x <= 0) return 1;
  if (bytes) return 2 ** Math.ceil(Math.log2(x));
  const p = 10 ** Math.floor(Math.log10(x));
  return ([1, 2, 5, 10].map((m) => m * p).find((v) => v >= x) ?? 10 * p) as number;
}

/**
 * The limit sits at 80 % of the arc, so a value pressing against it is seen
 * reaching the line. With no limit, `ceiling` is the machine's own bound
 * (100 % of its one CPU); without one either, the gauge is unbounded.
 */
export function gauge(
  value: number,
  limit: number | null,
  goal: number | null = null,
  bytes = false,
  ceiling: number | null = null,
): Gauge {
  const top = Math.max(limit ?? 0, goal ?? 0);
  const unbounded = top <= 0 && !ceiling;
  const scale = top > 0 ? top * 1.25 : (ceiling ?? niceCeil(Math.max(value * 1.5, 1), bytes));
  const frac = (v: number) => Math.min(1, Math.max(0, v / scale));
  return {
    scale,
    value: unbounded ? 0 : frac(value),
    limit: limit === null ? null : frac(limit),
    goal: goal === null ? null : frac(goal),
    full: limit !== null && value >= limit * 0.98,
    unbounded,
  };
}

/** A point on a half-circle from the left (0) over the top to the right (1). */
export function arcPoint(cx: number, cy: number, r: number, frac: number): { x: number; y: number } {
  const a = Math.PI * (1 - frac);
  return { x: cx + r * Math.cos(a), y: cy - r * Math.sin(a) };
}

/** The SVG path of the arc from `from` to `to` (fractions). */
export function arcPath(cx: number, cy: number, r: number, from: number, to: number): string {
  const a = arcPoint(cx, cy, r, from);
  const b = arcPoint(cx, cy, r, Math.max(from, to));
  return `M${a.x.toFixed(2)},${a.y.toFixed(2)} A${r},${r} 0 0 1 ${b.x.toFixed(2)},${b.y.toFixed(2)}`;
}

/** A radial tick across the arc at `frac`, from inside to outside the band. */
export function arcTick(cx: number, cy: number, r: number, frac: number, band: number) {
  const i = arcPoint(cx, cy, r - band, frac);
  const o = arcPoint(cx, cy, r + band, frac);
  return { x1: i.x, y1: i.y, x2: o.x, y2: o.y };
}

export interface Slots {
  /** How many slots are drawn: the limit, or the goal's if larger. */
  count: number;
  filled: number;
  /** Slots beyond the real limit that only the goal has (drawn dashed). */
  goalOnly: number;
  columns: number;
}

/** pids.max as slots, one a process: only for a limit small enough to count (else null: a gauge). */
export function pidSlots(current: number, max: number | null, goal: number | null = null): Slots | null {
  const top = Math.max(max ?? 0, goal ?? 0);
  if (!top || top > 64) return null;
  const count = top;
  return {
    count,
    filled: Math.min(current, count),
    goalOnly: goal !== null && max !== null && goal > max ? goal - max : 0,
    columns: Math.min(count, 16),
  };
}

/** cpu.max as a share of one CPU (percent); null when there is no quota. */
export function quotaPercent(quotaUsec: number | null, periodUsec: number): number | null {
  return quotaUsec === null || periodUsec <= 0 ? null : (quotaUsec / periodUsec) * 100;
}

/** A goal's cgroup value as the meter's unit: bytes, processes, or percent of a CPU for "quota period". */
export function goalValue(file: string, value: string): number | null {
  const v = value.trim();
  if (v === 'max') return null;
  if (file === 'cpu.max') {
    const [q, p] = v.split(/\s+/).map(Number);
    return q !== undefined && Number.isFinite(q) ? quotaPercent(q, p || 100_000) : null;
  }
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
