/**
 * Where the student is: the open lesson, the step in each lesson, the
 * exercises passed, the predictions answered; kept in the browser's storage
 * across reloads. Switching language keeps all of it: steps are numbered the
 * same in both.
 *
 * Each lesson has its own key, and a write merges with what is stored, so
 * two tabs (or two embedded frames) that pass different exercises keep both:
 * a pass is kept unless the lesson was started over, or the exercise reset,
 * after it. A write the browser refuses is reported (storageHealth) and the
 * progress stays in this page's memory.
 */
import { safeStorage } from '../storage';
import { writeItem } from '../storageHealth.svelte';

export interface Answer {
  answer: number | string;
  right: boolean;
}

/**
 * One lesson's progress as stored: exercise → when it was passed (ms), or
 * reset (unpassed), and when the lesson was last started over.
 */
interface StoredLesson {
  step: number;
  passed: Record<string, number>;
  unpassed?: Record<string, number>;
  resetAt: number;
  predictions?: Record<string, Answer>;
}

/** The first format: everything under one key (still read, then split per lesson). */
interface StoredV1 {
  lesson: string | null;
  steps: Record<string, number>;
  passed: Record<string, string[]>;
  predictions?: Record<string, Record<string, Answer>>;
  challenge?: boolean;
}

/** What the base key holds now: the open lesson, the lessons with a key of their own, challenge mode. */
interface StoredBase {
  v: 2;
  lesson: string | null;
  lessons: string[];
  challenge?: boolean;
}

const KEY = 'playground.progress.v1';

type Store = Pick<Storage, 'getItem' | 'setItem'>;

/** Listeners told of each exercise passed in this page (the machine is saved then). */
const passListeners = new Set<(lesson: string, exercise: string) => void>();
export function onExercisePassed(listener: (lesson: string, exercise: string) => void): () => void {
  passListeners.add(listener);
  return () => passListeners.delete(listener);
}

export class Progress {
  lesson = $state<string | null>(null);
  steps = $state<Record<string, number>>({});
  passed = $state<Record<string, string[]>>({});
  predictions = $state<Record<string, Record<string, Answer>>>({});
  /** Challenge mode: every lesson's command blocks hidden. */
  challenge = $state(false);
  /**
   * When each exercise was opened (its setup run) on the running machine, by
   * "lesson/exercise"; not stored: a new machine needs every setup again.
   */
  opened = $state<Record<string, number>>({});
  private openedOn: number | null = null;
  /** Per lesson, as merged: pass times and the last start-over. */
  private records: Record<string, StoredLesson> = {};

  constructor(
    private readonly storage: Store | null = safeStorage(),
    /** An embedded frame keeps its own progress, apart from the full page's. */
    private readonly key = KEY,
  ) {
    const base = this.read<Partial<StoredV1> & Partial<StoredBase>>(this.key);
    if (base) {
      this.lesson = base.lesson ?? null;
      this.challenge = base.challenge === true;
      if (base.v !== 2 && (base.steps || base.passed)) this.migrate(base);
      for (const id of base.lessons ?? []) this.load(id);
    }
    if (typeof window !== 'undefined') {
      // Another tab (or frame) wrote a lesson: take in its passes.
      window.addEventListener('storage', (e) => {
        const prefix = `${this.key}/`;
        if (e.key?.startsWith(prefix)) this.load(e.key.slice(prefix.length));
      });
    }
  }

  private read<T>(key: string): T | null {
    try {
      return JSON.parse(this.storage?.getItem(key) ?? 'null') as T | null;
    } catch {
      return null; // unreadable: as if absent
    }
  }

  private migrate(v1: Partial<StoredV1>): void {
    const ids = new Set([
      ...Object.keys(v1.steps ?? {}),
      ...Object.keys(v1.passed ?? {}),
      ...Object.keys(v1.predictions ?? {}),
    ]);
    for (const id of ids) {
      const passed = Object.fromEntries((v1.passed?.[id] ?? []).map((e) => [e, 0]));
      this.records[id] = { step: v1.steps?.[id] ?? 0, passed, resetAt: -1, predictions: v1.predictions?.[id] ?? {} };
      this.saveLesson(id);
    }
    this.saveBase();
  }

  /** Merges a lesson's stored record into this page's. */
  private load(id: string): void {
    const stored = this.read<StoredLesson>(`${this.key}/${id}`);
    if (stored) this.records[id] = merge(this.records[id], stored);
    this.show(id);
  }

  private show(id: string): void {
    const r = this.records[id];
    if (!r) return;
    this.steps = { ...this.steps, [id]: r.step };
    this.passed = { ...this.passed, [id]: Object.keys(r.passed) };
    this.predictions = { ...this.predictions, [id]: { ...r.predictions } };
  }

