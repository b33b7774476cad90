/**
 * The site's lessons: every folder under lessons/ is found at build time
 * (a new folder needs no code change) and validated like any lesson; a
 * broken one is listed with its problems instead of breaking the page.
 */
import { loadLesson, LessonError, type Lesson } from '../../lessons/lessonBundle';

const raw = (files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).map(([path, text]) => [path.split('/').at(-2)!, text]));

const jsons = raw(import.meta.glob('/lessons/*/lesson.json', { query: '?raw', import: 'default', eager: true }));
const ens = raw(import.meta.glob('/lessons/*/en.md', { query: '?raw', import: 'default', eager: true }));
const zhs = raw(import.meta.glob('/lessons/*/zh.md', { query: '?raw', import: 'default', eager: true }));

export const lessons: Lesson[] = [];
export const broken: { folder: string; problems: string[] }[] = [];

for (const folder of Object.keys(jsons).sort()) {
  try {
    lessons.push(loadLesson({ json: jsons[folder]!, en: ens[folder], zh: zhs[folder] }, folder));
  } catch (e) {
    broken.push({ folder, problems: e instanceof LessonError ? e.problems : [String(e)] });
  }
}
