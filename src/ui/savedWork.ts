/**
 * The student's work that lives in this browser's storage (lesson progress,
 * editor files, loaded lessons, settings: every key under "playground."),
 * as a file to keep or move to another browser, and back. Images and the
 * machine are not in the file: they can be rebuilt, and would make it large.
 */
import { LessonError, loadLesson } from '../lessons/lessonBundle';
import { pathProblem } from './build/workspace.svelte';

const PREFIX = 'playground.';
export const FORMAT = 'container-playground-work';

export interface WorkFile {
  format: typeof FORMAT;
  version: 1;
  savedAt: string;
  entries: Record<string, string>;
}

/** The playground's keys in this storage. */
function workKeys(storage: Storage): string[] {
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    if (k?.startsWith(PREFIX)) keys.push(k);
  }
  return keys;
}

export function exportWork(storage: Storage): WorkFile {
  const entries = Object.fromEntries(workKeys(storage).map((k) => [k, storage.getItem(k) ?? '']));
  return { format: FORMAT, version: 1, savedAt: new Date().toISOString(), entries };
}

export class WorkFileError extends Error {}

/** A work file bigger than this is refused before it is read (the storage it goes to holds a few MB). */
export const MAX_WORK_FILE_BYTES = 16 * 1024 * 1024;

/** An entry of the file that was not loaded, and why (a message key of the page, and a detail). */
export interface SkippedEntry {
  key: string;
  reason: 'harden.workUnknown' | 'harden.workMalformed';
  detail?: string;
}

export interface ImportReport {
  loaded: string[];
  skipped: SkippedEntry[];
}

type Check = (value: string) => string | null;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function json(check: (v: unknown) => string | null): Check {
  return (value) => {
    let v: unknown;
    try {
      v = JSON.parse(value);
    } catch {
      return 'not JSON';
    }
    return check(v);
  };
}

const oneOf =
  (...allowed: string[]): Check =>
  (v) =>
    allowed.includes(v) ? null : `not one of ${allowed.join(', ')}`;

/**
 * Lesson progress: { lesson, steps: {id: n}, passed: {id: [exercise…]} }, or (kept per lesson,
 * see src/ui/lessons/progress.svelte.ts) { v: 2, lesson, lessons: [id…], challenge }.
 */
const progress = json((v) => {
  if (!isObject(v)) return 'not an object';
  if (v['lesson'] !== null && typeof v['lesson'] !== 'string') return 'lesson is not a name';
  if (v['v'] === 2) {
    const lessons = v['lessons'];
    return Array.isArray(lessons) && lessons.every((l) => typeof l === 'string') ? null : 'lessons are not names';
  }
  const steps = v['steps'] ?? {};
  if (!isObject(steps) || !Object.values(steps).every((n) => Number.isInteger(n) && (n as number) >= 0)) {
    return 'steps are not step numbers';
  }
  const passed = v['passed'] ?? {};
  if (
    !isObject(passed) ||
    !Object.values(passed).every((l) => Array.isArray(l) && l.every((x) => typeof x === 'string'))
  ) {
    return 'passed exercises are not lists of names';
  }
  return null;
});

/** One lesson's progress: { step, passed: {exercise: ms}, unpassed?: {exercise: ms}, resetAt, predictions? }. */
const lessonProgress = json((v) => {
  if (!isObject(v)) return 'not an object';
  if (!Number.isInteger(v['step']) || (v['step'] as number) < 0) return 'step is not a step number';
  if (typeof v['resetAt'] !== 'number') return 'no time it was started over';
  const times = (t: unknown) => isObject(t) && Object.values(t).every((n) => typeof n === 'number');
  if (!times(v['passed']) || (v['unpassed'] !== undefined && !times(v['unpassed']))) {
    return 'passed exercises are not names with times';
  }
  if (v['predictions'] !== undefined && !isObject(v['predictions'])) return 'predictions are not answers';
  return null;
});
const LESSON_PROGRESS = /^playground\.(?:embed\.)?progress\.v1\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The editor's files: { files: [{path, text | base64}], selected, tag }. */
const workspace = json((v) => {
  if (!isObject(v) || !Array.isArray(v['files'])) return 'no list of files';
  const paths: string[] = [];
  for (const f of v['files'] as unknown[]) {
    if (!isObject(f) || typeof f['path'] !== 'string') return 'a file without a path';
    const problem = pathProblem(f['path'], paths);
    if (problem) return `file path ${JSON.stringify(f['path'])}: ${problem}`;
    paths.push(f['path']);
    if (f['base64'] !== undefined) {
      if (typeof f['base64'] !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(f['base64']))
        return `${f['path']}: bad base64`;
    } else if (f['text'] !== undefined && typeof f['text'] !== 'string') return `${f['path']}: text is not text`;
  }
  if (typeof v['selected'] !== 'string' || typeof v['tag'] !== 'string') return 'no selected file or tag';
  return null;
});

