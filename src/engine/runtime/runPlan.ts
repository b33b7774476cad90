import type { Guest, GuestExecResult, GuestProcess } from '../guest';
import type { Script } from '../shell';
import { shellQuote, stepCommand, type Step } from './containerPlan';

export interface StartedContainer {
  /** The container's first process, as the host (the guest kernel's root pid namespace) numbers it. */
  pid: number;
  /** Resolves when the container's first process ends: its exit status, whether the OOM killer struck, whether `teardown` ran. */
  exited: Promise<{ exitCode: number; oomKilled: boolean; tornDown: boolean }>;
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
 * Carries out a container plan in the guest as one shell script, one round
 * trip: the preparation steps, then the start step, which stays running as
 * long as the container does, then `after` (what the run needed, such as
 * its network, undone) and (for --rm) `teardown`. `before` undoes an
 * earlier run (a restart). The script's status is the container's.
 */
export async function runPlan(
  guest: Guest,
  steps: readonly Step[],
  onOutput?: (line: OutputLine) => void,
  opts: { before?: Script; after?: Script; teardown?: Script } = {},
): Promise<StartedContainer> {
  const start = steps.at(-1);
  if (!start || start.kind !== 'start') throw new Error('a plan ends with its start step');
  const prep = steps.slice(0, -1) as Exclude<Step, { kind: 'start' }>[];
  // "ok N" after each step tells which one failed, if one does.
  const script = [
    ...(opts.before ? [`{\n${opts.before.text}\n} >/dev/null 2>&1`] : []),
    'set -e',
    ...prep.map((s, i) => `${stepCommand(s)}\necho ok ${i}`),
    'set +e',
    start.argv.map(shellQuote).join(' '),
    'status=$?',
    ...(opts.after ? [`{\n${opts.after.text}\n} >/dev/null 2>&1`] : []),
    ...(opts.teardown ? [`{\n${opts.teardown.text}\n} >/dev/null 2>&1`, 'echo torn-down'] : []),
    'exit $status',
  ].join('\n');
  let okSteps = 0;
  let oomKilled = false;
  let tornDown = false;

  // vmctr's stdout: "pid N", then one json-file line per line of container output.
  let stdout = '';
  let pidSeen = false;
  let resolvePid!: (pid: number) => void;
  const pid = new Promise<number>((resolve) => (resolvePid = resolve));
  const lineDecoder = new TextDecoder();
  const interactive = start.argv.includes('--tty') || start.argv.includes('--stdin');
  const onStdout = (chunk: Uint8Array) => {
    stdout += lineDecoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = stdout.indexOf('\n')) >= 0) {
      const line = stdout.slice(0, nl);
      stdout = stdout.slice(nl + 1);
      if (!pidSeen) {
        const m = /^pid (\d+)$/.exec(line);
        if (m) {
          pidSeen = true;
          resolvePid(Number(m[1]));
        } else if (/^ok \d+$/.test(line)) okSteps++;
      } else if (line.startsWith('oom_kill ')) oomKilled = Number(line.slice(9)) > 0;
      else if (line === 'torn-down') tornDown = true;
      else if (onOutput && line.startsWith('{')) {
        try {
          onOutput(JSON.parse(line) as OutputLine);
        } catch {
          // a line vmctr did not finish writing: the log file still has it
        }
      }
    }
  };
  let run: Promise<GuestExecResult>;
  let input: StartedContainer['input'];
  const argv = ['/bin/sh', '-c', script];
  if (interactive) {
    const p = guest.spawn(argv, { onStdout });
    run = p.done;
    input = { write: (d) => p.write(d), closeStdin: () => p.closeStdin() };
  } else run = guest.exec(argv, { onStdout });
  const exited = run.then((res) => ({ exitCode: res.exitCode, oomKilled, tornDown }));
  // The script ending before vmctr printed the pid: a step failed, or the container never started.
  const failedToStart = run.then((res) => {
    if (pidSeen) return new Promise<never>(() => {});
    const detail = decoder.decode(res.stderr).trim() || `exit status ${res.exitCode}`;
    if (okSteps < prep.length) return Promise.reject(new PlanStepError(prep[okSteps]!, okSteps, detail));
    return Promise.reject(new PlanStepError(start, steps.length - 1, detail));
  });
  return { pid: await Promise.race([pid, failedToStart]), exited, ...(input ? { input } : {}) };
}
