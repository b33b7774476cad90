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
    // Every lesson asks at least one prediction; most exercises refuse two wrong tries.
    expect(lesson.definition.predictions?.length ?? 0).toBeGreaterThanOrEqual(1);
    const twice = lesson.definition.exercises.filter((e) => e.attempts.length >= 2).length;
    expect(twice * 2, 'most exercises should have two wrong attempts').toBeGreaterThanOrEqual(
      lesson.definition.exercises.length,
    );
  });

  it('has a message in both languages for every check message key', () => {
    const source = readFileSync(join(__dirname, 'checks.ts'), 'utf8');
    const keys = new Set([...source.matchAll(/'check\.([\w.-]+)'/g)].map((m) => m[1]!));
    for (const change of ['copied-up', 'whiteout', 'added']) keys.add(`value.${change}`);
    expect(keys.size).toBeGreaterThan(30);
    const lookup = (root: unknown, path: string) =>
      path.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown> | undefined)?.[p], root);
    for (const k of keys) {
      expect(lookup(en.check, k), `en check.${k}`).toEqual(expect.any(String));
      expect(lookup(zh.check, k), `zh check.${k}`).toEqual(expect.any(String));
    }
  });
});

/** A small valid lesson, changed by each test to break one rule. */
const exercise = (id: string) => ({
  id,
  difficulty: 'medium',
  goal: { en: 'Run x.', zh: '运行 x。' },
  hints: { en: ['a nudge', 'the concept', 'the command'], zh: ['提示', '概念', '命令'] },
  setup: ['docker rm -f x 2>/dev/null; true'],
  check: { container: 'x', state: 'running' },
  attempts: [['docker run --name x busybox true'], ['docker create --name x busybox']],
  solution: ['docker run -d --name x busybox sleep 600'],
});
const lessonJson = () => ({
  id: 'test',
  title: { en: 'Test', zh: '测试' },
  predictions: [
    {
      id: 'p',
      question: { en: 'What?', zh: '什么？' },
      choices: { en: ['a', 'b'], zh: ['甲', '乙'] },
      answer: 1,
      explain: { en: 'Because.', zh: '因为。' },
    },
  ],
  exercises: [exercise('one'), exercise('two')],
});
const md = '# T\n\nIntro.\n\n## Step\n\n@predict p\n\n```sh\nhostname\n```\n\n@exercise one\n\n@exercise two\n';
const good = { json: JSON.stringify(lessonJson()), en: md, zh: md };
const withJson = (change: (j: ReturnType<typeof lessonJson>) => void) => {
  const j = lessonJson();
  change(j);
  return problems({ ...good, json: JSON.stringify(j) });
};

