/**
 * A lesson proved on the machine, as `npm run lab -- lesson check` and the
 * tests do it: the start commands, then for each exercise the wrong attempt
 * (its check must fail, and say why) and the solution (its check must pass).
 */
import type { Engine } from '../engine/engine';
import { sh } from '../engine/guest';
import { evaluate, type Check, type CheckResult, type Failure } from './checks';
import type { Lesson } from './lessonBundle';

export interface ExerciseReport {
  id: string;
  /** What the check said after the wrong attempt (it must have failed). */
  attempt?: { failed: boolean; said: string[] };
  solved: boolean;
  said: string[];
}

/** Runs guest commands one by one; unless `anyStatus`, stops at the first that fails. */
async function runAll(engine: Engine, commands: readonly string[], anyStatus = false): Promise<string | null> {
  for (const c of commands) {
    const r = await sh(engine.guest, c, { timeoutMs: 60_000 });
    if (r.exitCode !== 0 && !anyStatus) {
      return `\`${c}\` exited with ${r.exitCode}: ${(r.err || r.out).trim().slice(0, 300)}`;
    }
  }
  return null;
}

/** A check on the machine now; the events it may look at are those since `sinceMs` (the exercise's start). */
export function evaluateSince(engine: Engine, check: Check, sinceMs: number): Promise<CheckResult> {
  return evaluate(check, { engine, events: engine.events.recent.filter((e) => e.timeNano / 1e6 >= sinceMs) });
}

export async function checkExercise(engine: Engine, lesson: Lesson, id: string, sinceMs: number): Promise<CheckResult> {
  const ex = lesson.definition.exercises.find((e) => e.id === id);
  if (!ex) throw new Error(`no exercise ${id} in ${lesson.definition.id}`);
  return evaluateSince(engine, ex.check, sinceMs);
}

export async function runLesson(
  engine: Engine,
  lesson: Lesson,
  say: (f: Failure) => string,
  onReport?: (r: ExerciseReport) => void,
): Promise<ExerciseReport[]> {
  const started = await runAll(engine, lesson.definition.start ?? []);
  if (started) throw new Error(`the lesson's start commands failed: ${started}`);
  const reports: ExerciseReport[] = [];
  for (const ex of lesson.definition.exercises) {
    const since = Date.now();
    const report: ExerciseReport = { id: ex.id, solved: false, said: [] };
    if (ex.attempt) {
      // A wrong attempt may well fail itself; what matters is what the check says after it.
      await runAll(engine, ex.attempt, true);
      const r = await checkExercise(engine, lesson, ex.id, since);
      report.attempt = { failed: !r.ok, said: r.failures.map(say) };
    }
    const err = await runAll(engine, ex.solution);
    const r = err ? null : await checkExercise(engine, lesson, ex.id, since);
    report.solved = !!r?.ok;
    report.said = err ? [err] : (r?.failures ?? []).map(say);
    reports.push(report);
    onReport?.(report);
  }
  return reports;
}
