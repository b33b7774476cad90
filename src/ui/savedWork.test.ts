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
    expect(importWork(to, JSON.stringify(file))).toBe(2);
    expect(to.getItem('playground.progress.v1')).toBe('{"lesson":"03"}');
    forgetWork(from);
    expect(from.length).toBe(1);
  });

  it('refuses anything that is not a work file, changing nothing', () => {
    const s = memoryStorage({ 'playground.lang': 'en' });
    expect(() => importWork(s, 'nope')).toThrow(WorkFileError);
    expect(() => importWork(s, '{"format":"x"}')).toThrow('not a playground work file');
    const sneaky = { format: 'container-playground-work', version: 1, entries: { 'playground.lang': 'zh', evil: '1' } };
    expect(() => importWork(s, JSON.stringify(sneaky))).toThrow('unexpected entry evil');
    expect(s.getItem('playground.lang')).toBe('en');
  });
});