  private saveBase(): void {
    const base: StoredBase = {
      v: 2,
      lesson: this.lesson,
      lessons: Object.keys(this.records),
      challenge: this.challenge,
    };
    writeItem(this.storage, this.key, JSON.stringify(base), 'progress');
  }

  /** Writes one lesson, merged with what another tab may have written since. */
  private saveLesson(id: string): void {
    const key = `${this.key}/${id}`;
    const stored = this.read<StoredLesson>(key);
    const r = merge(this.records[id], stored ?? undefined);
    this.records[id] = r;
    this.show(id);
    writeItem(this.storage, key, JSON.stringify(r), 'progress');
  }

  private record(id: string): StoredLesson {
    const known = id in this.records;
    this.records[id] ??= { step: 0, passed: {}, resetAt: -1 };
    if (!known) this.saveBase();
    return this.records[id];
  }

  open(lesson: string | null): void {
    this.lesson = lesson;
    this.saveBase();
  }

  step(lesson: string): number {
    return this.steps[lesson] ?? 0;
  }

  goTo(lesson: string, step: number): void {
    this.record(lesson).step = step;
    this.steps = { ...this.steps, [lesson]: step };
    this.saveLesson(lesson);
  }

  isPassed(lesson: string, exercise: string): boolean {
    return (this.passed[lesson] ?? []).includes(exercise);
  }

  pass(lesson: string, exercise: string): void {
    if (this.isPassed(lesson, exercise)) return;
    this.record(lesson).passed[exercise] = Date.now();
    this.saveLesson(lesson);
    for (const l of passListeners) l(lesson, exercise);
  }

  unpass(lesson: string, exercise: string): void {
    const r = this.record(lesson);
    delete r.passed[exercise];
    r.unpassed = { ...r.unpassed, [exercise]: Date.now() };
    this.saveLesson(lesson);
  }

  answer(lesson: string, prediction: string, answer: Answer): void {
    const r = this.record(lesson);
    r.predictions = { ...r.predictions, [prediction]: answer };
    this.predictions = { ...this.predictions, [lesson]: { ...this.predictions[lesson], [prediction]: answer } };
    this.saveLesson(lesson);
  }

  answerOf(lesson: string, prediction: string): Answer | null {
    return this.predictions[lesson]?.[prediction] ?? null;
  }

  setChallenge(on: boolean): void {
    this.challenge = on;
    this.saveBase();
  }

  /** Another machine (`readyAt`: when it became ready) has none of the exercises opened. */
  machineIs(readyAt: number | null): void {
    if (readyAt === this.openedOn) return;
    this.openedOn = readyAt;
    this.opened = {};
  }

  /** When the exercise was opened (its setup run) on this machine, or null. */
  openedAt(lesson: string, exercise: string): number | null {
    return this.opened[`${lesson}/${exercise}`] ?? null;
  }

  markOpened(lesson: string, exercise: string, at: number): void {
    this.opened = { ...this.opened, [`${lesson}/${exercise}`]: at };
  }

  reset(lesson: string): void {
    const r = this.record(lesson);
    r.passed = {};
    r.unpassed = {};
    r.predictions = {};
    r.step = 0;
    r.resetAt = Date.now();
    this.opened = Object.fromEntries(Object.entries(this.opened).filter(([k]) => !k.startsWith(`${lesson}/`)));
    this.saveLesson(lesson);
  }
}

/**
 * Two records of one lesson as one: a pass counts if it came after the later
 * start-over and after any reset of that exercise; the newer step and answers.
 */
function merge(a: StoredLesson | undefined, b: StoredLesson | undefined): StoredLesson {
  if (!a || !b) return structuredClone($state.snapshot(a ?? b ?? { step: 0, passed: {}, resetAt: -1 }));
  const resetAt = Math.max(a.resetAt, b.resetAt);
  const unpassed: Record<string, number> = {};
  for (const [ex, at] of [...Object.entries(b.unpassed ?? {}), ...Object.entries(a.unpassed ?? {})]) {
    if (at > resetAt) unpassed[ex] = Math.max(at, unpassed[ex] ?? 0);
  }
  const passed: Record<string, number> = {};
  for (const [ex, at] of [...Object.entries(b.passed), ...Object.entries(a.passed)]) {
    if (at > resetAt && at > (unpassed[ex] ?? -1)) passed[ex] = Math.max(at, passed[ex] ?? 0);
  }
  const newer = a.resetAt >= b.resetAt ? a : b;
  const older = newer === a ? b : a;
  const predictions =
    newer.resetAt > older.resetAt ? { ...newer.predictions } : { ...older.predictions, ...newer.predictions };
  return { step: newer.step, passed, unpassed, resetAt, predictions };
}
