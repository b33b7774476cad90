/**
 * Docker's word processing for Dockerfile arguments (ENV, LABEL, COPY, WORKDIR,
 * ARG, FROM, …): quotes removed, the escape character honoured, and $VAR,
 * ${VAR}, ${VAR:-default} and ${VAR:+alternative} replaced from the build's
 * variables. RUN, CMD and ENTRYPOINT are not processed: their shell does it.
 */

export class ShellWordError extends Error {}

interface Options {
  escape?: string;
  /** Split on unquoted whitespace (EXPOSE, VOLUME, COPY sources) instead of returning one word. */
  split?: boolean;
}

export function expandWords(text: string, env: ReadonlyMap<string, string>, opts: Options = {}): string[] {
  const esc = opts.escape ?? '\\';
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  const push = () => {
    if (inWord) words.push(cur);
    cur = '';
    inWord = false;
  };

  const variable = (): string => {
    // at '$'
    i++;
    const c = text[i];
    if (c === '{') {
      const end = findClose(text, i + 1);
      const body = text.slice(i + 1, end);
      i = end + 1;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([\s\S]*))?$/.exec(body);
      if (!m) throw new ShellWordError(`bad substitution: \${${body}}`);
      const value = env.get(m[1]!);
      const word = m[3] === undefined ? '' : expandWords(m[3], env, { escape: esc }).join(' ');
      if (m[2] === '-') return value ? value : word;
      if (m[2] === '+') return value ? word : '';
      return value ?? '';
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (!m) return '$';
    i += m[0].length;
    return env.get(m[0]) ?? '';
  };

  while (i < text.length) {
    const c = text[i]!;
    if (c === esc && i + 1 < text.length) {
      cur += text[i + 1];
      inWord = true;
      i += 2;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ShellWordError('unexpected end of statement while looking for matching single-quote');
      cur += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      inWord = true;
      for (;;) {
        if (i >= text.length)
          throw new ShellWordError('unexpected end of statement while looking for matching double-quote');
        const d = text[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === esc && i + 1 < text.length && ['"', '$', esc].includes(text[i + 1]!)) {
          cur += text[i + 1];
          i += 2;
        } else if (d === '$') cur += variable();
        else {
          cur += d;
          i++;
        }
      }
    } else if (c === '$') {
      cur += variable();
      inWord = true;
    } else if (opts.split && /\s/.test(c)) {
      push();
      i++;
    } else {
      cur += c;
      inWord = true;
      i++;
    }
  }
  push();
  return opts.split ? words : [words.join('')];
}

function findClose(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  throw new ShellWordError('missing "}" in a variable substitution');
}

export function expandWord(text: string, env: ReadonlyMap<string, string>, escape?: string): string {
  return expandWords(text, env, { escape })[0] ?? '';
}
