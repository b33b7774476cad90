/**
 * Checkpoints for the lesson player: the machine as it was when an exercise
 * was first opened, so "Reset this exercise" and "Start this lesson over"
 * give back exactly that machine (files, containers, the daemon's state) in
 * about a second, instead of replaying commands. The worker keeps the last
 * MAX_CHECKPOINTS (src/worker/persistence.ts).
 */
import type { Machine } from '../machine.svelte';

export const MAX_CHECKPOINTS = 8;

export const checkpointLabel = (lesson: string, exercise: string) => `${lesson}/${exercise}`;

/** A checkpoint's label as the list shows it (`named`: the words for the labels that are not an exercise). */
export function checkpointTitle(label: string, named: Record<string, string>): string {
  return named[label] ?? label.replace('/', ' · ');
}

/** Checkpoints being taken, by label: the player asks again whenever the machine's status changes. */
const taking = new Map<string, Promise<void>>();

/** Takes the exercise's checkpoint when it is first opened (once; again only if it was pruned). */
export function checkpointExercise(machine: Machine, lesson: string, exercise: string): Promise<void> {
  if (machine.status.stage !== 'ready' || machine.elsewhere) return Promise.resolve();
  const label = checkpointLabel(lesson, exercise);
  let p = taking.get(label);
  if (!p) {
    p = (async () => {
      const kept = await machine.api.listSnapshots();
      if (!kept.some((s) => s.kind === 'checkpoint' && s.label === label)) await machine.api.checkpoint(label);
    })().finally(() => taking.delete(label));
    taking.set(label, p);
  }
  return p;
}

/** Restores the newest checkpoint of one of these labels; false if there is none. */
async function restoreLabelled(machine: Machine, labels: string[], oldest = false): Promise<boolean> {
  const kept = (await machine.api.listSnapshots()).filter((s) => s.kind === 'checkpoint' && labels.includes(s.label));
  const pick = oldest ? kept.at(-1) : kept[0];
  if (!pick) return false;
  const s = await machine.api.restoreSnapshot(pick.id);
  return s.stage === 'ready' && s.persist.resumed !== null;
}

/** "Reset this exercise": its checkpoint if there is one; false to let the caller run the exercise's setup instead. */
export function restoreExercise(machine: Machine, lesson: string, exercise: string): Promise<boolean> {
  return restoreLabelled(machine, [checkpointLabel(lesson, exercise)]);
}

/** "Start this lesson over": the machine as the lesson's first opened exercise found it; false if none is kept. */
export function restoreLessonStart(machine: Machine, lesson: string, exercises: string[]): Promise<boolean> {
  return restoreLabelled(
    machine,
    exercises.map((e) => checkpointLabel(lesson, e)),
    true,
  );
}
