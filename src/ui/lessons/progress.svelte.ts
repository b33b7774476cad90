/**
 * Where the student is: the open lesson, the step in each lesson, the
 * exercises passed; kept in the browser's storage across reloads. Switching
 * language keeps all of it: steps are numbered the same in both.
 *
 * Each lesson has its own key, and a write merges with what is stored, so
 * two tabs (or two embedded frames) that pass different exercises keep both:
 * a pass is kept unless the lesson was started over after it. A write the
 * browser refuses is reported (storageHealth) and the progress stays in
 * this page's memory.
 */
import { safeStorage } from '../storage';
import { writeItem } from '../storageHealth.svelte';

/** One lesson's progress as stored: exercise → when it was passed (ms), and when the lesson was last started over. */
interface StoredLesson {
  step: number;
  passed: Record<string, number>;
  resetAt: number;
}

/** The first format: everything under one key (still read, then split per lesson). */
interface StoredV1 {
  lesson: string | null;
  steps: Record<string, number>;
  passed: Record<string, string[]>;
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
  /** Per lesson, as merged: pass times and the last start-over. */
  private records: Record<string, StoredLesson> = {};

  constructor(
    private readonly storage: Store | null = safeStorage(),
    /** An embedded frame keeps its own progress, apart from the full page's. */
    private readonly key = KEY,
  ) {
    const base = this.read<Partial<StoredV1> & { v?: number; lessons?: string[] }>(this.key);
    if (base) {
      this.lesson = base.lesson ?? null;
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
    const ids = new Set([...Object.keys(v1.steps ?? {}), ...Object.keys(v1.passed ?? {})]);
    for (const id of ids) {
      const passed = Object.fromEntries((v1.passed?.[id] ?? []).map((e) => [e, 0]));
      this.records[id] = { step: v1.steps?.[id] ?? 0, passed, resetAt: -1 };
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
  }

  private saveBase(): void {
    const lessons = Object.keys(this.records);
    writeItem(this.storage, this.key, JSON.stringify({ v: 2, lesson: this.lesson, lessons }), 'progress');
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

  reset(lesson: string): void {
    const r = this.record(lesson);
    r.passed = {};
    r.step = 0;
    r.resetAt = Date.now();
    this.saveLesson(lesson);
  }
}

/** Two records of one lesson as one: passes after the later start-over, the newer step. */
function merge(a: StoredLesson | undefined, b: StoredLesson | undefined): StoredLesson {
  if (!a || !b) return structuredClone(a ?? b ?? { step: 0, passed: {}, resetAt: -1 });
  const resetAt = Math.max(a.resetAt, b.resetAt);
  const passed: Record<string, number> = {};
  for (const [ex, at] of [...Object.entries(b.passed), ...Object.entries(a.passed)]) {
    if (at > resetAt) passed[ex] = Math.max(at, passed[ex] ?? 0);
  }
  return { step: a.resetAt >= b.resetAt ? a.step : b.step, passed, resetAt };
}
