/**
 * A lesson as files (lesson.json, en.md, zh.md), checked before it is used:
 * both languages present with the same steps, commands and exercises, every
 * exercise declared once with a goal, hints and a check in the vocabulary,
 * and no markup in the text that could run script. The same validation
 * serves the site's own lessons, `npm run lab -- lesson check` and an
 * instructor's folder loaded into the page.
 */
import type { Check } from './checks';
import { lessonShape, parseLessonText, type LessonText } from './lessonText';

export const LANGS = ['en', 'zh'] as const;
export type Lang = (typeof LANGS)[number];
export type Localized<T = string> = Record<Lang, T>;

export interface Exercise {
  id: string;
  goal: Localized;
  hints: Localized<string[]>;
  check: Check;
  /** Guest shell commands that solve it, in order (run by `lab lesson check`). */
  solution: string[];
  /** Commands that look plausible but do not solve it: the check must fail after them. */
  attempt?: string[];
}

export interface LessonDefinition {
  id: string;
  title: Localized;
  /** The live pictures the lesson shows beside its text. */
  pictures?: string[];
  /** The picture pinned for a step, by step number from 1 (otherwise the exercise's, or the first of `pictures`). */
  stepPictures?: Record<string, string>;
  /** Guest shell commands that give the lesson its starting point (run on "start" and "reset"). */
  start?: string[];
  exercises: Exercise[];
}

export interface Lesson {
  definition: LessonDefinition;
  text: Localized<LessonText>;
}

export class LessonError extends Error {
  constructor(
    readonly lesson: string,
    readonly problems: string[],
  ) {
    super(`lesson ${lesson}:\n  ${problems.join('\n  ')}`);
    this.name = 'LessonError';
  }
}

const PICTURES = new Set([
  'namespaceTree',
  'cgroupMeters',
  'layerStack',
  'vmVsContainer',
  'apiTraffic',
  'registryTransfer',
  'networkDiagram',
  'runPlan',
]);
const CHECK_KINDS = ['container', 'image', 'event', 'registry', 'sh', 'all', 'any', 'not'];

function checkProblems(check: unknown, where: string): string[] {
  if (!check || typeof check !== 'object' || Array.isArray(check)) return [`${where}: a check is an object`];
  const c = check as Record<string, unknown>;
  const kinds = CHECK_KINDS.filter((k) => k in c);
  if (kinds.length !== 1) return [`${where}: a check has exactly one of ${CHECK_KINDS.join(', ')}`];
  const kind = kinds[0]!;
  if (kind === 'all' || kind === 'any') {
    const list = c[kind];
    if (!Array.isArray(list) || list.length === 0) return [`${where}: "${kind}" needs a list of checks`];
    return list.flatMap((x, i) => checkProblems(x, `${where}.${kind}[${i}]`));
  }
  if (kind === 'not') {
    const because = c['because'] as { key?: unknown } | undefined;
    return [
      ...checkProblems(c['not'], `${where}.not`),
      ...(typeof because?.key === 'string' ? [] : [`${where}: "not" needs "because": {"key": …}`]),
    ];
  }
  if (typeof c[kind] !== 'string' && kind !== 'event') return [`${where}: "${kind}" must be a string`];
  if (kind === 'container' && c['namespace']) {
    const ns = c['namespace'] as { kind?: unknown; shared?: unknown };
    if (
      !['pid', 'net', 'mnt', 'uts', 'ipc', 'user', 'cgroup'].includes(String(ns.kind)) ||
      typeof ns.shared !== 'boolean'
    ) {
      return [`${where}: namespace needs a kind (pid, net, mnt, uts, ipc, user, cgroup) and shared: true|false`];
    }
  }
  if (kind === 'event') {
    const e = c['event'] as { Type?: unknown; Action?: unknown };
    if (typeof e?.Type !== 'string' || typeof e?.Action !== 'string') return [`${where}: event needs Type and Action`];
  }
  return [];
}

/** Markup that would run script or load something when the text is shown. */
const UNSAFE = /<\s*(script|iframe|object|embed|link|meta|style)\b|\son[a-z]+\s*=|javascript:/i;

