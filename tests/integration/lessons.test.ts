import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../src/i18n/en.json';
import type { Failure } from '../../src/lessons/checks';
import { loadLesson } from '../../src/lessons/lessonBundle';
import { runLesson } from '../../src/lessons/lessonRun';
import { useEngine, useVm } from './vm';

const LESSONS = join(import.meta.dirname, '..', '..', 'lessons');
const folders = readdirSync(LESSONS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

const i18n = i18next.createInstance();
await i18n.init({ resources: { en: { translation: en } }, lng: 'en', interpolation: { escapeValue: false } });
const say = (f: Failure) => i18n.t(f.key, f.params);

/** Like learnGitBranching proves its levels: every lesson's solution passes on the real machine. */
describe('every lesson, proved on the real guest', () => {
  const ctx = useVm();
  const env = useEngine(ctx);

  it.each(folders)(
    '%s: each wrong attempt fails with a reason, each solution passes',
    { timeout: 240_000 },
    async (dir) => {
      const read = (f: string) => readFileSync(join(LESSONS, dir, f), 'utf8');
      const lesson = loadLesson({ json: read('lesson.json'), en: read('en.md'), zh: read('zh.md') }, dir);
      const reports = await runLesson(env.engine, lesson, say);
      for (const r of reports) {
        if (r.attempt) {
          expect(r.attempt.failed, `${r.id}: the wrong attempt passed`).toBe(true);
          expect(r.attempt.said.join(' '), r.id).not.toBe('');
        }
        expect(r.solved, `${r.id}: ${r.said.join(' ')}`).toBe(true);
      }
      expect(reports.map((r) => r.id)).toEqual(lesson.definition.exercises.map((e) => e.id));
    },
  );
});
