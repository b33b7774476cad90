import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../i18n/en.json';
import zh from '../i18n/zh.json';
import { loadLesson, LessonError } from './lessonBundle';

const LESSONS = join(__dirname, '..', '..', 'lessons');
const folders = readdirSync(LESSONS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const read = (dir: string) => ({
  json: readFileSync(join(LESSONS, dir, 'lesson.json'), 'utf8'),
  en: readFileSync(join(LESSONS, dir, 'en.md'), 'utf8'),
  zh: readFileSync(join(LESSONS, dir, 'zh.md'), 'utf8'),
});
const problems = (files: Parameters<typeof loadLesson>[0]) => {
  try {
    loadLesson(files, 'test');
    return [];
  } catch (e) {
    if (e instanceof LessonError) return e.problems;
    throw e;
  }
};

describe('the lessons in lessons/', () => {
  it.each(folders)('%s is valid in both languages, with the same steps, commands and exercises', (dir) => {
    expect(problems(read(dir))).toEqual([]);
    const lesson = loadLesson(read(dir), dir);
    expect(lesson.definition.id).toBe(dir);
    expect(lesson.definition.exercises.length).toBeGreaterThanOrEqual(3);
  });

  it('has a message in both languages for every check failure key', () => {
    const source = readFileSync(join(__dirname, 'checks.ts'), 'utf8');
    const keys = new Set([...source.matchAll(/'check\.(\w+)'/g)].map((m) => m[1]!));
    for (const k of keys) {
      expect((en.check as Record<string, string>)[k], k).toBeTruthy();
      expect((zh.check as Record<string, string>)[k], k).toBeTruthy();
    }
  });
});

describe('lesson validation', () => {
  const good = read(folders[0]!);

  it('names a missing language', () => {
    expect(problems({ ...good, zh: undefined })).toContain('zh.md is missing');
  });

  it('fails when the languages differ in steps, commands or exercises', () => {
    const en = good.en;
    expect(problems({ ...good, zh: en.replace(/```sh\n(.*)\n```/, '```sh\n$1 --changed\n```') })[0]).toMatch(
      /^en.md and zh.md differ: en has "command: .*" where zh has "command: .* --changed"/,
    );
    expect(problems({ ...good, zh: en.replace(/\n## [^\n]*\n/, '\n') }).join('\n')).toMatch(/en.md and zh.md differ/);
  });

  it('checks exercises: ids, goals in both languages, a known check, solutions', () => {
    const def = JSON.parse(good.json);
    def.exercises[0].goal.zh = '';
    def.exercises[0].check = { container: 'x', image: 'y' };
    def.exercises[1].solution = [];
    def.exercises[2].id = def.exercises[1].id;
    const p = problems({ ...good, json: JSON.stringify(def) });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/no goal in zh/),
        expect.stringMatching(/a check has exactly one of container, image/),
        expect.stringMatching(/no solution commands/),
        expect.stringMatching(/id used twice/),
      ]),
    );
  });

  it('refuses text that would run script', () => {
    expect(problems({ ...good, en: good.en + '\n<img src=x onerror=alert(1)>\n' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^en.md: markup that runs script is not allowed/)]),
    );
  });

  it('names an exercise placed in the text but not declared', () => {
    expect(problems({ ...good, en: good.en + '\n@exercise ghost\n', zh: good.zh + '\n@exercise ghost\n' })).toEqual(
      expect.arrayContaining(['en.md: @exercise ghost is not in lesson.json']),
    );
  });
});
