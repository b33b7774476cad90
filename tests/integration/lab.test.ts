import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function lab(...args: string[]) {
  const r = spawnSync('npx', ['tsx', 'scripts/lab.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run lab (the headless entry point)', () => {
  it('runs a command in the guest, prints its output and exits with its status', () => {
    const r = lab('sh', 'uname -m; echo to-stderr >&2; exit 3');
    expect(r.out).toBe('i686\n');
    expect(r.err).toContain('to-stderr');
    expect(r.code).toBe(3);
  });

  // Once, a script over ~16 KB made one control frame the guest could never take whole: no answer,
  // "no heartbeat for 6 s", the machine declared dead.
  it('runs a 100 KB script', () => {
    const r = lab('sh', `printf %s '${'x'.repeat(100_000)}' | wc -c`);
    expect(r.err).toBe('');
    expect(r.out.trim()).toBe('100000');
    expect(r.code).toBe(0);
  });

  it('exits with a clear error when the guest kernel panics', () => {
    const r = lab('sh', 'echo c > /proc/sysrq-trigger; sleep 10');
    expect(r.code).toBe(70);
    expect(r.err).toMatch(/lab: the guest kernel panicked: Kernel panic - not syncing: sysrq triggered crash/);
  });

  it('parses a Dockerfile to its syntax tree; warns at line:col of what a build refuses; fails on syntax errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-parse-'));
    const good = join(dir, 'Dockerfile');
    writeFileSync(good, 'FROM busybox\nENV A=1 B="two words"\nRUN echo a \\\n  b\nONBUILD RUN make\nCMD ["sh"] \\');
    const ok = lab('parse', good);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toEqual([
      { instruction: 'FROM', args: ['busybox'], flags: [], line: 1, column: 1 },
      { instruction: 'ENV', args: ['A', '1', 'B', '"two words"'], flags: [], line: 2, column: 1 },
      { instruction: 'RUN', args: ['echo a   b'], flags: [], line: 3, column: 1 },
      {
        instruction: 'ONBUILD',
        args: [],
        flags: [],
        line: 5,
        column: 1,
        trigger: { instruction: 'RUN', args: ['make'], flags: [], line: 5, column: 1 },
      },
      { instruction: 'CMD', args: ['sh'], flags: [], line: 6, column: 1, json: true },
    ]);
    // Docker's parser accepts it; a build refuses it.
    const buildError = join(dir, 'Build.Dockerfile');
    writeFileSync(buildError, 'RUN true\n  FRM x\n');
    const r = lab('parse', buildError);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).map((i: { instruction: string }) => i.instruction)).toEqual(['RUN', 'FRM']);
    expect(r.err.split('\n')).toContain(
      `${buildError}:2:3: warning: unknown instruction: FRM (a build refuses this; --strict fails on it)`,
    );
    const strict = lab('parse', '--strict', buildError);
    expect(strict.code).toBe(1);
    expect(strict.err.split('\n')).toContain(`${buildError}:2:3: unknown instruction: FRM`);
    const bad = join(dir, 'Bad.Dockerfile');
    writeFileSync(bad, 'FROM busybox\nENV A\n');
    const syntax = lab('parse', bad);
    expect(syntax.code).toBe(1);
    expect(syntax.err).toBe(`${bad}:2:5: ENV must have two arguments\n`);
  });

  it('builds with docker build from a directory of this machine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-build-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nCOPY note.txt /\nCMD ["cat", "/note.txt"]\n');
    writeFileSync(join(dir, 'note.txt'), 'from the host\n');
    const r = lab('docker', 'build', '-t', 'from-host', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Step 2\/3 : COPY note.txt \/$/m);
    expect(r.out).toMatch(/^Successfully tagged from-host:latest$/m);
  });

  it('prints its usage for an unknown command', () => {
    const r = lab('frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/usage: npm run lab/);
  });
});
