import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportWork, forgetWork, importWork, WorkFileError } from './savedWork';

/** localStorage's interface over a Map. */
function memoryStorage(init: Record<string, string> = {}): Storage {
  const m = new Map(Object.entries(init));
  return {
    get length() {
      return m.size;
    },
    key: (i) => [...m.keys()][i] ?? null,
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, String(v)),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
  };
}

describe('saved work as a file', () => {
  it('round-trips the playground keys and nothing else', () => {
    const from = memoryStorage({ 'playground.progress.v1': '{"lesson":"03"}', 'playground.lang': 'zh', other: 'x' });
    const file = exportWork(from);
    expect(Object.keys(file.entries).sort()).toEqual(['playground.lang', 'playground.progress.v1']);
    const to = memoryStorage();
    expect(importWork(to, JSON.stringify(file))).toEqual({
      loaded: ['playground.progress.v1', 'playground.lang'],
      skipped: [],
    });
    expect(to.getItem('playground.progress.v1')).toBe('{"lesson":"03"}');
    forgetWork(from);
    expect(from.length).toBe(1);
  });

  it('refuses anything that is not a work file, changing nothing', () => {
    const s = memoryStorage({ 'playground.lang': 'en' });
    expect(() => importWork(s, 'nope')).toThrow(WorkFileError);
    expect(() => importWork(s, '{"format":"x"}')).toThrow('not a playground work file');
    expect(s.getItem('playground.lang')).toBe('en');
  });
});

describe('a work file is loaded key by key', () => {
  const file = (entries: Record<string, unknown>) =>
    JSON.stringify({ format: 'container-playground-work', version: 1, savedAt: '', entries });
  const lessonFiles = (id: string) => {
    const dir = join(import.meta.dirname, '..', '..', 'lessons', '07-lifecycle');
    const json = JSON.parse(readFileSync(join(dir, 'lesson.json'), 'utf8')) as { id: string };
    json.id = id;
    return {
      json: JSON.stringify(json),
      en: readFileSync(join(dir, 'en.md'), 'utf8'),
      zh: readFileSync(join(dir, 'zh.md'), 'utf8'),
    };
  };

  it('stores the good entries and reports each malformed or unknown one, storing none of them', () => {
    const s = memoryStorage({
      'playground.lang': 'en',
      'playground.workspace.v1': '{"files":[],"selected":"","tag":"a"}',
    });
    const report = importWork(
      s,
      file({
        'playground.lang': 'zh',
        'playground.pane': 'build',
        evil: '1',
        'playground.something.else': 'x',
        'playground.progress.v1': '{"lesson":"03","steps":{"03":"two"},"passed":{}}',
        'playground.workspace.v1': '{"files":[{"path":"../../etc/passwd","text":"x"}],"selected":"","tag":"t"}',
        'playground.embed.progress.v1': 7,
      }),
    );
    expect(report.loaded).toEqual(['playground.lang', 'playground.pane']);
    expect(report.skipped).toEqual([
      { key: 'evil', reason: 'harden.workUnknown' },
      { key: 'playground.something.else', reason: 'harden.workUnknown' },
      { key: 'playground.progress.v1', reason: 'harden.workMalformed', detail: 'steps are not step numbers' },
      {
        key: 'playground.workspace.v1',
        reason: 'harden.workMalformed',
        detail: 'file path "../../etc/passwd": invalid',
      },
      { key: 'playground.embed.progress.v1', reason: 'harden.workMalformed', detail: 'not a string' },
    ]);
    expect(s.getItem('playground.lang')).toBe('zh');
    expect(s.getItem('evil')).toBeNull();
    // The editor's files as they were: a malformed entry never replaces a good one.
    expect(s.getItem('playground.workspace.v1')).toBe('{"files":[],"selected":"","tag":"a"}');
  });

  it('keeps each loaded lesson that validates and reports each one that does not', () => {
    const s = memoryStorage();
    const broken = { ...lessonFiles('x-broken'), zh: undefined };
    const report = importWork(
      s,
      file({
        'playground.customLessons.v1': JSON.stringify({
          'x-good': lessonFiles('x-good'),
          'x-broken': broken,
          'x-liar': lessonFiles('x-other'),
          'x-nothing': 3,
        }),
      }),
    );
    expect(report.loaded).toEqual(['playground.customLessons.v1']);
    expect(Object.keys(JSON.parse(s.getItem('playground.customLessons.v1')!))).toEqual(['x-good']);
    expect(report.skipped.map((k) => k.key)).toEqual([
      'playground.customLessons.v1 → x-broken',
      'playground.customLessons.v1 → x-liar',
      'playground.customLessons.v1 → x-nothing',
    ]);
    expect(report.skipped[0]!.detail).toMatch(/zh/);
  });

  it('does not carry a consent to run a lesson’s commands', () => {
    const s = memoryStorage();
    const report = importWork(s, file({ 'container-playground.lessonConsent.v1': '{"x-good":"…"}' }));
    expect(report.skipped).toEqual([{ key: 'container-playground.lessonConsent.v1', reason: 'harden.workUnknown' }]);
    expect(s.length).toBe(0);
  });
});
