import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { LessonError } from './lessonBundle';
import { lessonFromUrl, lessonFromZip, MAX_LESSON_BYTES } from './lessonArchive';

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
