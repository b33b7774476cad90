/**
 * The start-up timeline: `performance` marks set by the page and by the
 * worker, each in its own clock (a worker has its own time origin), brought
 * onto one line by their absolute times. `npm run bench` prints it per phase.
 */

/** A mark with its absolute time (ms since the epoch, sub-millisecond). */
export interface TimelineMark {
  name: string;
  at: number;
}

const PREFIX = 'boot:';

/** Sets a mark in this thread's performance timeline. */
export function bootMark(name: string): void {
  performance.mark(PREFIX + name);
}

/** This thread's boot marks, oldest first, on the absolute clock. */
export function bootMarks(): TimelineMark[] {
  return performance
    .getEntriesByType('mark')
    .filter((e) => e.name.startsWith(PREFIX))
    .map((e) => ({ name: e.name.slice(PREFIX.length), at: performance.timeOrigin + e.startTime }));
}

/** One phase of the start: from the previous mark that was reached to this one. */
export interface TimelinePhase {
  phase: string;
  /** Milliseconds since the navigation began. */
  at: number;
  ms: number;
}

/** The marks, what each one means, in the order a restore usually reaches them. */
export const PHASES: readonly [mark: string, phase: string][] = [
  ['html', 'HTML received'],
  ['page-main', 'main chunk running'],
  ['worker-script', 'worker script running'],
  ['wasm-compiled', 'v86 wasm compiled'],
  ['state-fetched', 'state fetched'],
  ['state-decompressed', 'state decompressed'],
  ['emulator-ready', 'emulator ready'],
  ['restored', 'state restored'],
  ['console-prompt', 'kernel booted to the prompt'],
  ['console-answers', 'console answers'],
  ['agent-answers', 'agent answers'],
  ['prompt-drawn', 'prompt drawn'],
  ['first-command', 'first command entered'],
];

/**
 * Orders marks (ms since the navigation began) by time; each phase lasts
 * from the mark before it. Phases run in parallel in part (the wasm compiles
 * while the state downloads), so a phase's `ms` is what it added to the wait.
 */
export function phases(marks: Record<string, number>): TimelinePhase[] {
  const known = new Map(PHASES);
  const present = Object.entries(marks)
    .filter(([m]) => known.has(m))
    .sort((a, b) => a[1] - b[1]);
  let last = 0;
  return present.map(([m, at]) => {
    const p = { phase: known.get(m)!, at: Math.round(at), ms: Math.round(at - last) };
    last = at;
    return p;
  });
}
