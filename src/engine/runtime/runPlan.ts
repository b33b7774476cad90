import type { Guest, GuestExecResult, GuestProcess } from '../guest';
import { stepItems, type Step } from './containerPlan';
import type { GuestStamps } from './startRecord';

export interface StartedContainer {
  /** The container's first process, as the host (the guest kernel's root pid namespace) numbers it. */
  pid: number;
  /**
   * Resolves when the container's first process ends: its exit status, whether the OOM killer struck,
   * whether `teardown` runs (it goes on in the guest after this resolves).
   */
  exited: Promise<{ exitCode: number; oomKilled: boolean; tornDown: boolean }>;
  /** The guest's clock at vmctr's beginning and at each step's end (the start step's: its pid reported). */
  stamps: GuestStamps;
  /** The host's clock (performance.now()) when vmctr's first line and the pid line reached it. */
  arrived: { begin: number; pid: number };
  /** With --tty or --stdin: the first process's input (keystrokes with a terminal). */
  input?: Pick<GuestProcess, 'write' | 'closeStdin'>;
}

export class PlanStepError extends Error {
  constructor(
    readonly step: Step,
    readonly index: number,
    readonly detail: string,
  ) {
    super(`step ${index + 1} (${step.kind}: ${step.why}) failed: ${detail}`);
    this.name = 'PlanStepError';
  }
}

const decoder = new TextDecoder();

/** One line of the container's output as vmctr reports it (Docker's json-file entry). */
export interface OutputLine {
  log: string;
  stream: 'stdout' | 'stderr';
  time: string;
}

/**
 * Carries out a container plan in the guest in one process, one round trip:
 * vmctr does the preparation steps (each reported "ok N TIME"), starts the
 * container and stays as long as it runs, then does `after` (what the run
 * needed, such as its network, undone), reports the exit, and (for --rm)
 * does `teardown`. `before` undoes an earlier run (a restart). Each is a
 * list of vmctr's steps (vm-image/guest/steps.c); vmctr's status is the
 * container's.
 */
export async function runPlan(
  guest: Guest,
  steps: readonly Step[],
  onOutput?: (line: OutputLine) => void,
  /** `tag`: names the run on the channel, so a restored machine's engine can adopt it (adoptRun). */
  opts: { before?: readonly string[]; after?: readonly string[]; teardown?: readonly string[]; tag?: string } = {},
): Promise<StartedContainer> {
  const start = steps.at(-1);
  if (!start || start.kind !== 'start') throw new Error('a plan ends with its start step');
  if (start.argv[0] !== 'vmctr' || start.argv[1] !== 'run')
    throw new Error('a plan starts its container with vmctr run');
  const prep = steps.slice(0, -1) as Exclude<Step, { kind: 'start' }>[];
  const flag = (name: string, items: readonly string[] = []) => items.flatMap((item) => [name, item]);
  const argv = [
    'vmctr',
    'run',
    ...flag('--before', opts.before),
    // "ok" after each step tells which one failed, if one does, and when it ended by the guest's clock.
    ...flag(
      '--do',
      prep.flatMap((s) => [...stepItems(s), 'ok']),
    ),
    ...flag('--after', opts.after),
    ...flag('--teardown', opts.teardown),
    ...start.argv.slice(2),
  ];
  let okSteps = 0;
  // Guest clock readings (ms): vmctr stamps its beginning, each step's end and the pid.
  const stamps: GuestStamps = { begin: NaN, ends: [] };
  const arrived = { begin: NaN, pid: NaN };
  const guestMs = (s: string | undefined) => (s ? Number(s) * 1000 : NaN);
  let resolveExit!: (e: Awaited<StartedContainer['exited']>) => void;
  const reported = new Promise<Awaited<StartedContainer['exited']>>((r) => (resolveExit = r));
  const after = { oomKilled: false, tornDown: false };

  // vmctr's stdout: "begin T", "ok N T" per step, "pid N T", then one json-file line per line of container output.
  let pidSeen = false;
  let resolvePid!: (pid: number) => void;
  const pid = new Promise<number>((resolve) => (resolvePid = resolve));
  const interactive = start.argv.includes('--tty') || start.argv.includes('--stdin');
  const onStdout = byLine((line) => {
    if (!pidSeen) {
      const now = performance.now();
      const m = /^pid (\d+) ([\d.]+)$/.exec(line);
      const ok = /^ok \d+ ([\d.]+)$/.exec(line);
      if (m) {
        pidSeen = true;
        arrived.pid = now;
        stamps.ends.push(guestMs(m[2]));
        resolvePid(Number(m[1]));
      } else if (ok) {
        okSteps++;
        stamps.ends.push(guestMs(ok[1]));
      } else if (line.startsWith('begin ')) {
        stamps.begin = guestMs(line.slice(6));
        arrived.begin = now;
      }
    } else afterStart(line, after, !!opts.teardown, resolveExit, onOutput);
  });
  let run: Promise<GuestExecResult>;
  let input: StartedContainer['input'];
  const tag = opts.tag ? { tag: opts.tag } : {};
  if (interactive) {
    const p = guest.spawn(argv, { onStdout, ...tag });
    run = p.done;
    input = { write: (d) => p.write(d), closeStdin: () => p.closeStdin() };
  } else run = guest.exec(argv, { onStdout, ...tag });
  // The "exit" line, or (if vmctr ended without one) its own end.
  const exited = Promise.race([reported, run.then((res) => ({ exitCode: res.exitCode, ...after }))]);
  // vmctr ending before it printed the pid: a step failed, or the container never started.
  const failedToStart = run.then((res) => {
    if (pidSeen) return new Promise<never>(() => {});
    const detail = decoder.decode(res.stderr).trim() || `exit status ${res.exitCode}`;
    if (okSteps < prep.length) return Promise.reject(new PlanStepError(prep[okSteps]!, okSteps, detail));
    return Promise.reject(new PlanStepError(start, steps.length - 1, detail));
  });
  return { pid: await Promise.race([pid, failedToStart]), exited, stamps, arrived, ...(input ? { input } : {}) };
}

