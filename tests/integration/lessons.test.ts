import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../src/i18n/en.json';
import type { Failure } from '../../src/lessons/checks';
import { loadLesson } from '../../src/lessons/lessonBundle';
import { sayFailure } from '../../src/lessons/difference';
import { lessonProblems, runLesson } from '../../src/lessons/lessonRun';
import { useEngine, useVm } from './vm';

const LESSONS = join(import.meta.dirname, '..', '..', 'lessons');
const folders = readdirSync(LESSONS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

const i18n = i18next.createInstance();
await i18n.init({ resources: { en: { translation: en } }, lng: 'en', interpolation: { escapeValue: false } });
const say = (f: Failure) => sayFailure(f, 'en', (key, params) => i18n.t(key, params));

/**
 * Like learnGitBranching proves its levels: every lesson on the real machine —
 * a click-through passes nothing but the walkthrough, each wrong attempt fails
 * with a reason, each solution passes, in order and in reverse. The lessons run
 * in reverse order on one machine, so each must clean up after the others.
 */
describe('every lesson, proved on the real guest', () => {
  const ctx = useVm();
  const env = useEngine(ctx);

  it.each([...folders].reverse())(
    '%s: nothing passes by clicking through, each wrong attempt fails with a reason, each solution passes',
    { timeout: 900_000 },
    async (dir) => {
      const read = (f: string) => readFileSync(join(LESSONS, dir, f), 'utf8');
      const lesson = loadLesson({ json: read('lesson.json'), en: read('en.md'), zh: read('zh.md') }, dir);
      const report = await runLesson(env.engine, lesson, say);
      expect(lessonProblems(report)).toEqual([]);
      expect(report.exercises.map((r) => r.id)).toEqual(lesson.definition.exercises.map((e) => e.id));
    },
  );
});
