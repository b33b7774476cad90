/**
 * A test double of the Guest for unit tests of the engine's own logic (names,
 * states, rmi chains, wait after --rm, network settings): it records every
 * program and script the engine sends, answers from a table, and plays the
 * part of `vmctr run` for a container's start, so a container "runs" until
 * the test (or a `kill`) ends it. It does not pretend to be a kernel: nothing
 * here is a figure any user sees.
 */
import type { Guest, GuestExecOptions, GuestExecResult, GuestProcess } from '../guest';

export interface FakeCall {
  argv: readonly string[];
  /** The script, when the program is /bin/sh -c. */
  script: string | null;
  stdin?: Uint8Array | string;
}

type Answer = { stdout?: string | Uint8Array; stderr?: string; exitCode?: number };

interface Running {
  pid: number;
  /** With --teardown steps: vmctr reports "torn-down" at its end. */
  tearsDown: boolean;
  onStdout?: (b: Uint8Array) => void;
  finish: (r: GuestExecResult) => void;
}

const enc = new TextEncoder();
const bytes = (v: string | Uint8Array | undefined) => (typeof v === 'string' ? enc.encode(v) : (v ?? new Uint8Array()));

export class FakeGuest implements Guest {
  readonly calls: FakeCall[] = [];
  private readonly rules: { match: (c: FakeCall) => boolean; answer: (c: FakeCall) => Answer | Promise<Answer> }[] = [];
  private readonly running = new Map<number, Running>();
  private nextPid = 1000;
  /** Where the made-up guest clock of the next container's start begins (ms). */
  clockMs = 1_700_000_000_000;

  /** A script or argv matching `pattern` gets `answer`; the rule set last wins. */
  on(pattern: RegExp, answer: Answer | ((c: FakeCall) => Answer | Promise<Answer>)): this {
    this.rules.push({
      match: (c) => pattern.test(c.script ?? c.argv.join(' ')),
      answer: typeof answer === 'function' ? answer : () => answer,
    });
    return this;
  }

  /** Scripts sent so far (the text after /bin/sh -c), optionally only those matching. */
  scripts(pattern?: RegExp): string[] {
    return this.calls.flatMap((c) => (c.script !== null && (!pattern || pattern.test(c.script)) ? [c.script] : []));
  }

  /** Every call so far as one line of text (a script, or the program's argv joined by spaces), optionally only those matching. */
  commands(pattern?: RegExp): string[] {
    return this.calls.map((c) => c.script ?? c.argv.join(' ')).filter((t) => !pattern || pattern.test(t));
  }

  /** Pids of the containers whose first process runs. */
  pids(): number[] {
    return [...this.running.keys()];
  }

  /**
   * The container's first process ends with this status (128 + n for a signal).
   * With `holdTeardown`, vmctr reports the exit but its teardown goes on
   * until the returned function is called.
   */
  exit(pid: number, exitCode: number, opts: { oomKilled?: boolean; holdTeardown?: boolean } = {}): () => void {
    const r = this.running.get(pid);
    if (!r) throw new Error(`no container process ${pid}`);
    this.running.delete(pid);
    r.onStdout?.(enc.encode(`oom_kill ${opts.oomKilled ? 1 : 0}\nexit ${exitCode}\n`));
    const finish = () => {
      if (r.tearsDown) r.onStdout?.(enc.encode('torn-down\n'));
      r.finish({ stdout: new Uint8Array(), stderr: new Uint8Array(), exitCode, signal: 0 });
    };
    if (!opts.holdTeardown) finish();
    return finish;
  }

  exec(argv: readonly string[], opts: GuestExecOptions = {}): Promise<GuestExecResult> {
    return this.run(argv, opts).done;
  }

  spawn(argv: readonly string[], opts: Omit<GuestExecOptions, 'stdin'> = {}): GuestProcess {
    const { done, pid } = this.run(argv, opts);
    return {
      write: () => {},
      closeStdin: () => {},
      kill: (signal = 9) => {
        if (pid !== null && this.running.has(pid)) this.exit(pid, 128 + signal);
      },
      done,
    };
  }

  private run(argv: readonly string[], opts: GuestExecOptions): { done: Promise<GuestExecResult>; pid: number | null } {
    const script = argv[0] === '/bin/sh' && argv[1] === '-c' ? (argv[2] ?? '') : null;
    const call: FakeCall = { argv: [...argv], script, ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}) };
    this.calls.push(call);
    const rule = [...this.rules].reverse().find((r) => r.match(call));
    if (rule) return { done: Promise.resolve(rule.answer(call)).then((a) => result(a, opts)), pid: null };
    if (argv[0] === 'vmctr' && argv[1] === 'run') return this.startContainer(argv, opts);
    const kill = script && /^kill -(\d+) (\d+)$/.exec(script.trim());
    if (kill) {
      const pid = Number(kill[2]);
      // SIGKILL and SIGTERM end a fake container; busybox's sh as pid 1 would ignore TERM, real vmctr reports 143.
      if (this.running.has(pid)) queueMicrotask(() => this.exit(pid, 128 + Number(kill[1])));
    }
    return { done: Promise.resolve(result({}, opts)), pid: null };
  }

  /** As `vmctr run` reports: "ok N" per preparation step, then "pid N"; the end when the test says. */
  private startContainer(argv: readonly string[], opts: GuestExecOptions) {
    const pid = this.nextPid++;
    const steps = argv.flatMap((a, i) => (a === 'ok' && argv[i - 1] === '--do' ? [i] : [])).map((_, n) => n);
    let finish!: (r: GuestExecResult) => void;
    const done = new Promise<GuestExecResult>((resolve) => (finish = resolve));
    const tearsDown = argv.includes('--teardown');
    this.running.set(pid, { pid, tearsDown, ...(opts.onStdout ? { onStdout: opts.onStdout } : {}), finish });
    // A made-up clock: one millisecond per step (these are no measurements; only the arithmetic is tested).
    const at = (ms: number) => (this.clockMs + ms) / 1000;
    const lines = [`begin ${at(0)}`, ...steps.map((i) => `ok ${i} ${at(i + 1)}`), `pid ${pid} ${at(steps.length + 1)}`];
    queueMicrotask(() => opts.onStdout?.(enc.encode(lines.map((l) => `${l}\n`).join(''))));
    return { done, pid };
  }
}

function result(a: Answer, opts: GuestExecOptions): GuestExecResult {
  const stdout = bytes(a.stdout);
  const stderr = bytes(a.stderr);
  if (stdout.length) opts.onStdout?.(stdout);
  if (stderr.length) opts.onStderr?.(stderr);
  return { stdout, stderr, exitCode: a.exitCode ?? 0, signal: 0 };
}
