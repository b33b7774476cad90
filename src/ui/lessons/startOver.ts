import type { Lesson } from '../../lessons/lessonBundle';
import type { Machine } from '../machine.svelte';
import type { Progress } from './progress.svelte';

/** "Start this lesson over" (the player's link, an embedding page's reset): the lesson's clean-up, then no progress. */
export async function startLessonOver(machine: Machine, lesson: Lesson, progress: Progress): Promise<void> {
  const start = lesson.definition.start ?? [];
  if (start.length) await machine.api.run(start.join('\n'), 60_000);
  progress.reset(lesson.definition.id);
}
