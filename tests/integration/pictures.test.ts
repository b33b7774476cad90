import { describe, expect, it } from 'vitest';
import { readCgroups } from '../../src/pictures/cgroups';
import { groupByNamespace, readNamespaces } from '../../src/pictures/namespaces';
import { readLayerStack } from '../../src/pictures/layerStack';
import { measureContainer } from '../../src/pictures/containerFigures';
import { useEngine, useVm } from './vm';

describe('the pictures, read from the real guest', () => {
  const ctx = useVm();
  const env = useEngine(ctx);

  it('NamespaceTree: a container is a pid namespace of its own, its first process pid 1 inside', async () => {
    await ctx.sh('docker run -d --name pic --memory 24m busybox sleep 600');
    const c = env.engine.get('pic');
    const s = await readNamespaces(env.engine.guest);
    const first = s.processes.find((p) => p.pid === c.State.Pid)!;
    expect(first.comm).toBe('sleep');
    expect(first.nspid).toEqual([c.State.Pid, 1]);
    const groups = groupByNamespace(s, 'pid');
    expect(groups[0]!.host).toBe(true);
    expect(groups.find((g) => g.pids.includes(c.State.Pid))!.host).toBe(false);
    // Without --network host, a network namespace of its own too.
    expect(first.ns.net).not.toBe(s.host.net);
  });

  it('CgroupMeters: the container cgroup with its limit, and figures that move', async () => {
    const c = env.engine.get('pic');
    const [r] = (await readCgroups(env.engine.guest)).filter((x) => x.id === c.Id);
    expect(r!.memoryMax).toBe(24 * 1024 * 1024);
    expect(r!.memoryCurrent).toBeGreaterThan(0);
    expect(r!.pidsCurrent).toBe(1);
    // A process left running in the container by an exec.
    await ctx.sh('docker exec pic sh -c "sleep 500 &"');
    const [after] = (await readCgroups(env.engine.guest)).filter((x) => x.id === c.Id);
    expect(after!.pidsCurrent).toBeGreaterThanOrEqual(2);
    expect(after!.cpuUsageUsec).toBeGreaterThanOrEqual(r!.cpuUsageUsec);
  });

  it('LayerStack: the container layer shows copy-ups and whiteouts over the image layers', async () => {
    await ctx.sh(`docker exec pic sh -c 'echo x >> /etc/group; rm /bin/vi; echo new > /new'`);
    const v = await readLayerStack(env.engine, 'pic');
    expect(v.selected!.name).toBe('pic');
    expect(v.selected!.changes).toEqual(
      expect.arrayContaining([
        { path: '/etc/group', kind: 'C' },
        { path: '/bin/vi', kind: 'D' },
        { path: '/new', kind: 'A' },
      ]),
    );
    expect(v.selected!.layers).toHaveLength(1);
    expect(v.selected!.layers[0]!.createdBy).toMatch(/busybox/);
  });

  it('VmVsContainer: a container run, its memory and its image size, measured on the guest', async () => {
    const f = await measureContainer(env.engine);
    expect(f.containerRunMs).toBeGreaterThan(0);
    expect(f.containerMemoryBytes).toBeGreaterThan(0);
    expect(f.containerMemoryBytes).toBeLessThan(4 * 1024 * 1024);
    expect(f.guestMemTotalBytes).toBeGreaterThan(100 * 1024 * 1024);
    expect(f.imageBytes).toBe((await env.engine.image('busybox')).manifest.layers[0]!.size);
    // Both measuring containers are gone.
    expect(env.engine.list(true).filter((c) => c.Config.Image === 'busybox' && c.Name !== 'pic')).toEqual([]);
  });
});
