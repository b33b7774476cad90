import { describe, expect, it } from 'vitest';
import { createNodeEngine } from '../../src/node/nodeEngine';
import { bootNodeVm } from '../../src/node/nodeVm';
import { useEngine, useVm } from './vm';

describe('container lifecycle on the real guest', () => {
  const ctx = useVm();
  const env = useEngine(ctx);

  it('--cpus 0.2 holds a busy loop near a fifth of what it gets unlimited', async () => {
    const usage = async (nanoCpus?: number) => {
      const c = await env.engine.create({
        image: 'busybox',
        // Not as pid 1: a pid 1 without a handler ignores timeout's SIGTERM.
        cmd: ['sh', '-c', 'timeout 2 sh -c "while :; do :; done"; true'],
        ...(nanoCpus ? { nanoCpus } : {}),
      });
      await env.engine.start(c.Id);
      await env.engine.wait(c.Id);
      const r = await ctx.sh(`grep usage_usec /sys/fs/cgroup/docker/${c.Id}/cpu.stat`);
      await env.engine.remove(c.Id);
      return Number(/usage_usec (\d+)/.exec(r.out)?.[1]);
    };
    const limited = await usage(200_000_000);
    const free = await usage();
    expect(free).toBeGreaterThan(500_000);
    expect(limited / free).toBeLessThanOrEqual(0.3);
    expect(limited / free).toBeGreaterThan(0.05);
  });

  it('50 run/rm cycles leak no mount, cgroup, directory or tmpfs space', async () => {
    const snapshot = async () =>
      (
        await ctx.sh(
          `grep -c ' overlay ' /proc/mounts; ls /sys/fs/cgroup/docker | grep -c '^[0-9a-f]\\{64\\}$'; ` +
            `ls /var/lib/docker/overlay2 2>/dev/null | wc -l; ls /var/lib/docker/containers 2>/dev/null | wc -l; ` +
            `df -k /var/lib/docker | tail -1 | awk '{print $3}'`,
        )
      ).out
        .trim()
        .split('\n')
        .map(Number);
    // One run first, so the shared image layer is already unpacked in both snapshots.
    const warm = await env.engine.create({ image: 'busybox', cmd: ['true'] });
    await env.engine.start(warm.Id);
    await env.engine.wait(warm.Id);
    await env.engine.remove(warm.Id);
    const before = await snapshot();
    for (let i = 0; i < 50; i++) {
      const c = await env.engine.create({ image: 'busybox', cmd: ['sh', '-c', 'echo $$ > /pid'] });
      await env.engine.start(c.Id);
      expect(await env.engine.wait(c.Id)).toBe(0);
      await env.engine.remove(c.Id);
    }
    const after = await snapshot();
    expect(after.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(after.slice(0, 4)).toEqual(before.slice(0, 4));
    // tmpfs space in KiB: within a page or two of where it started.
    expect(Math.abs(after[4]! - before[4]!)).toBeLessThanOrEqual(8);
  });

  it('keeps images across a VM restart: the store outlives the machine', async () => {
    const busybox = await env.engine.images.resolve('busybox');
    await env.engine.images.tag(busybox.manifestDigest, 'mine:v1');
    const vm2 = await bootNodeVm({});
    try {
      const engine2 = await createNodeEngine(vm2, env.store);
      const img = await engine2.images.resolve('mine:v1');
      expect(img.id).toBe(busybox.id);
      const c = await engine2.create({ image: 'mine:v1', cmd: ['echo', 'still here'] });
      await engine2.start(c.Id);
      expect(await engine2.wait(c.Id)).toBe(0);
      expect((await engine2.logs(c.Id)).map((l) => l.text)).toEqual(['still here\n']);
    } finally {
      await vm2.destroy();
    }
  });
});
