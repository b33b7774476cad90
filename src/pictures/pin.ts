/**
 * Which picture the pictures pane shows for a lesson step: the one the
 * lesson pins for that step (`stepPictures` in lesson.json), else the one
 * the step's exercise goal is about, else the lesson's first picture.
 */
import { PICTURE_NAMES, type PictureGoal } from './goal';

export type PaneName = (typeof PICTURE_NAMES)[number];

/** A lesson names pictures as lesson.json does; `apiTraffic` is drawn by the docker-run picture's sequence. */
export function paneName(name: string): PaneName | null {
  if (name === 'apiTraffic') return 'runPlan';
  return (PICTURE_NAMES as readonly string[]).includes(name) ? (name as PaneName) : null;
}

export function lessonPictures(names: readonly string[] | undefined): PaneName[] {
  const out: PaneName[] = [];
  for (const n of names ?? []) {
    const p = paneName(n);
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}

export function pinnedPicture(
  lesson: { pictures?: readonly string[]; stepPictures?: Readonly<Record<string, string>> },
  stepIndex: number,
  goal: PictureGoal | null,
): PaneName | null {
  const forStep = lesson.stepPictures?.[String(stepIndex + 1)];
  return (
    (forStep ? paneName(forStep) : null) ??
    (goal ? paneName(goal.picture) : null) ??
    lessonPictures(lesson.pictures)[0] ??
    null
  );
}
