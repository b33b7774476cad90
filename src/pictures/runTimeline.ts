/**
 * Layout of the "what docker run did" picture: the last start's plan as a
 * timeline (one row per step, placed at its guest start time, as long as it
 * took), the CLI → API → engine → guest sequence of the same run, and for a
 * clicked step the guest script that reads the state it made, now.
 */
import { shellQuote } from '../engine/runtime/containerPlan';
import type { PlanStepTiming, StartRecord } from './startRecord';

export interface TimelineBar extends PlanStepTiming {
  x: number;
  w: number;
  y: number;
  /** A part of the start outside the guest, by the host's clock: before the script's first line, after its pid. */
  host?: 'before' | 'after';
}

export interface TimelineLayout {
  width: number;
  height: number;
  /** Where the bars' area begins (labels on its left). */
  left: number;
  bars: TimelineBar[];
  ticks: { x: number; ms: number }[];
  /** Every bar's time added up (the guest's steps, and the daemon's parts when known), against the whole start. */
  stepsMs: number;
  guestMs: number;
  totalMs: number;
}

export const ROW = 22;

/** A tick spacing of 1, 2 or 5 × 10ⁿ ms giving at most `count` ticks. */
export function tickStep(spanMs: number, count = 5): number {
  const raw = Math.max(spanMs, 1) / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

export function timelineLayout(r: StartRecord, width = 560, left = 112): TimelineLayout {
  // With the daemon's parts known, the timeline is the whole start: the daemon, the guest's steps, the daemon.
  const before = r.host?.beforeMs ?? 0;
  const after = r.host?.afterMs ?? 0;
  const guestEnd = Math.max(r.guestMs, ...r.steps.map((s) => s.startMs + s.ms));
  const span = Math.max(r.host ? r.totalMs : 0, before + guestEnd + after, 1);
  const area = width - left - 8;
  const scale = area / span;
  const timed: (PlanStepTiming & { host?: 'before' | 'after' })[] = r.host
    ? [
        { index: -1, kind: 'daemon', why: '', detail: '', startMs: 0, ms: before, host: 'before' },
        ...r.steps.map((s) => ({ ...s, startMs: before + s.startMs })),
        {
          index: r.steps.length,
          kind: 'daemon',
          why: '',
          detail: '',
          startMs: before + r.guestMs,
          ms: after,
          host: 'after',
        },
      ]
    : r.steps;
  const bars = timed.map((s, i) => ({
    ...s,
    x: left + s.startMs * scale,
    // Every step stays visible and clickable, however short.
    w: Math.max(3, s.ms * scale),
    y: 4 + i * ROW,
  }));
  const step = tickStep(span);
  const ticks: { x: number; ms: number }[] = [];
  for (let ms = 0; ms <= span + 1e-9; ms += step) ticks.push({ x: left + ms * scale, ms });
  return {
    width,
    height: 4 + timed.length * ROW + 22,
    left,
    bars,
    ticks,
    stepsMs: timed.reduce((n, s) => n + s.ms, 0),
    guestMs: r.guestMs,
    totalMs: r.totalMs,
  };
}

export type Lifeline = 'cli' | 'api' | 'engine' | 'guest';
export const LIFELINES: Lifeline[] = ['cli', 'api', 'engine', 'guest'];

export interface SequenceMessage {
  from: Lifeline;
  to: Lifeline;
  label: string;
  /** An answer (drawn dashed, right to left). */
  reply: boolean;
  y: number;
}

/** A path with its 64-hex container ids cut to twelve characters, as docker prints them. */
export const shortPath = (p: string): string =>
  p.replace(/^\/v[\d.]+/, '').replace(/[0-9a-f]{64}/g, (id) => id.slice(0, 12));

/**
 * The run as messages between the docker CLI in the guest, the API (the
 * socket relay into the engine's router), the engine and the guest's
 * runtime: each API request the CLI made, and inside the start request the
 * plan the engine sent to the guest.
 */
export function sequenceLayout(r: StartRecord, rowHeight = 20): { messages: SequenceMessage[]; height: number } {
  const messages: SequenceMessage[] = [];
  let y = 28;
  const add = (from: Lifeline, to: Lifeline, label: string, reply = false) => {
    messages.push({ from, to, label, reply, y });
    y += rowHeight;
  };
  for (const req of r.api) {
    const path = shortPath(req.path);
    add('cli', 'api', `${req.method} ${path.split('?')[0]}`);
    const verb = /\/containers\/(?:[^/]+\/)?(create|start|wait|attach|kill|stop)\b/.exec(path)?.[1];
    if (verb === 'start') {
      add('api', 'engine', 'start');
      add('engine', 'guest', `plan: ${r.steps.length} steps`);
      add('guest', 'engine', `pid 1 running · ${Math.round(r.guestMs)} ms`, true);
      add('engine', 'api', `${Math.round(r.totalMs)} ms`, true);
    } else if (verb) {
      add('api', 'engine', verb);
      add('engine', 'api', '', true);
    }
    add('api', 'cli', `${req.status} · ${Math.round(req.ms)} ms`, true);
  }
  if (r.api.length === 0) {
    add('api', 'engine', 'start');
    add('engine', 'guest', `plan: ${r.steps.length} steps`);
    add('guest', 'engine', `pid 1 running · ${Math.round(r.guestMs)} ms`, true);
  }
  return { messages, height: y + 4 };
}

const paths = (detail: string) => [...detail.matchAll(/\/[^\s:,=]+/g)].map((m) => m[0]);

/**
 * A guest script that shows what a step made, as the kernel has it now: the
 * mount in /proc/mounts, the cgroup file's value, the directory's entries, the
 * file's start. Null for a step with nothing to look at by path. Prints
 * "(gone)" when the thing no longer exists (the container was removed).
 */
export function stepProbe(step: Pick<PlanStepTiming, 'kind' | 'detail'>): string | null {
  if (step.kind === 'daemon') return null;
  const found = paths(step.detail);
  if (step.kind === 'mountOverlay') {
    const target = found.find((p) => p.endsWith('/merged')) ?? found[0];
    return target ? `grep -F -- ${shellQuote(` ${target} `)} /proc/mounts || echo '(gone)'` : null;
  }
  if (!['mkdir', 'initLayer', 'cgroupCreate', 'cgroupWrite', 'writeFile', 'chown'].includes(step.kind)) return null;
  const p = found[0];
  if (!p) return null;
  const q = shellQuote(p);
  return `if [ -d ${q} ]; then ls -la ${q} | head -n 20; elif [ -f ${q} ]; then head -c 1200 ${q}; else echo '(gone)'; fi`;
}
