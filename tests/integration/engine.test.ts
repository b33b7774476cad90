import { describe, expect, it } from 'vitest';
import { useEngine, useVm } from './vm';

describe('the engine on the real guest', () => {
  const ctx = useVm();
  const env = useEngine(ctx);

  it('has the busybox base image from Debian, labelled with its package', async () => {
    const img = await env.engine.images.resolve('busybox');
    expect(img.tags).toContain('busybox:latest');
    expect(img.config.config.Labels?.['dev.playground.debian.package']).toBe('busybox-static');
    expect(img.config.rootfs.diff_ids).toHaveLength(1);
    expect((await env.engine.images.resolve('scratch')).config.rootfs.diff_ids).toEqual([]);
  });

  it('runs busybox echo: created, started, exit 0, output in the log', async () => {
    const seen: string[] = [];
    const off = env.engine.events.subscribe((e) => seen.push(e.Action));
    const c = await env.engine.create({ image: 'busybox', cmd: ['echo', 'hello from a container'] });
    await env.engine.start(c.Id);
    expect(await env.engine.wait(c.Id)).toBe(0);
    expect((await env.engine.logs(c.Id)).map((l) => l.text)).toEqual(['hello from a container\n']);
    expect(env.engine.inspect(c.Id).State.Status).toBe('exited');
    off();
    expect(seen).toEqual(['create', 'start', 'die']);
  });

  it('shares one unpacked copy of a layer between containers', async () => {
    const a = await env.engine.create({ image: 'busybox', cmd: ['true'] });
    const b = await env.engine.create({ image: 'busybox', cmd: ['true'] });
    expect(a.layers).toEqual(b.layers);
    const r = await ctx.sh(`ls /var/lib/docker/layers | grep -vc '^\\.'`);
    expect(r.out.trim()).toBe('1');
    await env.engine.remove(a.Id);
    await env.engine.remove(b.Id);
  });

  it('inspect matches the guest: the pid exists, the lower dirs exist, the cgroup has the limits', async () => {
    const c = await env.engine.create({ image: 'busybox', cmd: ['sleep', '30'], memory: 32 << 20, pidsLimit: 20 });
    await env.engine.start(c.Id);
    const info = env.engine.inspect(c.Id);
    expect(info.State.Running).toBe(true);
    const r = await ctx.sh(
      `test -d /proc/${info.State.Pid} && echo pid-ok; for d in $(echo ${info.GraphDriver.Data.LowerDir} | tr ':' ' '); do test -d $d && echo lower-ok; done
       cat /sys/fs/cgroup/docker/${c.Id}/memory.max /sys/fs/cgroup/docker/${c.Id}/pids.max`,
    );
    // The shared init layer, then the one busybox layer.
    expect(info.GraphDriver.Data.LowerDir.split(':')[0]).toBe('/var/lib/docker/init');
    expect(r.out).toBe(`pid-ok\nlower-ok\nlower-ok\n${32 << 20}\n20\n`);
    const inside = await env.engine.exec(c.Id, ['sh', '-c', 'hostname; cat /proc/1/cmdline | tr "\\0" " "']);
    expect(inside.stdout).toBe(`${c.Id.slice(0, 12)}\nsleep 30 `);
    await env.engine.stop(c.Id, 1);
    // sleep as pid 1 ignores SIGTERM, so stop ends it with SIGKILL after the timeout.
    expect(env.engine.inspect(c.Id).State.ExitCode).toBe(137);
    await env.engine.remove(c.Id);
  });

  it('rm removes the mount, the cgroup and the container layer', async () => {
    const c = await env.engine.create({ image: 'busybox', cmd: ['sh', '-c', 'echo x > /file'] });
    await env.engine.start(c.Id);
    await env.engine.wait(c.Id);
    await env.engine.remove(c.Id);
    const r = await ctx.sh(
      `grep -c ${c.Id} /proc/mounts; test -e /sys/fs/cgroup/docker/${c.Id} && echo cgroup-left; test -e /var/lib/docker/overlay2/${c.Id} && echo layer-left; true`,
    );
    expect(r.out).toBe('0\n');
    expect(() => env.engine.get(c.Id)).toThrow(/No such container/);
  });

  it('--memory 16m with a 64 MB allocation ends OOMKilled, and the VM answers', async () => {
    const c = await env.engine.create({
      image: 'busybox',
      cmd: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'],
      memory: 16 << 20,
    });
    await env.engine.start(c.Id);
    expect(await env.engine.wait(c.Id)).toBe(137);
    expect(env.engine.inspect(c.Id).State.OOMKilled).toBe(true);
    expect((await ctx.sh('echo alive')).out).toBe('alive\n');
    await env.engine.remove(c.Id);
  });

  it('gives Docker’s messages for a bad image name, a missing command and a name conflict', async () => {
    await expect(env.engine.create({ image: 'no-such-image', cmd: ['true'] })).rejects.toThrow(
      'No such image: no-such-image',
    );
    const c = await env.engine.create({ image: 'busybox', cmd: ['no-such-command'], name: 'named' });
    await env.engine.start(c.Id);
    expect(await env.engine.wait(c.Id)).toBe(127);
    expect((await env.engine.logs(c.Id))[0]?.text).toContain('executable file not found in $PATH');
    await expect(env.engine.create({ image: 'busybox', cmd: ['true'], name: 'named' })).rejects.toThrow(
      'Conflict. The container name "/named" is already in use.',
    );
    await env.engine.remove('named');
  });
});
