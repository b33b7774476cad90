/**
 * The one way the engine builds shell text for the guest. ``sh`cat ${path}` ``
 * quotes every interpolated value for the guest's /bin/sh: a string or a
 * number becomes one word, an array becomes one quoted word per element, and
 * a Script (made by this same helper) goes in as it is. A guest script is a
 * Script, never a string, so a value cannot reach the shell unquoted: the
 * guest runner (runScript in guest.ts) takes nothing else.
 */

const SCRIPT = Symbol('script');

export interface Script {
  readonly [SCRIPT]: true;
  readonly text: string;
}

export type ShellValue = string | number | Script | readonly (string | number)[];

function script(text: string): Script {
  return Object.freeze({
    [SCRIPT]: true as const,
    text,
    // `script + '…'` would paste unquoted text in; make it fail where it is written.
    toString(): never {
      throw new TypeError('a Script is joined with joinScripts or put into sh`…`, not concatenated');
    },
  });
}

export function isScript(v: unknown): v is Script {
  return typeof v === 'object' && v !== null && SCRIPT in v;
}

/** One word for /bin/sh, whatever it holds: bare when it is only safe characters, else in single quotes. */
export function quote(word: string): string {
  // A script travels as one argv string: a NUL byte would end it where it stands.
  if (word.includes('\0')) throw new TypeError('a shell word cannot hold a NUL byte');
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function word(v: string | number): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`not a number a shell can take: ${v}`);
    return String(v);
  }
  if (typeof v !== 'string') throw new TypeError(`cannot put ${typeof v} into a shell script`);
  return quote(v);
}

function fragment(v: ShellValue): string {
  if (isScript(v)) return v.text;
  if (Array.isArray(v)) return (v as readonly (string | number)[]).map(word).join(' ');
  return word(v as string | number);
}

/** A shell script with every interpolated value quoted (see the file's comment). */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): Script {
  let text = strings[0]!;
  for (let i = 0; i < values.length; i++) text += fragment(values[i]!) + strings[i + 1]!;
  return script(text);
}

/**
 * Text that is already a script this helper made, kept as a string on the
 * way (a plan step's network script, shown to the user as it will run). The
 * one way in for a string; never give it a value from a request.
 */
export function raw(text: string): Script {
  return script(text);
}

/** Scripts one after another (a line each, unless another separator is given); empty ones are left out. */
export function joinScripts(parts: readonly (Script | null | undefined | false)[], separator = '\n'): Script {
  return script(
    parts
      .filter((p): p is Script => !!p && p.text !== '')
      .map((p) => p.text)
      .join(separator),
  );
}