/** What each playground key holds, checked before it is stored. */
const CHECKS: Record<string, Check> = {
  'playground.lang': oneOf('en', 'zh'),
  'playground.pane': oneOf('lessons', 'build', 'preview'),
  'playground.progress.v1': progress,
  'playground.embed.progress.v1': progress,
  'playground.workspace.v1': workspace,
};
const CUSTOM_LESSONS = 'playground.customLessons.v1';
const checkOf = (key: string): Check | undefined =>
  CHECKS[key] ?? (LESSON_PROGRESS.test(key) ? lessonProgress : undefined);

/**
 * Loaded lessons: each one is validated as it would be on loading; the
 * good ones are kept, each bad one is reported on its own.
 */
function customLessons(value: string, skipped: SkippedEntry[]): string | null {
  let v: unknown;
  try {
    v = JSON.parse(value);
  } catch {
    skipped.push({ key: CUSTOM_LESSONS, reason: 'harden.workMalformed', detail: 'not JSON' });
    return null;
  }
  if (!isObject(v)) {
    skipped.push({ key: CUSTOM_LESSONS, reason: 'harden.workMalformed', detail: 'not an object' });
    return null;
  }
  const good: Record<string, unknown> = {};
  for (const [id, files] of Object.entries(v)) {
    const key = `${CUSTOM_LESSONS} → ${id}`;
    if (!isObject(files) || typeof files['json'] !== 'string') {
      skipped.push({ key, reason: 'harden.workMalformed', detail: 'no lesson.json' });
      continue;
    }
    try {
      const lesson = loadLesson(
        {
          json: files['json'],
          ...(typeof files['en'] === 'string' ? { en: files['en'] } : {}),
          ...(typeof files['zh'] === 'string' ? { zh: files['zh'] } : {}),
        },
        id,
      );
      if (lesson.definition.id !== id) throw new LessonError(id, [`its lesson.json names ${lesson.definition.id}`]);
      good[id] = { json: files['json'], en: files['en'], zh: files['zh'] };
    } catch (e) {
      const detail = e instanceof LessonError ? e.problems.join('; ') : (e as Error).message;
      skipped.push({ key, reason: 'harden.workMalformed', detail });
    }
  }
  return Object.keys(good).length ? JSON.stringify(good) : null;
}

/**
 * Checks a file before anything is replaced, then stores it entry by entry:
 * each key is checked for what it holds, and one that is unknown or
 * malformed is reported and skipped, never stored (a pane reading it would
 * break). Throws only when the file as a whole is not a work file.
 */
export function importWork(storage: Storage, text: string): ImportReport {
  let file: Partial<WorkFile>;
  try {
    file = JSON.parse(text) as Partial<WorkFile>;
  } catch {
    throw new WorkFileError('this file is not JSON');
  }
  if (!isObject(file) || file.format !== FORMAT || file.version !== 1 || !isObject(file.entries)) {
    throw new WorkFileError('this file is not a playground work file');
  }
  const report: ImportReport = { loaded: [], skipped: [] };
  const keep: [string, string][] = [];
  for (const [k, v] of Object.entries(file.entries)) {
    if (typeof v !== 'string') {
      report.skipped.push({ key: k, reason: 'harden.workMalformed', detail: 'not a string' });
    } else if (k === CUSTOM_LESSONS) {
      const good = customLessons(v, report.skipped);
      if (good !== null) keep.push([k, good]);
    } else if (!k.startsWith(PREFIX) || !checkOf(k)) {
      report.skipped.push({ key: k, reason: 'harden.workUnknown' });
    } else {
      const problem = checkOf(k)!(v);
      if (problem) report.skipped.push({ key: k, reason: 'harden.workMalformed', detail: problem });
      else keep.push([k, v]);
    }
  }
  for (const [k, v] of keep) {
    storage.setItem(k, v);
    report.loaded.push(k);
  }
  return report;
}

/** Forgets this browser's playground storage (the page reloads afterwards). */
export function forgetWork(storage: Storage): void {
  for (const k of workKeys(storage)) storage.removeItem(k);
}