/** Parses and validates a lesson's files; throws a LessonError listing every problem. */
export function loadLesson(files: { json: string; en?: string; zh?: string }, folder = '?'): Lesson {
  const problems: string[] = [];
  let def: LessonDefinition;
  try {
    def = JSON.parse(files.json) as LessonDefinition;
  } catch (e) {
    throw new LessonError(folder, [`lesson.json is not JSON: ${(e as Error).message}`]);
  }
  const id = typeof def.id === 'string' ? def.id : folder;
  if (typeof def.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(def.id))
    problems.push('lesson.json: "id" must be lower-case letters, digits and dashes');
  for (const lang of LANGS) {
    if (typeof def.title?.[lang] !== 'string' || !def.title[lang].trim())
      problems.push(`lesson.json: no title in ${lang}`);
  }
  for (const p of def.pictures ?? []) if (!PICTURES.has(p)) problems.push(`lesson.json: unknown picture "${p}"`);
  for (const [step, p] of Object.entries(def.stepPictures ?? {})) {
    if (!/^[1-9]\d*$/.test(step) || !PICTURES.has(p))
      problems.push(`lesson.json: stepPictures "${step}": "${p}" is not a step number and a picture`);
  }
  if (def.start !== undefined && (!Array.isArray(def.start) || def.start.some((s) => typeof s !== 'string'))) {
    problems.push('lesson.json: "start" is a list of commands');
  }
  const exercises = Array.isArray(def.exercises) ? def.exercises : [];
  if (!Array.isArray(def.exercises)) problems.push('lesson.json: "exercises" is a list');
  const ids = new Set<string>();
  for (const [i, ex] of exercises.entries()) {
    const where = `exercise ${ex?.id ?? i + 1}`;
    if (typeof ex?.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(ex.id)) problems.push(`${where}: bad or missing id`);
    else if (ids.has(ex.id)) problems.push(`${where}: id used twice`);
    else ids.add(ex.id);
    for (const lang of LANGS) {
      if (typeof ex?.goal?.[lang] !== 'string' || !ex.goal[lang].trim()) problems.push(`${where}: no goal in ${lang}`);
      if (!Array.isArray(ex?.hints?.[lang])) problems.push(`${where}: no hints in ${lang}`);
    }
    if (ex?.hints && LANGS.every((l) => Array.isArray(ex.hints[l])) && ex.hints.en.length !== ex.hints.zh.length) {
      problems.push(`${where}: ${ex.hints.en.length} hints in en but ${ex.hints.zh.length} in zh`);
    }
    problems.push(...checkProblems(ex?.check, `${where}: check`));
    if (!Array.isArray(ex?.solution) || ex.solution.length === 0) problems.push(`${where}: no solution commands`);
  }
  const text = {} as Localized<LessonText>;
  for (const lang of LANGS) {
    const md = files[lang];
    if (md === undefined) {
      problems.push(`${lang}.md is missing`);
      continue;
    }
    if (UNSAFE.test(md)) problems.push(`${lang}.md: markup that runs script is not allowed (${UNSAFE.exec(md)![0]})`);
    text[lang] = parseLessonText(md);
    if (!text[lang].steps.length) problems.push(`${lang}.md: no steps (a step starts with "## ")`);
    const used = text[lang].steps.flatMap((s) =>
      s.blocks.filter((b) => b.kind === 'exercise').map((b) => (b.kind === 'exercise' ? b.id : '')),
    );
    for (const u of used) if (!ids.has(u)) problems.push(`${lang}.md: @exercise ${u} is not in lesson.json`);
    for (const d of ids)
      if (!used.includes(d)) problems.push(`${lang}.md: exercise ${d} is never placed (@exercise ${d})`);
  }
  if (text.en && text.zh) {
    const [a, b] = [lessonShape(text.en), lessonShape(text.zh)];
    const at = a.findIndex((x, i) => x !== b[i]);
    if (at >= 0 || a.length !== b.length) {
      const i = at >= 0 ? at : Math.min(a.length, b.length);
      problems.push(`en.md and zh.md differ: en has "${a[i] ?? '(end)'}" where zh has "${b[i] ?? '(end)'}"`);
    }
  }
  if (problems.length) throw new LessonError(id, problems);
  return { definition: def, text };
}
