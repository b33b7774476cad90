import { describe, expect, it } from 'vitest';
import { expandWord, expandWords, ShellWordError } from './shellWord';

const env = new Map([
  ['HOME', '/root'],
  ['EMPTY', ''],
  ['NAME', 'app'],
]);

describe('Docker word processing', () => {
  it('replaces $VAR and ${VAR} and removes quotes', () => {
    expect(expandWord('$HOME/bin', env)).toBe('/root/bin');
    expect(expandWord('${NAME}_v1', env)).toBe('app_v1');
    expect(expandWord('"two words $NAME"', env)).toBe('two words app');
    expect(expandWord("'$NAME stays'", env)).toBe('$NAME stays');
    expect(expandWord('$MISSING-x', env)).toBe('-x');
  });

  it('knows :- and :+', () => {
    expect(expandWord('${MISSING:-fallback}', env)).toBe('fallback');
    expect(expandWord('${EMPTY:-fallback}', env)).toBe('fallback');
    expect(expandWord('${NAME:-fallback}', env)).toBe('app');
    expect(expandWord('${NAME:+set}', env)).toBe('set');
    expect(expandWord('${MISSING:+set}', env)).toBe('');
  });

  it('honours the escape character', () => {
    expect(expandWord('\\$NAME', env)).toBe('$NAME');
    expect(expandWord('a\\ b', env)).toBe('a b');
    expect(expandWord('`$NAME', env, '`')).toBe('$NAME');
    expect(expandWord('c:\\dir', env, '`')).toBe('c:\\dir');
  });

  it('splits on unquoted whitespace when asked', () => {
    expect(expandWords('80/tcp "a b" $NAME', env, { split: true })).toEqual(['80/tcp', 'a b', 'app']);
  });

  it('says what is wrong with a bad word', () => {
    expect(() => expandWord('"open', env)).toThrow(ShellWordError);
    expect(() => expandWord('${NAME', env)).toThrow(/missing "}"/);
    expect(() => expandWord('${1bad}', env)).toThrow(/bad substitution/);
  });
});
