/**
 * Expected text in a lesson's checks: exact (trimmed), or `/a regex/flags`.
 * A lesson may come from an instructor's zip, so its patterns are checked
 * when it loads — they must compile, stay short, and have no nested
 * quantifier that could backtrack for ever (safe-regex2's star-height test) —
 * and are matched against bounded text only.
 */
import safeRegex from 'safe-regex2';

const PATTERN = /^\/(.*)\/([a-z]*)$/s;
const MAX_PATTERN = 200;
/** Machine output a pattern looks at; more is cut (a check reads small files and short command output). */
const MAX_TEXT = 16 * 1024;

/** What is wrong with a pattern, or null if it can be used. Plain text is always fine. */
export function patternProblem(pattern: string): string | null {
  const m = PATTERN.exec(pattern);
  if (!m) return null;
  const [, source, flags] = m as unknown as [string, string, string];
  if (source.length > MAX_PATTERN)
    return `the pattern ${pattern.slice(0, 40)}… is longer than ${MAX_PATTERN} characters`;
  if (!/^[imsu]*$/.test(flags)) return `the pattern ${pattern} has flags other than i, m, s, u`;
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (e) {
    return `the pattern ${pattern} does not compile: ${(e as Error).message}`;
  }
  if (!safeRegex(re))
    return `the pattern ${pattern} could backtrack catastrophically (a quantifier inside a repeated group)`;
  return null;
}

/** Output is trimmed; a pattern written /like this/ is a regular expression, anything else must match exactly. */
export function matches(pattern: string, actual: string): boolean {
  const text = actual.trim().slice(0, MAX_TEXT);
  const m = PATTERN.exec(pattern);
  if (m) return !patternProblem(pattern) && new RegExp(m[1]!, m[2]).test(text);
  return text === pattern.trim();
}
