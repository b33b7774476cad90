import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The guest docker CLI's argument and JSON parsing under a fuzzer (tests/fuzz):
// a host build with AddressSanitizer and UBSan, libFuzzer when clang is there.
// Bounded to 20 s; a crash or sanitizer report fails the test with its output.
describe('guest CLI parsing under a fuzzer', () => {
  it('survives 20 s of generated arguments, JSON answers and templates', () => {
    const r = spawnSync('bash', ['tests/fuzz/run.sh', '20'], { encoding: 'utf8', timeout: 120_000 });
    const out = `${r.stdout}${r.stderr}`;
    expect(out, out).not.toMatch(/ERROR: AddressSanitizer|runtime error|deadly signal/);
    expect(r.status, out).toBe(0);
  }, 150_000);
});
