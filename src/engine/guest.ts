/**
 * What the engine needs from the machine it drives: run a program in the guest
 * and get its output and exit status. The worker and the Node lab implement it
 * over the v86 control channel; unit tests implement it with a test double.
 */
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

/** Runs a shell script in the guest and returns its text output. */
export async function sh(guest: Guest, script: string, opts?: GuestExecOptions) {
  const r = await guest.exec(['/bin/sh', '-c', script], opts);
  return { ...r, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
}
