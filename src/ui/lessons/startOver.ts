import type { Lesson } from '../../lessons/lessonBundle';
import type { Machine } from '../machine.svelte';
import type { Progress } from './progress.svelte';
import { restoreLessonStart } from './checkpoints';

/** "Start this lesson over" (the player's link, an embedding page's reset): the lesson's clean-up, then no progress. */
export async function startLessonOver(machine: Machine, lesson: Lesson, progress: Progress): Promise<void> {
  const { id, exercises } = lesson.definition;
  // The machine as the lesson's first exercise found it; without a checkpoint, the lesson's clean-up.
  const restored = await restoreLessonStart(
    machine,
    id,
    exercises.map((e) => e.id),
  ).catch(() => false);
  const start = lesson.definition.start ?? [];
  if (!restored && start.length) await machine.api.run(start.join('\n'), 60_000);
  progress.reset(id);
}
