import type { Exercise } from '../../lessons/lessonBundle';
import type { Machine } from '../machine.svelte';
import { checkpointExercise, restoreExercise } from './checkpoints';

/**
 * Puts the machine at an exercise's starting point. Opened: its setup
 * commands, one by one, stopping at the first that fails, then a checkpoint
 * of the machine as the exercise starts. Reset: that checkpoint restored
 * (files, containers, the daemon's state, in a second or two), or the setup
 * again if there is none. Returns when the exercise began (its event checks
 * count from then).
 */
export async function startExercise(
  machine: Machine,
  exercise: Exercise,
  lesson: string,
  reset = false,
): Promise<number> {
  if (reset && (await restoreExercise(machine, lesson, exercise.id).catch(() => false))) return Date.now();
  for (const command of exercise.setup) {
    const r = await machine.api.run(command, 60_000);
    if (r.exitCode !== 0) throw new Error(`${r.stderr || r.stdout}`.trim().slice(0, 200) || `exit ${r.exitCode}`);
  }
  await checkpointExercise(machine, lesson, exercise.id).catch(() => {});
  return Date.now();
}
