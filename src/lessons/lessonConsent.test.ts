import { describe, expect, it } from 'vitest';
import type { LessonDefinition } from './lessonBundle';
import { CONSENT_KEY, ConsentStore, lessonCommands } from './lessonConsent';

const def = (sh = 'cat /etc/hostname'): LessonDefinition => ({
  id: 'x-loaded',
  title: { en: 'Loaded', zh: '载入的' },
  start: ['docker rm -f a 2>/dev/null; true'],
  exercises: [
    {
      id: 'one',
      goal: { en: 'g', zh: 'g' },
      hints: { en: [], zh: [] },
      difficulty: 'easy',
      setup: ['docker run -d --name a busybox sleep 1d'],
      attempts: [],
      solution: [],
      check: {
        all: [
          { container: 'a', state: 'running', exec: { argv: ['cat', '/etc/os-release'], stdout: '/x/' } },
          { not: { sh, because: { en: 'k', zh: 'k' } }, because: { en: 'k', zh: 'k' } },
          { image: 'busybox' },
        ],
      },
    },
  ],
});

function memory(): Pick<Storage, 'getItem' | 'setItem'> & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('consent to a loaded lesson’s commands', () => {
  it('lists every command the lesson would run: start, exercise setup, sh checks and exec checks, however nested', () => {
    expect(lessonCommands(def())).toEqual({
      start: ['docker rm -f a 2>/dev/null; true'],
      setup: [{ exercise: 'one', command: 'docker run -d --name a busybox sleep 1d' }],
      checks: [
        { exercise: 'one', command: 'docker exec a cat /etc/os-release' },
        { exercise: 'one', command: 'cat /etc/hostname' },
      ],
    });
  });

  it('holds for exactly those commands, and lives outside the keys a work file carries', () => {
    const storage = memory();
    const store = new ConsentStore(storage);
    expect(store.has(def())).toBe(false);
    store.grant(def());
    expect(store.has(def())).toBe(true);
    // The same lesson loaded again with another command is asked about again.
    expect(store.has(def('rm -rf /'))).toBe(false);
    expect(CONSENT_KEY.startsWith('playground.')).toBe(false);
    storage.data.set(CONSENT_KEY, 'not json');
    expect(store.has(def())).toBe(false);
  });
});
