/**
 * What a loaded lesson would run in the student's machine, as root, without
 * a click: its `start` commands (on opening and on "start over"), each
 * exercise's `setup` (on opening or resetting it) and the commands its checks execute (`sh` scripts, `exec` in a container), which
 * run after every command the student types. The page shows them and asks
 * before such a lesson first runs anything; the site's own lessons are
 * trusted. A consent holds for exactly these commands: a lesson loaded again
 * with other commands is asked about again.
 */
import type { Check } from './checks';
import type { LessonDefinition } from './lessonBundle';

export interface LessonCommands {
  start: string[];
  setup: { exercise: string; command: string }[];
  checks: { exercise: string; command: string }[];
}

function checkCommands(check: Check): string[] {
  if ('all' in check) return check.all.flatMap(checkCommands);
  if ('any' in check) return check.any.flatMap(checkCommands);
  if ('not' in check) return checkCommands(check.not);
  if ('sh' in check) return [check.sh];
  if ('container' in check && check.exec) return [`docker exec ${check.container} ${check.exec.argv.join(' ')}`];
  return [];
}

export function lessonCommands(def: LessonDefinition): LessonCommands {
  return {
    start: [...(def.start ?? [])],
    setup: def.exercises.flatMap((e) => (e.setup ?? []).map((command) => ({ exercise: e.id, command }))),
    checks: def.exercises.flatMap((e) => checkCommands(e.check).map((command) => ({ exercise: e.id, command }))),
  };
}

/** The same lesson with the same commands gives the same fingerprint. */
export function consentFingerprint(def: LessonDefinition): string {
  return JSON.stringify([def.id, lessonCommands(def)]);
}

/**
 * Consents, kept outside the "playground." keys on purpose: a work file
 * (which carries those keys, loaded lessons included) cannot bring a consent
 * with it.
 */
export const CONSENT_KEY = 'container-playground.lessonConsent.v1';

export class ConsentStore {
  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null) {}

  private read(): Record<string, string> {
    try {
      const v = JSON.parse(this.storage?.getItem(CONSENT_KEY) ?? '{}') as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : {};
    } catch {
      return {};
    }
  }

  has(def: LessonDefinition): boolean {
    return this.read()[def.id] === consentFingerprint(def);
  }

  grant(def: LessonDefinition): void {
    try {
      this.storage?.setItem(CONSENT_KEY, JSON.stringify({ ...this.read(), [def.id]: consentFingerprint(def) }));
    } catch {
      // not remembered: asked again next time
    }
  }
}
