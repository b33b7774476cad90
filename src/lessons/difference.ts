/**
 * A check's differences in words, in one language: "memory.max of capped:
 * want 33554432, found max". The page shows the three parts side by side;
 * `lab lesson check` and the tests print the line.
 */
import type { Failure, Shown } from './checks';
import type { Lang } from './lessonBundle';

export type Translate = (key: string, params?: Record<string, string | number>) => string;

export interface SaidDifference {
  what: string;
  want: string;
  found: string;
  /** The lesson's own sentence (sh and not checks), shown instead of want/found. */
  because?: string;
}

const shown = (s: Shown, t: Translate) => (typeof s === 'string' ? s : t(s.key, s.params));

export function describeFailure(f: Failure, lang: Lang, t: Translate): SaidDifference {
  const found = shown(f.found, t);
  return {
    what: shown(f.what, t),
    want: shown(f.want, t),
    found,
    ...(f.because ? { because: f.because[lang].replaceAll('{{found}}', found || '—') } : {}),
  };
}

export function sayFailure(f: Failure, lang: Lang, t: Translate): string {
  const d = describeFailure(f, lang, t);
  return d.because ?? t('check.diff', { what: d.what, want: d.want, found: d.found });
}
