/**
 * Where the student is: the open lesson, the step in each lesson, the
 * exercises passed; kept in the browser's storage across reloads. Switching
 * language keeps all of it: steps are numbered the same in both.
 */
import { safeStorage } from '../storage';

interface Stored {
  lesson: string | null;
  steps: Record<string, number>;
  passed: Record<string, string[]>;
}

const KEY = 'playground.progress.v1';

export class Progress {
  lesson = $state<string | null>(null);
  steps = $state<Record<string, number>>({});
  passed = $state<Record<string, string[]>>({});

  constructor(
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = safeStorage(),
    /** An embedded frame keeps its own progress, apart from the full page's. */
    private readonly key = KEY,
  ) {
    try {
      const s = JSON.parse(this.storage?.getItem(this.key) ?? 'null') as Stored | null;
      if (s) {
        this.lesson = s.lesson;
        this.steps = s.steps ?? {};
        this.passed = s.passed ?? {};
      }
    } catch {
      // unreadable: start fresh
    }
  }

  private save(): void {
    try {
      this.storage?.setItem(this.key, JSON.stringify({ lesson: this.lesson, steps: this.steps, passed: this.passed }));
    } catch {
      // kept for this page only
    }
  }

  open(lesson: string | null): void {
    this.lesson = lesson;
    this.save();
  }

  step(lesson: string): number {
    return this.steps[lesson] ?? 0;
  }

  goTo(lesson: string, step: number): void {
    this.steps = { ...this.steps, [lesson]: step };
    this.save();
  }

  isPassed(lesson: string, exercise: string): boolean {
    return (this.passed[lesson] ?? []).includes(exercise);
  }

  pass(lesson: string, exercise: string): void {
    if (this.isPassed(lesson, exercise)) return;
    this.passed = { ...this.passed, [lesson]: [...(this.passed[lesson] ?? []), exercise] };
    this.save();
  }

  reset(lesson: string): void {
    const { [lesson]: _, ...rest } = this.passed;
    this.passed = rest;
    this.steps = { ...this.steps, [lesson]: 0 };
    this.save();
  }
}
