/**
 * Where the student is: the open lesson, the step in each lesson, the
 * exercises passed; kept in the browser's storage across reloads. Switching
 * language keeps all of it: steps are numbered the same in both.
 */
import { safeStorage } from '../storage';

export interface Answer {
  answer: number | string;
  right: boolean;
}

interface Stored {
  lesson: string | null;
  steps: Record<string, number>;
  passed: Record<string, string[]>;
  predictions?: Record<string, Record<string, Answer>>;
  challenge?: boolean;
}

const KEY = 'playground.progress.v1';

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
        this.predictions = s.predictions ?? {};
        this.challenge = s.challenge === true;
      }
    } catch {
      // unreadable: start fresh
    }
  }

  private save(): void {
    try {
      const stored: Stored = {
        lesson: this.lesson,
        steps: this.steps,
        passed: this.passed,
        predictions: this.predictions,
        challenge: this.challenge,
      };
      this.storage?.setItem(this.key, JSON.stringify(stored));
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

  unpass(lesson: string, exercise: string): void {
    this.passed = { ...this.passed, [lesson]: (this.passed[lesson] ?? []).filter((e) => e !== exercise) };
    this.save();
  }

  answer(lesson: string, prediction: string, answer: Answer): void {
    this.predictions = { ...this.predictions, [lesson]: { ...this.predictions[lesson], [prediction]: answer } };
    this.save();
  }

  answerOf(lesson: string, prediction: string): Answer | null {
    return this.predictions[lesson]?.[prediction] ?? null;
  }

  setChallenge(on: boolean): void {
    this.challenge = on;
    this.save();
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
    const { [lesson]: _, ...rest } = this.passed;
    this.passed = rest;
    const { [lesson]: __, ...answers } = this.predictions;
    this.predictions = answers;
    this.opened = Object.fromEntries(Object.entries(this.opened).filter(([k]) => !k.startsWith(`${lesson}/`)));
    this.steps = { ...this.steps, [lesson]: 0 };
    this.save();
  }
}
