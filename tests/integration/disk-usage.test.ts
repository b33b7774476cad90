import { describe, expect, it } from 'vitest';
import { useEngine, useVm } from './vm';

/** docker system df, container prune and image prune, from the guest's CLI. */
describe('disk use and clean-up', () => {
  const ctx = useVm();
  const env = useEngine(ctx);

  it('system df counts images, containers, volumes and the build cache', async () => {
    await ctx.sh(
      `docker run --name kept -v notes:/v busybox sh -c 'head -c 20000 /dev/zero > /big; echo x > /v/x' >/dev/null
       docker run -d --name live busybox sleep 600 >/dev/null
       mkdir -p /ctx/df && printf 'FROM busybox\\nRUN echo step > /step\\n' > /ctx/df/Dockerfile && docker build -q /ctx/df >/dev/null`,
      120_000,
    );
    const out = (await ctx.sh('docker system df')).out.split('\n');
    expect(out[0]).toMatch(/^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE$/);
    expect(out[1]).toMatch(/^Images\s+2\s+1\s+1\.\d+MB\s+/); // busybox (two names, one image) and scratch; the build's step images are cache
    expect(out[2]).toMatch(/^Containers\s+2\s+1\s+2\d\.\dkB\s+2\d\.\dkB \(\d+%\)$/);
    // The stopped container still refers to its volume, as Docker counts it.
    expect(out[3]).toMatch(/^Local Volumes\s+1\s+1\s+/);
    expect(out[4]).toMatch(/^Build Cache\s+[1-9]/);
  });

  it('container prune removes what is not running; image prune the untagged and unused', async () => {
    const r = await ctx.sh('docker container prune -f');
    expect(r.out).toMatch(/^Deleted Containers:\n[0-9a-f]{64}\n\nTotal reclaimed space: 2\d\.\dkB\n$/);
    expect((await ctx.sh('docker ps -a -q | wc -l')).out.trim()).toBe('1');
    const before = (await env.engine.images.blobs.list()).length;
    const p = await ctx.sh('docker image prune -f');
    expect(p.out).toMatch(/^Deleted Images:\n(deleted: sha256:[0-9a-f]{64}\n)+\nTotal reclaimed space: \d/);
    expect((await env.engine.images.blobs.list()).length).toBeLessThan(before);
    // What the running container and the tags use is kept.
    expect((await ctx.sh('docker run --rm busybox echo still-here')).out).toBe('still-here\n');
    const all = await ctx.sh('docker image prune -a -f');
    expect(all.out).toMatch(/untagged: scratch:latest/);
    expect(all.out).not.toMatch(/busybox/);
    await ctx.sh('docker rm -f live');
  });
});
