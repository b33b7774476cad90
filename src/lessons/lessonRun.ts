/**
 * A lesson proved on the machine, as `npm run lab -- lesson check` and the
 * tests do it:
 *  1. click-through: after the lesson's start commands, every command block
 *     of the lesson in order (what clicking Run on each does, with each
 *     step's exercises opened as the player opens them) — then no exercise
 *     may pass but the walkthrough;
 *  2. each exercise in order: after its setup, each wrong attempt (its check
 *     must fail and say why), then after its setup again the solution (its
 *     check must pass);
 *  3. the exercises in reverse order, setup and solution only: each stands alone.
 */
import type { Engine } from '../engine/engine';
import { sh } from '../engine/guest';
import { evaluate, type Check, type CheckResult, type Failure } from './checks';
import type { Exercise, Lesson } from './lessonBundle';

export interface AttemptReport {
  commands: string[];
  /** The check refused it (as it must). */
  failed: boolean;
  said: string[];
}

export interface ExerciseReport {
  id: string;
  attempts: AttemptReport[];
  solved: boolean;
  said: string[];
}

export interface ClickThroughReport {
  /** Exercises a click-through passes that are not the walkthrough: each is a problem. */
  passed: { id: string; step: number }[];
  walkthroughPassed: string[];
}

export interface LessonReport {
  clickThrough: ClickThroughReport;
  exercises: ExerciseReport[];
  /** The solutions again, exercises in reverse order. */
  reverse: ExerciseReport[];
}

export type LessonEvent =
  { kind: 'clickThrough'; report: ClickThroughReport } | { kind: 'exercise'; report: ExerciseReport; reverse: boolean };

/** Runs guest commands one by one; unless `anyStatus`, stops at the first that fails. */
async function runAll(
  engine: Engine,
  commands: readonly string[],
  anyStatus = false,
  timeoutMs = 60_000,
): Promise<string | null> {
  for (const c of commands) {
    const r = await sh(engine.guest, c, { timeoutMs }).catch((e: Error) => ({
      exitCode: -1,
      err: e.message,
      out: '',
    }));
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

/** "Open" an exercise as the player does: its setup; returns when it began (events count from then). */
export async function setUpExercise(engine: Engine, ex: Exercise): Promise<number> {
  const err = await runAll(engine, ex.setup);
  if (err) throw new Error(`the setup of ${ex.id} failed: ${err}`);
  return Date.now();
}

async function clickThrough(engine: Engine, lesson: Lesson): Promise<ClickThroughReport> {
  const text = lesson.text.en;
  const byId = new Map(lesson.definition.exercises.map((e) => [e.id, e]));
  const report: ClickThroughReport = { passed: [], walkthroughPassed: [] };
  const commands = (blocks: typeof text.intro) => blocks.flatMap((b) => (b.kind === 'command' ? [b.code] : []));
  await runAll(engine, commands(text.intro), true, 30_000);
  const opened: { ex: Exercise; since: number }[] = [];
  for (const [i, step] of text.steps.entries()) {
    for (const b of step.blocks) {
      const ex = b.kind === 'exercise' ? byId.get(b.id) : undefined;
      if (ex) opened.push({ ex, since: await setUpExercise(engine, ex) });
    }
    await runAll(engine, commands(step.blocks), true, 30_000);
    // A student could press Check on any exercise opened so far.
    for (const { ex, since } of opened) {
      if (report.passed.some((p) => p.id === ex.id) || report.walkthroughPassed.includes(ex.id)) continue;
      if (!(await evaluateSince(engine, ex.check, since)).ok) continue;
      if (ex.walkthrough) report.walkthroughPassed.push(ex.id);
      else report.passed.push({ id: ex.id, step: i + 1 });
    }
  }
  return report;
}

async function proveExercise(
  engine: Engine,
  ex: Exercise,
  say: (f: Failure) => string,
  withAttempts: boolean,
): Promise<ExerciseReport> {
  const report: ExerciseReport = { id: ex.id, attempts: [], solved: false, said: [] };
  if (withAttempts) {
    for (const attempt of ex.attempts) {
      const since = await setUpExercise(engine, ex);
      // A wrong attempt may well fail itself; what matters is what the check says after it.
      await runAll(engine, attempt, true);
      const r = await evaluateSince(engine, ex.check, since);
      report.attempts.push({ commands: attempt, failed: !r.ok, said: r.failures.map(say) });
    }
  }
  const since = await setUpExercise(engine, ex);
  const err = await runAll(engine, ex.solution);
  const r = err ? null : await evaluateSince(engine, ex.check, since);
  report.solved = !!r?.ok;
  report.said = err ? [err] : (r?.failures ?? []).map(say);
  return report;
}

export async function runLesson(
  engine: Engine,
  lesson: Lesson,
  say: (f: Failure) => string,
  onEvent?: (e: LessonEvent) => void,
): Promise<LessonReport> {
  const start = lesson.definition.start ?? [];
  const started = await runAll(engine, start);
  if (started) throw new Error(`the lesson's start commands failed: ${started}`);
  const click = await clickThrough(engine, lesson);
  onEvent?.({ kind: 'clickThrough', report: click });
  const exercises: ExerciseReport[] = [];
  for (const ex of lesson.definition.exercises) {
    const r = await proveExercise(engine, ex, say, true);
    exercises.push(r);
    onEvent?.({ kind: 'exercise', report: r, reverse: false });
  }
  const reverse: ExerciseReport[] = [];
  for (const ex of [...lesson.definition.exercises].reverse()) {
    const r = await proveExercise(engine, ex, say, false);
    reverse.push(r);
    onEvent?.({ kind: 'exercise', report: r, reverse: true });
  }
  return { clickThrough: click, exercises, reverse };
}

/** Every rule a proved lesson breaks, in words (empty: it passes). */
export function lessonProblems(report: LessonReport): string[] {
  const out: string[] = [];
  for (const p of report.clickThrough.passed) {
    out.push(`${p.id}: clicking Run on every command block (through step ${p.step}) passes it`);
  }
  for (const r of report.exercises) {
    r.attempts.forEach((a, i) => {
      if (!a.failed) out.push(`${r.id}: wrong attempt ${i + 1} passes the check`);
      else if (!a.said.join('').trim()) out.push(`${r.id}: wrong attempt ${i + 1} fails without a reason`);
    });
    if (!r.solved) out.push(`${r.id}: the solution does not pass: ${r.said.join(' ')}`);
  }
  for (const r of report.reverse) {
    if (!r.solved) out.push(`${r.id} (exercises in reverse order): the solution does not pass: ${r.said.join(' ')}`);
  }
  return out;
}
