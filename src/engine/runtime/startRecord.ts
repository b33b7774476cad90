/**
 * The last container start's plan with the time each step took in the guest:
 * what the pictures draw and `npm run lab -- docker-run-plan` prints. Times
 * are the guest's own clock: vmctr, which carries out the steps, stamps its
 * beginning, each step's end and the container's pid (CLOCK_REALTIME).
 */
import { quote } from '../shell';
import type { Step } from './containerPlan';

export interface PlanStepTiming {
  index: number;
  /** The Step kind: mkdir, initLayer, mountOverlay, cgroupCreate, cgroupWrite, writeFile, network, start, … */
  kind: string;
  /** The step's reason, as in the plan. */
  why: string;
  /** What was made: the path, the mount line, the cgroup file and value, the argv … */
  detail: string;
  /** Offset from the start of the guest-side run, measured in the guest. */
  startMs: number;
  /** How long the step took in the guest. */
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
  /**
   * The two parts of totalMs outside the guest's run, by the host's clock: from the request to the
   * script's first line arriving (the plan made, the script sent), and from the pid line arriving to the
   * answer. With guestMs they add up to totalMs but for the channel's jitter, which is why they are drawn.
   */
  host?: { beforeMs: number; afterMs: number };
  /** The CLI's requests of this `docker run` (create, attach, start, wait …) when known. */
  api: { method: string; path: string; status: number; ms: number }[];
}

/** Guest clock readings of one start, in ms: vmctr's beginning, each step's end, the first process's start. */
export interface GuestStamps {
  begin: number;
  /** One per step, the start step last (when the runtime reported its pid). */
  ends: number[];
}

/** What a step made, in a line a person reads. */
export function stepDetail(step: Step): string {
  switch (step.kind) {
    case 'mkdir':
    case 'cgroupCreate':
    case 'writeFile':
      return step.path;
    case 'initLayer':
      return `${step.path} (${[...step.dirs, ...step.files].join(' ')})`;
    case 'chown':
      return `${step.owner} ${step.paths.join(' ')}`;
    case 'mountOverlay':
      return `overlay on ${step.target} lowerdir=${step.lower.join(':')},upperdir=${step.upper},workdir=${step.work}`;
    case 'cgroupWrite':
      return `${step.path}/${step.file} = ${step.value}`;
    case 'network':
      // What vmctr does in its own process, as the vmnet command that does the same.
      return [
        `vmnet up ${step.netns} --create${step.endpoints.map((e) => ` --endpoint ${e}`).join('')}`,
        ...(step.proxies ? [step.proxies] : []),
      ].join('\n');
    case 'start':
      return step.argv.map(quote).join(' ');
  }
}

/** The plan's steps with their guest times (`ends` holds one reading per step). */
export function timedSteps(plan: readonly Step[], stamps: GuestStamps): PlanStepTiming[] {
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  let prev = stamps.begin;
  return plan.map((step, index) => {
    const end = stamps.ends[index] ?? prev;
    const t = {
      index,
      kind: step.kind,
      why: step.why,
      detail: stepDetail(step),
      startMs: round(prev - stamps.begin),
      ms: round(end - prev),
    };
    prev = end;
    return t;
  });
}
