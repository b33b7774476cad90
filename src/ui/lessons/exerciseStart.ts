import type { Exercise } from '../../lessons/lessonBundle';
import type { Machine } from '../machine.svelte';

/**
 * Puts the machine at an exercise's starting point, when the student opens
 * it or asks to reset it: its setup commands, one by one, stopping at the
 * first that fails. Returns when the exercise began (its event checks count
 * from then). The one place machine checkpoints will replace.
 */
export async function startExercise(machine: Machine, exercise: Exercise): Promise<number> {
  for (const command of exercise.setup) {
    const r = await machine.api.run(command, 60_000);
    if (r.exitCode !== 0) throw new Error(`${r.stderr || r.stdout}`.trim().slice(0, 200) || `exit ${r.exitCode}`);
  }
  return Date.now();
}
