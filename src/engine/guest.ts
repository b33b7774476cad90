/**
 * What the engine needs from the machine it drives: run a program in the guest
 * and get its output and exit status. The worker and the Node lab implement it
 * over the v86 control channel; unit tests implement it with a test double.
 */
import type { Script } from './shell';

export interface GuestExecOptions {
  stdin?: Uint8Array | string;
  onStdout?: (chunk: Uint8Array) => void;
  onStderr?: (chunk: Uint8Array) => void;
  timeoutMs?: number;
  /**
   * Names a long-lived request (a container's run) so that a machine restored
   * from a snapshot can adopt it again (see Guest.adopt).
   */
  tag?: string;
}

export interface GuestExecResult {
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** Exit code; 128 + signal when a signal ended the process. */
  exitCode: number;
  signal: number;
}

/** A running program whose stdin stays open (for a terminal session). */
export interface GuestProcess {
  write(data: Uint8Array): void;
  closeStdin(): void;
  kill(signal?: number): void;
  done: Promise<GuestExecResult>;
}

export interface Guest {
  exec(argv: readonly string[], opts?: GuestExecOptions): Promise<GuestExecResult>;
  spawn(argv: readonly string[], opts?: Omit<GuestExecOptions, 'stdin'>): GuestProcess;
  /**
   * A restored machine only: the request with this tag that the guest was
   * running when the machine was saved, from now on reporting to `opts`;
   * null if there is none.
   */
  adopt?(tag: string, opts?: Omit<GuestExecOptions, 'stdin' | 'tag'>): GuestProcess | null;
}

const decoder = new TextDecoder();

export type ScriptResult = GuestExecResult & { out: string; err: string };

/** Runs a script made by the quoting helper (shell.ts) in the guest and returns its text output. */
export function runScript(guest: Guest, script: Script, opts?: GuestExecOptions): Promise<ScriptResult> {
  return runShellText(guest, script.text, opts);
}

/** Starts a script whose stdin stays open (a container with a terminal or -i). */
export function spawnScript(guest: Guest, script: Script, opts?: Omit<GuestExecOptions, 'stdin'>): GuestProcess {
  return guest.spawn(['/bin/sh', '-c', script.text], opts);
}

/** Runs a script with these bytes on its stdin, or streaming its output, and returns the raw result. */
export function execScript(guest: Guest, script: Script, opts?: GuestExecOptions): Promise<GuestExecResult> {
  return guest.exec(['/bin/sh', '-c', script.text], opts);
}

/**
 * Runs shell text that arrives whole from elsewhere (a lesson's own check,
 * the lab's `sh` command): nothing is interpolated into it here. Scripts
 * the engine builds go through runScript.
 */
export function sh(guest: Guest, script: string, opts?: GuestExecOptions): Promise<ScriptResult> {
  return runShellText(guest, script, opts);
}

async function runShellText(guest: Guest, text: string, opts?: GuestExecOptions): Promise<ScriptResult> {
  const r = await guest.exec(['/bin/sh', '-c', text], opts);
  return { ...r, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
}
