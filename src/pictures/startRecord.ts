/**
 * The last container start's plan with the guest's timings, as agreed with
 * the engine (interfaces.md §1; the engine's src/engine/runtime/startRecord.ts).
 * The pictures build against this shape; the engine's own declaration
 * replaces it once it is on main.
 */
export interface PlanStepTiming {
  index: number;
  /** The Step kind: mkdir, initLayer, mountOverlay, cgroupCreate, cgroupWrite, writeFile, network, start, … */
  kind: string;
  why: string;
  /** What was made: the path, the mount line, the cgroup file and value, the argv … */
  detail: string;
  /** Offset from the start of the guest-side run, measured in the guest. */
  startMs: number;
  ms: number;
}

export interface StartRecord {
  containerId: string;
  name: string;
  image: string;
  /** ISO time the start began. */
  at: string;
  steps: PlanStepTiming[];
  /** The whole guest-side run up to the container's first process running. */
  guestMs: number;
  /** The engine's whole start (API request in → answer), ≥ guestMs. */
  totalMs: number;
  /** The CLI's requests of this `docker run` (create, attach, start, wait …) when known. */
  api: { method: string; path: string; status: number; ms: number }[];
}
