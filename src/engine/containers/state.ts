/**
 * A container's state and its named transitions, as moby's container/state.go:
 * every change of Status, Running, Paused, Pid, ExitCode and the times goes
 * through one of these, so the fields can never disagree with each other.
 * The checks a verb needs first ("is it running?") live here too.
 */
import { conflict } from '../engineError';
import type { Container, ContainerState } from './container';
import { ZERO_TIME } from './container';

export function createdState(): ContainerState {
  return {
    Status: 'created',
    Running: false,
    Paused: false,
    Pid: 0,
    ExitCode: 0,
    OOMKilled: false,
    StartedAt: ZERO_TIME,
    FinishedAt: ZERO_TIME,
    Error: '',
  };
}

/** Its first process runs, as the guest kernel's pid `pid`. */
export function setRunning(s: ContainerState, pid: number, now = new Date()): void {
  Object.assign(s, {
    Status: 'running',
    Running: true,
    Paused: false,
    Pid: pid,
    ExitCode: 0,
    OOMKilled: false,
    StartedAt: now.toISOString(),
    FinishedAt: ZERO_TIME,
    Error: '',
  } satisfies ContainerState);
}

/** Its first process ended. */
export function setStopped(s: ContainerState, exit: { exitCode: number; oomKilled: boolean }, now = new Date()): void {
  Object.assign(s, {
    Status: 'exited',
    Running: false,
    Paused: false,
    Pid: 0,
    ExitCode: exit.exitCode,
    OOMKilled: exit.oomKilled,
    FinishedAt: now.toISOString(),
  } satisfies Partial<ContainerState>);
}

/** The guest went away under it (a panic, a new machine): no exit status was ever read. */
export function setGuestLost(s: ContainerState, error: string): void {
  Object.assign(s, {
    Status: 'exited',
    Running: false,
    Paused: false,
    Pid: 0,
    ExitCode: 255,
    Error: error,
  } satisfies Partial<ContainerState>);
}

/** The start failed before its process ran: it stays as it was, with the reason. */
export function setStartFailed(s: ContainerState, error: string): void {
  s.Error = error;
}

export function setPaused(s: ContainerState): void {
  s.Paused = true;
  s.Status = 'paused';
}

export function setUnpaused(s: ContainerState): void {
  s.Paused = false;
  s.Status = 'running';
}

/** Being removed: a second removal in the meantime is a no-op. */
export function setRemovalInProgress(s: ContainerState): boolean {
  if (s.Status === 'removing') return false;
  s.Status = 'removing';
  return true;
}

export function requireRunning(c: Container): void {
  if (!c.State.Running) throw conflict(`Container ${c.Id} is not running`);
}

/** Docker refuses exec into a frozen container at once, rather than hanging until it thaws. */
export function requireNotPaused(c: Container): void {
  if (c.State.Paused) throw conflict(`Container ${c.Id} is paused, unpause the container before exec`);
}