/** A stdout handler that calls `onLine` with each whole line (UTF-8 decoded across chunks, without its newline). */
function byLine(onLine: (line: string) => void): (chunk: Uint8Array) => void {
  const decoder = new TextDecoder();
  let pending = '';
  return (chunk) => {
    pending += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      onLine(line);
    }
  };
}

/** A line of vmctr run's stdout once the container runs: its output, the OOM count, its exit, its teardown. */
function afterStart(
  line: string,
  state: { oomKilled: boolean; tornDown: boolean },
  tearsDown: boolean,
  onExit: (e: Awaited<StartedContainer['exited']>) => void,
  onOutput?: (line: OutputLine) => void,
): void {
  if (line.startsWith('oom_kill ')) state.oomKilled = Number(line.slice(9)) > 0;
  else if (/^exit \d+$/.test(line))
    onExit({ exitCode: Number(line.slice(5)), oomKilled: state.oomKilled, tornDown: tearsDown });
  else if (line === 'torn-down') state.tornDown = true;
  else if (onOutput && line.startsWith('{')) {
    try {
      onOutput(JSON.parse(line) as OutputLine);
    } catch {
      // a line vmctr did not finish writing: the log file still has it
    }
  }
}

/** The tag of a container's run on the guest channel (see Guest.adopt). */
export const runTag = (containerId: string) => `run:${containerId}`;

/** A container's run taken over from a saved machine (see Guest.adopt): what runPlan returned for it, less the pid. */
export interface AdoptedRun {
  exited: StartedContainer['exited'];
  input: NonNullable<StartedContainer['input']>;
}

/**
 * Adopts the run of a container that was running when the machine was saved
 * (tagged runTag(id) by runPlan): its output and exit reach the restored
 * engine as they reached the old one. Null if the guest has no such run.
 */
export function adoptRun(
  guest: Guest,
  tag: string,
  opts: { tearsDown: boolean; onOutput?: (line: OutputLine) => void },
): AdoptedRun | null {
  const state = { oomKilled: false, tornDown: false };
  let resolveExit!: (e: Awaited<StartedContainer['exited']>) => void;
  const reported = new Promise<Awaited<StartedContainer['exited']>>((r) => (resolveExit = r));
  const p = guest.adopt?.(tag, {
    onStdout: byLine((line) => afterStart(line, state, opts.tearsDown, resolveExit, opts.onOutput)),
  });
  if (!p) return null;
  return {
    exited: Promise.race([reported, p.done.then((res) => ({ exitCode: res.exitCode, ...state }))]),
    input: { write: (d) => p.write(d), closeStdin: () => p.closeStdin() },
  };
}
