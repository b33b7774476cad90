import type { BootStage } from '../vm/vmHost';
import type { HealthProblem } from '../vm/health';
import type { ApiTraffic } from '../engine/api/routes';

export type { ApiTraffic };

/** What the page learns while the machine comes up, and after. */
export interface VmStatus {
  stage: BootStage;
  /** True when the machine was restored from a saved state instead of booted. */
  restored: boolean;
  /** Where the running machine came from: the user's snapshot, the site's state, or a kernel boot. */
  source: 'saved' | 'shipped' | 'cold' | null;
  /** Milliseconds since boot() was called, per stage reached. */
  timings: Partial<Record<BootStage, number>>;
  problem: HealthProblem | null;
  /** Size of the saved state in the browser's storage, if any. */
  savedStateBytes: number | null;
}

/** A machine that has not started yet. */
export function initialStatus(): VmStatus {
  return { stage: 'loading', restored: false, source: null, timings: {}, problem: null, savedStateBytes: null };
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface BootOptions {
  /** Where the site serves public/vm/ (absolute URL, ending in a slash). */
  vmBaseUrl: string;
  /** Restore the user's own saved snapshot if there is one (default true). */
  useSavedState?: boolean;
}

/**
 * The worker's whole surface, exposed with Comlink. Terminal bytes do not go
 * through it: they use the MessagePort given to attachTerminal().
 */
export interface VmWorkerApi {
  /** Terminal bytes flow over this port both ways (Uint8Array messages). */
  attachTerminal(port: MessagePort): void;
  /** Status changes, including failures found later by the health monitor. */
  onStatus(listener: (s: VmStatus) => void): void;
  /** Each Docker API request the guest's docker CLI makes, as the engine answers it. */
  onApiTraffic(listener: (t: ApiTraffic) => void): void;
  boot(opts: BootOptions): Promise<VmStatus>;
  status(): VmStatus;
  /** Throws the machine away for a clean one (the site's state, or a kernel boot with cold). */
  reset(opts?: { cold?: boolean }): Promise<VmStatus>;
  /** Saves the running machine to the browser's storage; returns its size. */
  saveState(): Promise<number>;
  /** Throws the machine away and restores the one saveState() kept. */
  restoreSavedState(): Promise<VmStatus>;
  /** Forgets the saved state, so the next boot is cold. */
  clearSavedState(): Promise<void>;
  /** Runs a shell script on the control channel. */
  run(script: string, timeoutMs?: number): Promise<RunResult>;
  resize(rows: number, cols: number): void;
}
