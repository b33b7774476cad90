/**
 * Lessons an instructor or student loaded into this browser (a zip or a
 * folder URL on this site), kept as their files in the browser's storage so
 * they are there after a reload, and validated again when read back.
 */
import { loadLesson, LessonError, type Lesson } from '../../lessons/lessonBundle';
import type { LessonFiles } from '../../lessons/lessonArchive';
import { ConsentStore } from '../../lessons/lessonConsent';
import { safeStorage } from '../storage';

const KEY = 'playground.customLessons.v1';

export class CustomLessons {
  // Raw: a deep $state proxy cannot be posted to the worker (a check would fail with DataCloneError).
  list = $state.raw<Lesson[]>([]);
  /** Bumped when a consent is given, so what depends on consented() looks again. */
  private consents = $state(0);
  private files: Record<string, LessonFiles> = {};
  private readonly consent: ConsentStore;

  constructor(
    private readonly builtIn: readonly Lesson[],
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = safeStorage(),
  ) {
    this.consent = new ConsentStore(this.storage);
    try {
      this.files = (JSON.parse(this.storage?.getItem(KEY) ?? '{}') as Record<string, LessonFiles>) ?? {};
    } catch {
      this.files = {};
    }
    const ok: Lesson[] = [];
    for (const [id, f] of Object.entries(this.files)) {
      try {
        ok.push(loadLesson(f, id));
      } catch {
        delete this.files[id];
      }
    }
    this.list = ok;
  }

  /** Adds (or replaces) a loaded lesson; one with a built-in lesson's id is refused. */
  add(lesson: Lesson, files: LessonFiles): void {
    const id = lesson.definition.id;
    if (this.builtIn.some((l) => l.definition.id === id)) {
      throw new LessonError(id, [`this site already has a lesson with the id ${id}: give yours another id`]);
    }
    this.files = { ...this.files, [id]: files };
    this.list = [...this.list.filter((l) => l.definition.id !== id), lesson];
    this.save();
  }

  /** A loaded lesson runs nothing until the student has seen its commands and said yes (the site's run always). */
  consented(lesson: Lesson): boolean {
    void this.consents;
    return !this.list.some((l) => l.definition.id === lesson.definition.id) || this.consent.has(lesson.definition);
  }

  allow(lesson: Lesson): void {
    this.consent.grant(lesson.definition);
    this.consents++;
  }

  remove(id: string): void {
    const { [id]: _, ...rest } = this.files;
    this.files = rest;
    this.list = this.list.filter((l) => l.definition.id !== id);
    this.save();
  }

  private save(): void {
    try {
      this.storage?.setItem(KEY, JSON.stringify(this.files));
    } catch {
      // too large for the storage: kept for this page only
    }
  }
}