describe('lesson validation', () => {
  it('accepts the small lesson', () => {
    expect(problems(good)).toEqual([]);
  });

  it('names a missing language', () => {
    expect(problems({ ...good, zh: undefined })).toContain('zh.md is missing');
  });

  it('fails when the languages differ in steps, commands or exercises', () => {
    expect(problems({ ...good, zh: md.replace('hostname', 'hostname --changed') })[0]).toMatch(
      /^en.md and zh.md differ: en has "command: hostname" where zh has "command: hostname --changed"/,
    );
    expect(problems({ ...good, zh: md.replace('\n## Step\n', '\n') }).join('\n')).toMatch(/en.md and zh.md differ/);
  });

  it('checks exercises: ids, goals in both languages, a known check, solutions', () => {
    const p = withJson((j) => {
      const e = j.exercises as Record<string, unknown>[];
      (e[0]!.goal as { zh: string }).zh = '';
      e[0]!.check = { container: 'x', image: 'y' };
      e[1]!.solution = [];
      e[1]!.id = 'one';
    });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/no goal in zh/),
        expect.stringMatching(/a check has exactly one of container, image/),
        expect.stringMatching(/no solution commands/),
        expect.stringMatching(/id used twice/),
      ]),
    );
  });

  it('asks every exercise for a difficulty, three hints, a setup and a wrong attempt', () => {
    const p = withJson((j) => {
      const e = j.exercises as Record<string, unknown>[];
      e[0]!.difficulty = 'tricky';
      e[0]!.hints = { en: ['docker run x'], zh: ['docker run x'] };
      delete e[1]!.setup;
      delete e[1]!.attempts;
      e[1]!.attempt = ['docker run x'];
    });
    expect(p).toEqual(
      expect.arrayContaining([
        'exercise one: difficulty is easy, medium or hard',
        expect.stringMatching(/^exercise one: 1 hint\(s\) in en; at least 3/),
        expect.stringMatching(/^exercise two: no "setup"/),
        expect.stringMatching(/^exercise two: "attempt" is now "attempts"/),
        expect.stringMatching(/^exercise two: "attempts" needs at least one wrong try/),
      ]),
    );
  });

  it('allows one walkthrough per lesson', () => {
    expect(withJson((j) => j.exercises.forEach((e) => Object.assign(e, { walkthrough: true })))).toEqual([
      'lesson.json: at most one walkthrough exercise per lesson (one, two)',
    ]);
  });

  it('needs a because in both languages for sh and not checks; never the script itself', () => {
    const p = withJson((j) => {
      (j.exercises[0] as Record<string, unknown>).check = { sh: 'cat /tmp/x', stdout: 'hi' };
      (j.exercises[1] as Record<string, unknown>).check = {
        not: { image: 'x' },
        because: { en: 'x is still there' },
      };
    });
    expect(p).toEqual([
      expect.stringMatching(/^exercise one: check: "sh" needs "because"/),
      expect.stringMatching(/^exercise two: check: "not" needs "because"/),
    ]);
  });

  it('refuses unknown cgroup files and patterns that do not compile or could backtrack for ever', () => {
    const p = withJson((j) => {
      (j.exercises[0] as Record<string, unknown>).check = {
        container: 'x',
        cgroup: { '../../../etc/passwd': 'x', 'memory.max': '/(a+)+$/' },
      };
      (j.exercises[1] as Record<string, unknown>).check = { container: 'x', exec: { argv: ['id'], stdout: '/(/' } };
    });
    expect(p).toEqual([
      'exercise one: check: "../../../etc/passwd" is not a cgroup file a check may read',
      expect.stringMatching(/^exercise one: check: cgroup memory.max: the pattern \/\(a\+\)\+\$\/ could backtrack/),
      expect.stringMatching(/^exercise two: check: exec stdout: the pattern \/\(\/ does not compile/),
    ]);
  });

  it('refuses capability names the kernel does not know and a seccomp mode other than filter or off', () => {
    const p = withJson((j) => {
      (j.exercises[0] as Record<string, unknown>).check = {
        container: 'x',
        capabilities: { has: ['net_admin', 'CAP_SYS_TIME'], lacks: ['ROOT'], rest: 'default' },
        seccomp: 'strict',
      };
      (j.exercises[1] as Record<string, unknown>).check = { container: 'x', capabilities: { rest: 'all' } };
    });
    expect(p).toEqual([
      'exercise one: check: "ROOT" is not a capability',
      'exercise one: check: seccomp is "filter" or "off"',
      'exercise two: check: capabilities needs has: [...], lacks: [...] and/or rest: "default" or "within-default"',
    ]);
  });

  it('places each prediction once, before the command that proves it', () => {
    expect(
      problems({ ...good, en: md.replace('@predict p\n\n```sh\nhostname\n```', '```sh\nhostname\n```\n\n@predict p') }),
    ).toEqual(expect.arrayContaining(['en.md: @predict p must come before the command that proves it']));
    expect(
      withJson((j) => {
        j.predictions[0]!.answer = 2;
      }),
    ).toEqual(['prediction p: answer is the index of the right choice (0 to 1)']);
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
