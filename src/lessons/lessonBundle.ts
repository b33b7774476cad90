/**
 * A lesson as files (lesson.json, en.md, zh.md), checked before it is used:
 * both languages present with the same steps, commands and exercises, every
 * exercise declared once with a goal, hints and a check in the vocabulary,
 * and no markup in the text that could run script. The same validation
 * serves the site's own lessons, `npm run lab -- lesson check` and an
 * instructor's folder loaded into the page.
 */
import { capabilityBit, CGROUP_FILES, NAMESPACE_KINDS, type Check } from './checks';
import { patternProblem } from './patterns';
import { lessonShape, parseLessonText, type LessonText } from './lessonText';

export const LANGS = ['en', 'zh'] as const;
export type Lang = (typeof LANGS)[number];
export type Localized<T = string> = Record<Lang, T>;

export type Difficulty = 'easy' | 'medium' | 'hard';
export const DIFFICULTIES: readonly Difficulty[] = ['easy', 'medium', 'hard'];

export interface Exercise {
  id: string;
  difficulty: Difficulty;
  /**
   * The step's own commands solve it (at most one per lesson): it is checked
   * as the machine changes. Every other exercise asks for a variation the
   * student works out, and is checked when they press Check.
   */
  walkthrough?: boolean;
  goal: Localized;
  /** From a nudge to the concept to the command: at least three. */
  hints: Localized<string[]>;
  /** Guest commands that make the exercise's starting point (run when it is opened or reset). */
  setup: string[];
  check: Check;
  /** Guest shell commands that solve it, in order (run by `lab lesson check`). */
  solution: string[];
  /** Plausible wrong tries, each a list of commands: the check must fail after each, saying why. */
  attempts: string[][];
}

/** Asked before a command runs, answered in the page, then proved by that command's output. */
export interface Prediction {
  id: string;
  question: Localized;
  /** Multiple choice (answer: the index of the right one), or none for a typed answer. */
  choices?: Localized<string[]>;
  /** The right choice's index, or the typed answer (exact, trimmed, any case; or /regex/). */
  answer: number | string;
  /** Said after the answer, right or wrong. */
  explain: Localized;
}

