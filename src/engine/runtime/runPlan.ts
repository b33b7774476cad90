import type { Guest, GuestExecResult, GuestProcess } from '../guest';
import { stepCommand, type Step } from './containerPlan';

export interface StartedContainer {
  /** The container's first process, as the host (the guest kernel's root pid namespace) numbers it. */
  pid: number;
  /** Resolves with the container's exit status when its first process ends. */
  exited: Promise<{ exitCode: number }>;
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
 * Carries out a container plan in the guest: the preparation steps as one
 * shell script (one round trip), then the start step, which stays running as
 * long as the container does.
 */
export async function runPlan(
  guest: Guest,
  steps: readonly Step[],
  onOutput?: (line: OutputLine) => void,
): Promise<StartedContainer> {
  const start = steps.at(-1);
  if (!start || start.kind !== 'start') throw new Error('a plan ends with its start step');
  const prep = steps.slice(0, -1) as Exclude<Step, { kind: 'start' }>[];
  // "ok N" after each step tells which one failed, if one does.
  const script = ['set -e', ...prep.map((s, i) => `${stepCommand(s)}\necho ok ${i}`)].join('\n');
  const r = await guest.exec(['/bin/sh', '-c', script]);
  if (r.exitCode !== 0) {
    const done = decoder.decode(r.stdout).match(/^ok \d+$/gm)?.length ?? 0;
    throw new PlanStepError(prep[done]!, done, decoder.decode(r.stderr).trim() || `exit status ${r.exitCode}`);
  }

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
        }
      } else if (onOutput && line.startsWith('{')) {
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
  if (interactive) {
    const p = guest.spawn(start.argv, { onStdout });
    run = p.done;
    input = { write: (d) => p.write(d), closeStdin: () => p.closeStdin() };
  } else run = guest.exec(start.argv, { onStdout });
  const exited = run.then((res) => ({ exitCode: res.exitCode }));
  // vmctr ending before it printed the pid means the container never started.
  const failedToStart = run.then((res) =>
    pidSeen
      ? new Promise<never>(() => {})
      : Promise.reject(
          new PlanStepError(
            start,
            steps.length - 1,
            decoder.decode(res.stderr).trim() || `exit status ${res.exitCode}`,
          ),
        ),
  );
  return { pid: await Promise.race([pid, failedToStart]), exited, ...(input ? { input } : {}) };
}
