import { describe, expect, it } from 'vitest';
import { useVm } from './vm';

describe('the control channel on the real guest', () => {
  const ctx = useVm();

  it("has the guest kernel's random generator seeded by the host after a restore", async () => {
    // An emulated PC gives the kernel no entropy: unseeded (0 bits) it hashed its whole pool at every
    // exec, fork and namespace, and every machine restored from the shipped state shared one stream.
    expect((await ctx.sh('cat /proc/sys/kernel/random/entropy_avail')).out).toBe('256\n');
  });

  it('returns stdout, stderr and the exit code separately', async () => {
    const r = await ctx.sh('echo out; echo err >&2; exit 7');
    expect(r).toEqual({ out: 'out\n', err: 'err\n', code: 7 });
  });

  it('reports a missing program with 127 and a signal death as 128+n', async () => {
    const missing = await ctx.vm.channel.exec(['/no/such/program']);
    expect(missing.exitCode).toBe(127);
    const killed = await ctx.sh('kill -9 $$');
    expect(killed.code).toBe(137);
  });

  it('carries every byte value unchanged', async () => {
    const r = await ctx.vm.channel.exec([
      '/bin/sh',
      '-c',
      'i=0; while [ $i -lt 256 ]; do printf "\\\\$(printf %o $i)"; i=$((i+1)); done',
    ]);
    expect(r.stdout.length).toBe(256);
    expect([...r.stdout]).toEqual(Array.from({ length: 256 }, (_, i) => i));
  });

  it('carries large output and large stdin intact', async () => {
    const big = await ctx.vm.channel.exec([
      '/bin/sh',
      '-c',
      'head -c 3000000 /dev/urandom | tee /tmp/big | md5sum; cat /tmp/big',
    ]);
    const sum = new TextDecoder().decode(big.stdout.subarray(0, 32));
    expect(big.stdout.length).toBe(3_000_000 + 36);
    const data = big.stdout.subarray(36);
    const back = await ctx.vm.channel.exec(['md5sum'], { stdin: data });
    expect(new TextDecoder().decode(back.stdout).slice(0, 32)).toBe(sum);
  });

  it('runs requests concurrently: a slow one does not hold up a quick one', async () => {
    const slow = ctx.sh('sleep 2; echo slow');
    const t0 = performance.now();
    const quick = await ctx.sh('echo quick');
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(quick.out).toBe('quick\n');
    expect((await slow).out).toBe('slow\n');
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => ctx.sh(`echo ${i}`)));
    expect(many.map((m) => m.out.trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });

  it('kills a command that outlives its timeout', async () => {
    await expect(ctx.vm.channel.sh('sleep 30', { timeoutMs: 300 })).rejects.toThrow(/did not finish/);
    const r = await ctx.sh('ps | grep -c "[s]leep 30" || true');
    expect(r.out.trim()).toBe('0');
  });

  it('runs an exec whose argv totals 64 KB, and answers heartbeats while it arrives', async () => {
    const args = Array.from({ length: 1024 }, (_, i) => `${i}:`.padEnd(63, 'a'));
    const run = ctx.vm.channel.exec(['/bin/sh', '-c', 'echo $#; echo "$1 ${1024}"', 'sh', ...args], {
      timeoutMs: 30_000,
    });
    const rtt = await ctx.vm.channel.ping(6000);
    const r = await run;
    expect(new TextDecoder().decode(r.stdout)).toBe(`1024\n${args[0]} ${args[1023]}\n`);
    expect(rtt).toBeLessThan(6000);
  });

  it('answers heartbeats', async () => {
    const rtt = await ctx.vm.channel.ping(2000);
    expect(rtt).toBeGreaterThanOrEqual(0);
  });
});
