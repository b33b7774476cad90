/**
 * The quoting helper against a POSIX shell we trust (the host's /bin/sh):
 * whatever a value holds, the script prints it back unchanged and runs
 * nothing of it. The same property is tried on the guest's busybox sh in
 * tests/integration/quoting.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { joinScripts, quote, raw, sh } from './shell';

const hostSh = (script: string) => execFileSync('/bin/sh', ['-c', script], { encoding: 'buffer' });
const canary = mkdtempSync(join(tmpdir(), 'quote-'));
afterAll(() => rmSync(canary, { recursive: true, force: true }));

/** Strings a hostile value could be: shell syntax, quotes, newlines, any Unicode; never NUL (argv cannot hold it). */
const hostile = fc
  .oneof(
    fc.string({ unit: fc.constantFrom(...`$()\`'";|&<>*?[]{}~#!\\ \t\n=%+,./:@-_aZ0`.split('')) }),
    fc.string({ unit: 'binary' }),
    fc.constant(`$(touch ${canary}/pwned)`),
    fc.constant(`'; touch ${canary}/pwned; '`),
    fc.constant(`"\`touch ${canary}/pwned\`"`),
  )
  .filter((s) => !s.includes('\0'));

describe('sh`…` quoting', () => {
  it('round-trips any string through /bin/sh -c printf %s, and runs none of it', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        expect(hostSh(sh`printf %s ${s}`.text).toString('utf8')).toBe(Buffer.from(s, 'utf8').toString('utf8'));
      }),
      { numRuns: 200 },
    );
    expect(existsSync(join(canary, 'pwned'))).toBe(false);
  }, 60_000);

  it('turns a list into one word per element, in order', () => {
    fc.assert(
      fc.property(fc.array(hostile, { maxLength: 5 }), (words) => {
        const out = hostSh(sh`for w in ${words}; do printf '%s\\0' "$w"; done`.text).toString('utf8');
        expect(out).toBe(words.map((w) => `${w}\0`).join(''));
      }),
      { numRuns: 100 },
    );
  }, 60_000);

  it('leaves safe words bare, takes numbers as they are, and refuses what a shell word cannot hold', () => {
    expect(sh`mkdir -p ${'/var/lib/docker/x'}`.text).toBe('mkdir -p /var/lib/docker/x');
    expect(sh`kill -${9} ${1234}`.text).toBe('kill -9 1234');
    expect(sh`echo ${''}`.text).toBe(`echo ''`);
    expect(quote("it's")).toBe(`'it'\\''s'`);
    expect(() => sh`kill ${NaN}`).toThrow(/not a number/);
    expect(() => quote('a\0b')).toThrow(/NUL/);
    expect(() => sh`echo ${undefined as unknown as string}`).toThrow(/cannot put undefined/);
  });

  it('puts a Script in as it is, and refuses to be concatenated as a string', () => {
    const inner = sh`cat ${'a b'}`;
    expect(sh`${inner} | wc -c`.text).toBe(`cat 'a b' | wc -c`);
    expect(joinScripts([inner, null, sh``, raw('true')]).text).toBe(`cat 'a b'\ntrue`);
    expect(() => `${inner as unknown as string}`).toThrow(/joinScripts/);
    expect(() => 'x' + (inner as unknown as string)).toThrow(/joinScripts/);
  });
});
