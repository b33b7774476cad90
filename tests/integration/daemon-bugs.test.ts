/** Bugs found by trying the daemon by hand (issue 16), each as Docker behaves, through the guest's docker CLI. */
import { describe, expect, it } from 'vitest';
import { useEngine, useVm } from './vm';

describe('the daemon as Docker behaves', () => {
  const ctx = useVm();
  useEngine(ctx);

  it('run --rm on a user network with another container running there exits with the command’s status', async () => {
    const r = await ctx.sh(
      `docker network create side >/dev/null && docker run -d --name peer --network side busybox sleep 300 >/dev/null
       for i in 1 2; do docker run --rm --network side busybox sh -c 'exit 3'; echo "rc=$?"; done
       docker rm -f peer >/dev/null; docker network rm side >/dev/null`,
      150_000,
    );
    expect(r.err).not.toMatch(/No such container/);
    expect(r.out).toBe('rc=3\nrc=3\n');
  }, 180_000);

  it('exec in a paused container is refused at once with Docker’s words', async () => {
    await ctx.sh('docker run -d --name frozen busybox sleep 300 >/dev/null && docker pause frozen');
    const t0 = Date.now();
    const r = await ctx.sh('docker exec frozen true; echo "rc=$?"', 15_000);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.err).toMatch(/Container [0-9a-f]{64} is paused, unpause the container before exec/);
    expect(r.out).toMatch(/^rc=[1-9]\d*\n$/);
    await ctx.sh('docker rm -f frozen >/dev/null');
  });

  it('cp reads from and writes into a container that was created and never started', async () => {
    const r = await ctx.sh(
      `docker create --name fresh busybox cat /in.txt >/dev/null
       docker cp fresh:/etc/passwd /tmp/passwd-copy && head -n 1 /tmp/passwd-copy
       echo hello > /tmp/in.txt && docker cp /tmp/in.txt fresh:/in.txt
       docker start fresh >/dev/null && docker wait fresh >/dev/null && docker logs fresh`,
      60_000,
    );
    expect(r.err).toBe('');
    expect(r.out).toBe('root:x:0:0:root:/root:/bin/sh\nhello\n');
    await ctx.sh('docker rm fresh >/dev/null');
  });

  it('--network host gives the container the host’s name', async () => {
    const r = await ctx.sh('hostname; docker run --rm --network host busybox hostname');
    const [host, inside] = r.out.trim().split('\n');
    expect(inside).toBe(host);
  });

  it('images never lists scratch', async () => {
    const r = await ctx.sh('docker images');
    expect(r.out).toMatch(/^busybox\s+latest\s/m);
    expect(r.out).not.toMatch(/scratch/);
  });
});
