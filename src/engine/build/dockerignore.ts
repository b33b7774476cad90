/**
 * .dockerignore as Docker reads it: one pattern per line, `#` comments,
 * `!` for exceptions, `*` and `?` within one path segment, `**` across any
 * number of them; a pattern that matches a directory matches everything in
 * it; the last pattern that matches a path decides.
 *
 * Written here rather than taken from npm: the package that follows Docker's
 * rules (@balena/dockerignore) needs Node's `path` module, which the worker
 * does not have.
 */

interface Pattern {
  exclude: boolean;
  re: RegExp;
}

function clean(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (!part || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

function toRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        // "**/" may match nothing at all; "**" alone matches across separators.
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) {
      re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`${re}$`);
}

export class DockerIgnore {
  private readonly patterns: Pattern[];

  constructor(text: string) {
    this.patterns = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const exclude = !l.startsWith('!');
        const body = clean((exclude ? l : l.slice(1)).trim());
        return { exclude, re: toRegExp(body) };
      })
      .filter((p) => p.re.source !== '^$');
  }

  /** Whether the context path (relative, "/"-separated) is left out of the build. */
  ignores(path: string): boolean {
    const p = clean(path);
    const parents: string[] = [];
    const parts = p.split('/');
    for (let i = 1; i <= parts.length; i++) parents.push(parts.slice(0, i).join('/'));
    let ignored = false;
    for (const pat of this.patterns) {
      // A pattern matches the path itself or any directory it lies in.
      if (parents.some((x) => pat.re.test(x))) ignored = pat.exclude;
    }
    return ignored;
  }
}
