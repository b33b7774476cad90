/** The last container start's plan with guest timings: the engine's record (interfaces.md §1), as the pictures draw it. */
export type { PlanStepTiming, StartRecord } from '../engine/runtime/startRecord';
