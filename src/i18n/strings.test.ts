import { describe, expect, it } from 'vitest';
import en from './en.json';
import zh from './zh.json';

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

function leaf(obj: object, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj);
}

describe('UI strings', () => {
  it('have the same keys in English and Chinese', () => {
    expect(keys(zh).sort()).toEqual(keys(en).sort());
  });

  it('use the same interpolation variables in both languages', () => {
    for (const k of keys(en)) {
      const vars = (s: unknown) => [...String(s).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      expect(vars(leaf(zh, k)), k).toEqual(vars(leaf(en, k)));
    }
  });

  it('have no empty translations', () => {
    for (const k of keys(zh)) expect(String(leaf(zh, k)).trim(), k).not.toBe('');
  });
});
