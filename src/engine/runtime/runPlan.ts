import { execScript, spawnScript, type Guest, type GuestExecResult, type GuestProcess } from '../guest';
import { joinScripts, sh, type Script } from '../shell';
import { stepCommand, type Step } from './containerPlan';

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
  /** `tag`: names the run on the channel, so a restored machine's engine can adopt it (adoptRun). */
  opts: { before?: Script; after?: Script; teardown?: Script; tag?: string } = {},
): Promise<StartedContainer> {
  const start = steps.at(-1);
  if (!start || start.kind !== 'start') throw new Error('a plan ends with its start step');
  const prep = steps.slice(0, -1) as Exclude<Step, { kind: 'start' }>[];
  // "ok N" after each step tells which one failed, if one does.
  const quietly = (part: Script) => sh`{
${part}
} >/dev/null 2>&1`;
  const script = joinScripts([
    opts.before && quietly(opts.before),
    sh`set -e`,
    ...prep.map(
      (s, i) => sh`${stepCommand(s)}
echo ok ${i}`,
    ),
    sh`set +e`,
    sh`${start.argv}`,
    sh`status=$?`,
    opts.after && quietly(opts.after),
    opts.teardown &&
      sh`${quietly(opts.teardown)}
echo torn-down`,
    sh`exit $status`,
  ]);
  const out = containerOutput(onOutput);
  let run: Promise<GuestExecResult>;
  let input: StartedContainer['input'];
  const tag = opts.tag ? { tag: opts.tag } : {};
  if (interactive(start.argv)) {
    const p = spawnScript(guest, script, { onStdout: out.onStdout, ...tag });
    run = p.done;
    input = { write: (d) => p.write(d), closeStdin: () => p.closeStdin() };
  } else run = execScript(guest, script, { onStdout: out.onStdout, ...tag });
  const exited = run.then((res) => ({ exitCode: res.exitCode, oomKilled: out.oomKilled, tornDown: out.tornDown }));
  // The script ending before vmctr printed the pid: a step failed, or the container never started.
  const failedToStart = run.then((res) => {
    if (out.pidSeen) return new Promise<never>(() => {});
    const detail = decoder.decode(res.stderr).trim() || `exit status ${res.exitCode}`;
    if (out.okSteps < prep.length) return Promise.reject(new PlanStepError(prep[out.okSteps]!, out.okSteps, detail));
    return Promise.reject(new PlanStepError(start, steps.length - 1, detail));
  });
  return { pid: await Promise.race([out.pid, failedToStart]), exited, ...(input ? { input } : {}) };
}

/** The tag of a container's run on the guest channel (see Guest.adopt). */
export const runTag = (containerId: string) => `run:${containerId}`;

const interactive = (startArgv: readonly string[]) => startArgv.includes('--tty') || startArgv.includes('--stdin');

/**
 * Reads the run script's stdout: "ok N" per preparation step, vmctr's
 * "pid N", then one json-file line per line of container output, and at the
 * end "oom_kill N" and (with --rm) "torn-down".
 */
function containerOutput(onOutput?: (line: OutputLine) => void, afterPid = false) {
  let stdout = '';
  let resolvePid!: (pid: number) => void;
  const lineDecoder = new TextDecoder();
  const state = {
    okSteps: 0,
    pidSeen: afterPid,
    oomKilled: false,
    tornDown: false,
    pid: new Promise<number>((resolve) => (resolvePid = resolve)),
    onStdout: (chunk: Uint8Array) => {
      stdout += lineDecoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = stdout.indexOf('\n')) >= 0) {
        const line = stdout.slice(0, nl);
        stdout = stdout.slice(nl + 1);
        if (!state.pidSeen) {
          const m = /^pid (\d+)$/.exec(line);
          if (m) {
            state.pidSeen = true;
            resolvePid(Number(m[1]));
          } else if (/^ok \d+$/.test(line)) state.okSteps++;
        } else if (line.startsWith('oom_kill ')) state.oomKilled = Number(line.slice(9)) > 0;
        else if (line === 'torn-down') state.tornDown = true;
        else if (onOutput && line.startsWith('{')) {
          try {
            onOutput(JSON.parse(line) as OutputLine);
          } catch {
            // a line vmctr did not finish writing: the log file still has it
          }
        }
      }
    },
  };
  return state;
}

/** A container's run taken over from a saved machine (see Guest.adopt): what runPlan returned for it, minus the pid. */
export interface AdoptedRun {
  exited: StartedContainer['exited'];
  input: NonNullable<StartedContainer['input']>;
}

/**
 * Adopts the run of a container that was running when the machine was saved
 * (tagged runTag(id) by runPlan): its output and exit reach the restored
 * engine as they reached the old one. Null if the guest has no such run.
 */
export function adoptRun(guest: Guest, tag: string, onOutput?: (line: OutputLine) => void): AdoptedRun | null {
  const out = containerOutput(onOutput, true);
  const p = guest.adopt?.(tag, { onStdout: out.onStdout });
  if (!p) return null;
  return {
    exited: p.done.then((res) => ({ exitCode: res.exitCode, oomKilled: out.oomKilled, tornDown: out.tornDown })),
    input: { write: (d) => p.write(d), closeStdin: () => p.closeStdin() },
  };
}
