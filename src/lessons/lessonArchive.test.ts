import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { LessonError } from './lessonBundle';
import { lessonFromUrl, lessonFromZip, MAX_LESSON_BYTES, MAX_LESSON_ZIP_BYTES } from './lessonArchive';

const DIR = join(import.meta.dirname, '..', '..', 'lessons', '07-lifecycle');
const file = (n: string) => readFileSync(join(DIR, n), 'utf8');
const problems = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof LessonError) return e.problems;
    throw e;
  }
  return [];
};

describe('instructor lessons from a zip or a URL', () => {
  it('reads a zipped lesson folder, at the root or in one folder', () => {
    const inFolder = zipSync({
      'my-lesson/lesson.json': strToU8(file('lesson.json')),
      'my-lesson/en.md': strToU8(file('en.md')),
      'my-lesson/zh.md': strToU8(file('zh.md')),
      'my-lesson/notes.txt': strToU8('ignored'),
    });
    expect(lessonFromZip(inFolder).lesson.definition.id).toBe('07-lifecycle');
    const atRoot = zipSync({
      'lesson.json': strToU8(file('lesson.json')),
      'en.md': strToU8(file('en.md')),
      'zh.md': strToU8(file('zh.md')),
    });
    expect(lessonFromZip(atRoot).lesson.text.zh.steps.length).toBeGreaterThan(1);
  });

  it('names every problem: a missing language, unsafe markup, several lessons, a bomb, not a zip', () => {
    const noZh = zipSync({ 'lesson.json': strToU8(file('lesson.json')), 'en.md': strToU8(file('en.md')) });
    expect(problems(() => lessonFromZip(noZh)).join('\n')).toMatch(/zh/);
    const unsafe = zipSync({
      'lesson.json': strToU8(file('lesson.json')),
      'en.md': strToU8(file('en.md') + '\n<script>alert(1)</script>\n'),
      'zh.md': strToU8(file('zh.md')),
    });
    expect(problems(() => lessonFromZip(unsafe)).join('\n')).toMatch(/script/i);
    const two = zipSync({ 'a/lesson.json': strToU8('{}'), 'b/lesson.json': strToU8('{}') });
    expect(problems(() => lessonFromZip(two))[0]).toContain('several folders');
    const big = zipSync({ 'lesson.json': new Uint8Array(MAX_LESSON_BYTES + 1) });
    expect(problems(() => lessonFromZip(big))[0]).toContain('too large');
    expect(problems(() => lessonFromZip(strToU8('hello')))[0]).toContain('not a zip archive');
  });

  it('loads from this site only', async () => {
    const files: Record<string, string> = {
      'https://site.example/lessons/x/lesson.json': file('lesson.json'),
      'https://site.example/lessons/x/en.md': file('en.md'),
      'https://site.example/lessons/x/zh.md': file('zh.md'),
    };
    const fetchText = async (u: string) => files[u];
    const { lesson } = await lessonFromUrl('/lessons/x', 'https://site.example/index.html', fetchText);
    expect(lesson.definition.id).toBe('07-lifecycle');
    await expect(lessonFromUrl('https://evil.example/x', 'https://site.example/', fetchText)).rejects.toThrow(
      /only from this site/,
    );
  });
});

describe('lesson zip names', () => {
  it('reads names with . segments, doubled and Windows slashes as the one folder they are', () => {
    const zip = zipSync({
      './my-lesson/lesson.json': strToU8(file('lesson.json')),
      'my-lesson//en.md': strToU8(file('en.md')),
      'my-lesson\\zh.md': strToU8(file('zh.md')),
    });
    const { lesson } = lessonFromZip(zip);
    expect(lesson.definition.id).toBe('07-lifecycle');
  });

  it('refuses names that are absolute or climb out, and a zip over the size limit before reading it', () => {
    const zip = zipSync({
      '../lesson.json': strToU8(file('lesson.json')),
      '/abs/en.md': strToU8(file('en.md')),
      'ok/zh.md': strToU8(file('zh.md')),
    });
    expect(problems(() => lessonFromZip(zip))).toEqual([
      '../lesson.json: an absolute name or one with .. is not a lesson file',
      '/abs/en.md: an absolute name or one with .. is not a lesson file',
    ]);
    expect(problems(() => lessonFromZip(new Uint8Array(MAX_LESSON_ZIP_BYTES + 1)))[0]).toMatch(
      /a lesson zip is at most/,
    );
  });

  it('refuses a lesson file from a URL larger than a lesson file may be', async () => {
    const big = 'x'.repeat(MAX_LESSON_BYTES + 1);
    const err = await lessonFromUrl('/l/', 'https://site.example/', async (u) =>
      u.endsWith('lesson.json') ? file('lesson.json') : big,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LessonError);
    expect((err as LessonError).problems).toEqual([
      `en.md is too large (a lesson file is at most ${MAX_LESSON_BYTES})`,
      `zh.md is too large (a lesson file is at most ${MAX_LESSON_BYTES})`,
    ]);
  });
});