export interface LessonDefinition {
  id: string;
  title: Localized;
  /** The live pictures the lesson shows beside its text. */
  pictures?: string[];
  /** The picture pinned for a step, by step number from 1 (otherwise the exercise's, or the first of `pictures`). */
  stepPictures?: Record<string, string>;
  /** Guest shell commands that give the lesson its starting point (run on "start over" and by `lab lesson check`). */
  start?: string[];
  predictions?: Prediction[];
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
const CONTAINER_FIELDS = [
  'container',
  'state',
  'exitCode',
  'oomKilled',
  'cgroup',
  'namespace',
  'exec',
  'network',
  'layer',
  'fromImage',
  'capabilities',
  'seccomp',
];
const IMAGE_FIELDS = ['image', 'exists', 'layers', 'file', 'cmd', 'cachedFrom', 'history'];
const STATES = ['running', 'exited', 'created', 'absent'];

const isText = (x: unknown): x is string => typeof x === 'string' && x.trim() !== '';
const localized = (x: unknown) => !!x && typeof x === 'object' && LANGS.every((l) => isText((x as Localized)[l]));

/** Every problem of one check (and its inner checks), named by where it is. */
function checkProblems(check: unknown, where: string): string[] {
  if (!check || typeof check !== 'object' || Array.isArray(check)) return [`${where}: a check is an object`];
  const c = check as Record<string, unknown>;
  const kinds = CHECK_KINDS.filter((k) => k in c);
  if (kinds.length !== 1) return [`${where}: a check has exactly one of ${CHECK_KINDS.join(', ')}`];
  const kind = kinds[0]!;
  const out: string[] = [];
  const pattern = (p: unknown, at: string) => {
    if (typeof p !== 'string') out.push(`${where}: ${at} must be text`);
    else {
      const problem = patternProblem(p);
      if (problem) out.push(`${where}: ${at}: ${problem}`);
    }
  };
  const only = (fields: string[]) => {
    for (const f of Object.keys(c))
      if (!fields.includes(f)) out.push(`${where}: unknown field "${f}" in a ${kind} check`);
  };
  if (kind === 'all' || kind === 'any') {
    const list = c[kind];
    if (!Array.isArray(list) || list.length === 0) return [`${where}: "${kind}" needs a list of checks`];
    only([kind]);
    return [...out, ...list.flatMap((x, i) => checkProblems(x, `${where}.${kind}[${i}]`))];
  }
  if (kind === 'not' || kind === 'sh') {
    if (!localized(c['because'])) {
      out.push(`${where}: "${kind}" needs "because": {"en": …, "zh": …}, what the student is told when it fails`);
    }
  }
  if (kind === 'not') {
    only(['not', 'because']);
    return [...out, ...checkProblems(c['not'], `${where}.not`)];
  }
  if (kind === 'event') {
    only(['event']);
    const e = c['event'] as { Type?: unknown; Action?: unknown; name?: unknown; attributes?: unknown } | undefined;
    if (typeof e?.Type !== 'string' || typeof e?.Action !== 'string') out.push(`${where}: event needs Type and Action`);
    for (const [a, v] of Object.entries((e?.attributes as Record<string, unknown>) ?? {})) pattern(v, `attribute ${a}`);
    return out;
  }
  if (typeof c[kind] !== 'string' || !c[kind]) return [`${where}: "${kind}" must be a name`];
  if (kind === 'sh') {
    only(['sh', 'stdout', 'exitCode', 'because']);
    if (c['stdout'] === undefined && c['exitCode'] === undefined) out.push(`${where}: sh needs stdout or exitCode`);
    if (c['stdout'] !== undefined) pattern(c['stdout'], 'stdout');
  }
  if (kind === 'registry') only(['registry', 'sameAs']);
  if (kind === 'image') {
    only(IMAGE_FIELDS);
    if (c['history'] !== undefined) pattern(c['history'], 'history');
    const cf = c['cachedFrom'] as { image?: unknown; layers?: unknown } | undefined;
    if (cf && (typeof cf.image !== 'string' || typeof cf.layers !== 'number' || cf.layers < 1)) {
      out.push(`${where}: cachedFrom needs an image and a number of layers (at least 1)`);
    }
  }
  if (kind === 'container') {
    only(CONTAINER_FIELDS);
    if (c['state'] !== undefined && !STATES.includes(String(c['state']))) {
      out.push(`${where}: state is one of ${STATES.join(', ')}`);
    }
    for (const [file, want] of Object.entries((c['cgroup'] as Record<string, unknown>) ?? {})) {
      if (!(CGROUP_FILES as readonly string[]).includes(file))
        out.push(`${where}: "${file}" is not a cgroup file a check may read`);
      pattern(want, `cgroup ${file}`);
    }
    const ns = c['namespace'] as { kind?: unknown; shared?: unknown; with?: unknown } | undefined;
    if (
      ns &&
      (!(NAMESPACE_KINDS as readonly string[]).includes(String(ns.kind)) ||
        (typeof ns.shared !== 'boolean' && typeof ns.with !== 'string'))
    ) {
      out.push(
        `${where}: namespace needs a kind (${NAMESPACE_KINDS.join(', ')}) and shared: true|false or with: <container>`,
      );
    }
    const exec = c['exec'] as { argv?: unknown; stdout?: unknown } | undefined;
    if (exec) {
      if (!Array.isArray(exec.argv) || !exec.argv.length || exec.argv.some((a) => typeof a !== 'string')) {
        out.push(`${where}: exec needs argv, a list of words`);
      }
      pattern(exec.stdout, 'exec stdout');
    }
    const layer = c['layer'] as { path?: unknown; change?: unknown } | undefined;
    if (
      layer &&
      (typeof layer.path !== 'string' ||
        !layer.path.startsWith('/') ||
        !['copied-up', 'whiteout', 'added'].includes(String(layer.change)))
    ) {
      out.push(`${where}: layer needs an absolute path and change: copied-up, whiteout or added`);
    }
    const caps = c['capabilities'] as { has?: unknown; lacks?: unknown; rest?: unknown } | undefined;
    if (caps !== undefined) {
      const lists = [caps?.has, caps?.lacks];
      const names = lists.flatMap((l) => (Array.isArray(l) ? l : []));
      if (
        !caps ||
        typeof caps !== 'object' ||
        Object.keys(caps).some((f) => !['has', 'lacks', 'rest'].includes(f)) ||
        lists.some((l) => l !== undefined && !Array.isArray(l)) ||
        (caps.rest !== undefined && caps.rest !== 'default' && caps.rest !== 'within-default') ||
        (!names.length && caps.rest === undefined)
      ) {
        out.push(`${where}: capabilities needs has: [...], lacks: [...] and/or rest: "default" or "within-default"`);
      }
      for (const n of names)
        if (typeof n !== 'string' || capabilityBit(n) < 0) out.push(`${where}: "${String(n)}" is not a capability`);
    }
    if (c['seccomp'] !== undefined && !['filter', 'off'].includes(String(c['seccomp']))) {
      out.push(`${where}: seccomp is "filter" or "off"`);
    }
  }
  return out;
}

const commandList = (x: unknown) => Array.isArray(x) && x.length > 0 && x.every(isText);

function exerciseProblems(ex: Exercise, where: string): string[] {
  const out: string[] = [];
  if (!DIFFICULTIES.includes(ex.difficulty)) out.push(`${where}: difficulty is easy, medium or hard`);
  if (ex.walkthrough !== undefined && typeof ex.walkthrough !== 'boolean')
    out.push(`${where}: walkthrough is true or false`);
  for (const lang of LANGS) {
    if (!isText(ex.goal?.[lang])) out.push(`${where}: no goal in ${lang}`);
    const hints = ex.hints?.[lang];
    if (!Array.isArray(hints) || !hints.every(isText)) out.push(`${where}: no hints in ${lang}`);
    else if (hints.length < 3) {
      out.push(`${where}: ${hints.length} hint(s) in ${lang}; at least 3, from a nudge to the concept to the command`);
    }
  }
  if (ex.hints && LANGS.every((l) => Array.isArray(ex.hints[l])) && ex.hints.en.length !== ex.hints.zh.length) {
    out.push(`${where}: ${ex.hints.en.length} hints in en but ${ex.hints.zh.length} in zh`);
  }
  if (!Array.isArray(ex.setup) || !ex.setup.every(isText)) {
    out.push(`${where}: no "setup": the commands that make its starting point when it is opened or reset`);
  }
  out.push(...checkProblems(ex.check, `${where}: check`));
  if (!commandList(ex.solution)) out.push(`${where}: no solution commands`);
  if ('attempt' in ex)
    out.push(`${where}: "attempt" is now "attempts": a list of wrong tries, each a list of commands`);
  if (!Array.isArray(ex.attempts) || ex.attempts.length === 0 || !ex.attempts.every(commandList)) {
    out.push(`${where}: "attempts" needs at least one wrong try (a list of commands) that the check must refuse`);
  }
  return out;
}

function predictionProblems(p: Prediction, where: string): string[] {
  const out: string[] = [];
  if (!localized(p.question)) out.push(`${where}: a question in en and zh`);
  if (!localized(p.explain)) out.push(`${where}: an explanation in en and zh ("explain")`);
  if (p.choices !== undefined) {
    const [en, zh] = [p.choices.en, p.choices?.zh];
    if (
      !Array.isArray(en) ||
      !Array.isArray(zh) ||
      en.length < 2 ||
      en.length !== zh.length ||
      ![...en, ...zh].every(isText)
    ) {
      out.push(`${where}: choices are the same number (at least 2) of answers in en and zh`);
    } else if (typeof p.answer !== 'number' || !Number.isInteger(p.answer) || p.answer < 0 || p.answer >= en.length) {
      out.push(`${where}: answer is the index of the right choice (0 to ${en.length - 1})`);
    }
  } else if (!isText(p.answer)) out.push(`${where}: a typed answer needs "answer": the text (or /regex/) expected`);
  else {
    const problem = patternProblem(p.answer);
    if (problem) out.push(`${where}: ${problem}`);
  }
  return out;
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
    if (!ex || typeof ex !== 'object') {
      problems.push(`${where}: an exercise is an object`);
      continue;
    }
    if (typeof ex.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(ex.id)) problems.push(`${where}: bad or missing id`);
    else if (ids.has(ex.id)) problems.push(`${where}: id used twice`);
    else ids.add(ex.id);
    problems.push(...exerciseProblems(ex, where));
  }
  const walkthroughs = exercises.filter((e) => e?.walkthrough === true).map((e) => e.id);
  if (walkthroughs.length > 1) {
    problems.push(`lesson.json: at most one walkthrough exercise per lesson (${walkthroughs.join(', ')})`);
  }
  const predictions = Array.isArray(def.predictions) ? def.predictions : [];
  if (def.predictions !== undefined && !Array.isArray(def.predictions))
    problems.push('lesson.json: "predictions" is a list');
  const predictionIds = new Set<string>();
  for (const [i, p] of predictions.entries()) {
    const where = `prediction ${p?.id ?? i + 1}`;
    if (!p || typeof p !== 'object') {
      problems.push(`${where}: a prediction is an object`);
      continue;
    }
    if (typeof p.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(p.id)) problems.push(`${where}: bad or missing id`);
    else if (predictionIds.has(p.id) || ids.has(p.id)) problems.push(`${where}: id used twice`);
    else predictionIds.add(p.id);
    problems.push(...predictionProblems(p, where));
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
    const placed = (kind: 'exercise' | 'prediction') =>
      text[lang].steps.flatMap((s) => s.blocks.flatMap((b) => (b.kind === kind ? [b.id] : [])));
    const used = placed('exercise');
    for (const u of used) if (!ids.has(u)) problems.push(`${lang}.md: @exercise ${u} is not in lesson.json`);
    for (const d of ids)
      if (!used.includes(d)) problems.push(`${lang}.md: exercise ${d} is never placed (@exercise ${d})`);
    const asked = placed('prediction');
    for (const u of asked) if (!predictionIds.has(u)) problems.push(`${lang}.md: @predict ${u} is not in lesson.json`);
    for (const d of predictionIds) {
      if (asked.filter((a) => a === d).length !== 1)
        problems.push(`${lang}.md: prediction ${d} must be placed once (@predict ${d})`);
    }
    for (const step of text[lang].steps) {
      step.blocks.forEach((b, i) => {
        if (b.kind === 'prediction' && step.blocks.slice(i + 1).find((x) => x.kind !== 'prose')?.kind !== 'command') {
          problems.push(`${lang}.md: @predict ${b.id} must come before the command that proves it`);
        }
      });
    }
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
