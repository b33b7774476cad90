import { spawnSync } from 'node:child_process';
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

  it('exits with a clear error when the guest kernel panics', () => {
    const r = lab('sh', 'echo c > /proc/sysrq-trigger; sleep 10');
    expect(r.code).toBe(70);
    expect(r.err).toMatch(/lab: the guest kernel panicked: Kernel panic - not syncing: sysrq triggered crash/);
  });

  it('prints its usage for an unknown command', () => {
    const r = lab('frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/usage: npm run lab/);
  });
});
