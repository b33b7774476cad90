import { describe, expect, it } from 'vitest';
import { containerPlan, cpuMax, shellQuote, stepItems, type ContainerSpec } from './containerPlan';

const id = 'a'.repeat(64);
const spec: ContainerSpec = {
  id,
  layers: ['/var/lib/docker/layers/top', '/var/lib/docker/layers/base'],
  argv: ['sh', '-c', "echo 'hi'"],
  env: ['PATH=/bin', 'A=b c'],
  hostname: 'aaaaaaaaaaaa',
  workdir: '/app',
  memoryBytes: 16 * 1024 * 1024,
  nanoCpus: 200_000_000,
  pidsLimit: 10,
  network: 'none',
  userns: false,
};

describe('containerPlan', () => {
  it('prepares the container layer, the overlay, the cgroup and its limits, then starts', () => {
    const steps = containerPlan(spec);
    expect(steps.map((s) => s.kind)).toEqual([
      'mkdir',
      'mkdir',
      'mkdir',
      'mkdir',
      'initLayer',
      'mountOverlay',
      'cgroupCreate',
      'cgroupWrite',
      'cgroupWrite',
      'cgroupWrite',
      'writeFile',
      'writeFile',
      'writeFile',
      'start',
    ]);
    const limits = steps.filter((s) => s.kind === 'cgroupWrite').map((s) => [s.file, s.value]);
    expect(limits).toEqual([
      ['memory.max', '16777216'],
      ['cpu.max', '20000 100000'],
      ['pids.max', '10'],
    ]);
    const start = steps.at(-1)!;
    expect(start.kind === 'start' && start.argv.slice(start.argv.indexOf('--'))).toEqual([
      '--',
      'sh',
      '-c',
      "echo 'hi'",
    ]);
    expect(start.kind === 'start' && start.argv).toContain('--net');
  });

  it('keeps mount points and the files mounted over /etc out of the container layer', () => {
    const steps = containerPlan(spec);
    const overlay = steps.find((s) => s.kind === 'mountOverlay');
    expect(overlay?.kind === 'mountOverlay' && overlay.lower[0]).toBe('/var/lib/docker/init');
    const writes = steps.filter((s) => s.kind === 'writeFile').map((s) => s.path);
    expect(writes.every((p) => p.startsWith(`/var/lib/docker/containers/${id}/`))).toBe(true);
    const start = steps.at(-1)!;
    expect(start.kind === 'start' && start.argv.join(' ')).toContain(
      `--mount /var/lib/docker/containers/${id}/hostname:/etc/hostname`,
    );
  });

  it('prepares a network namespace before the start, and has vmctr join it', () => {
    const steps = containerPlan({
      ...spec,
      network: {
        netns: '/var/run/netns/abc',
        endpoints: ['docker0,172.17.0.1/16,veth1234567,eth0,02:42:ac:11:00:02,172.17.0.2/16,1'],
        proxies: null,
      },
    });
    const net = steps.findIndex((s) => s.kind === 'network');
    expect(net).toBe(steps.length - 2);
    const step = steps[net]!;
    if (step.kind !== 'network') throw new Error('unreachable');
    expect(stepItems(step)).toEqual([
      'netns:/var/run/netns/abc',
      'endpoint:docker0,172.17.0.1/16,veth1234567,eth0,02:42:ac:11:00:02,172.17.0.2/16,1',
    ]);
    const start = steps.at(-1)!;
    expect(start.kind === 'start' && start.argv.join(' ')).toContain('--net /var/run/netns/abc');
    expect(start.kind === 'start' && start.argv.join(' ')).toContain(
      `--mount /var/lib/docker/containers/${id}/resolv.conf:/etc/resolv.conf`,
    );
  });

  it('gives no limit steps when no limit was asked for', () => {
    const steps = containerPlan({ ...spec, memoryBytes: undefined, nanoCpus: undefined, pidsLimit: undefined });
    expect(steps.some((s) => s.kind === 'cgroupWrite')).toBe(false);
  });

  it('turns --cpus into cpu.max the way Docker does', () => {
    expect(cpuMax(1_500_000_000)).toBe('150000 100000');
    expect(cpuMax(200_000_000)).toBe('20000 100000');
  });

  it('quotes what it hands to the guest shell', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('/plain/path')).toBe('/plain/path');
  });

  it("turns each preparation step into vmctr's steps, one argv word each", () => {
    const plan = containerPlan({ ...spec, hostname: "it's" });
    const items = (kind: string) => plan.flatMap((s) => (s.kind === kind && s.kind !== 'start' ? stepItems(s) : []));
    expect(items('mountOverlay')).toEqual([
      `overlay:/var/lib/docker/overlay2/${id}/merged=lowerdir=/var/lib/docker/init:/var/lib/docker/layers/top:/var/lib/docker/layers/base,upperdir=/var/lib/docker/overlay2/${id}/diff,workdir=/var/lib/docker/overlay2/${id}/work`,
    ]);
    expect(items('mkdir')).toEqual(
      ['diff', 'work', 'merged']
        .map((d) => `mkdir:/var/lib/docker/overlay2/${id}/${d}`)
        .concat(`mkdir:/var/lib/docker/containers/${id}`),
    );
    expect(items('initLayer')).toEqual([
      ...['dev', 'proc', 'sys', 'etc'].map((d) => `mkdir:/var/lib/docker/init/${d}`),
      ...['hostname', 'hosts', 'resolv.conf'].map((f) => `touch:/var/lib/docker/init/etc/${f}`),
    ]);
    expect(items('cgroupWrite')[0]).toBe(`write:/sys/fs/cgroup/docker/${id}/memory.max=16777216\n`);
    // Text goes as it is, newlines and quotes included: no shell reads it.
    expect(items('writeFile')[0]).toBe(`write:/var/lib/docker/containers/${id}/hostname=it's\n`);
    const userns = containerPlan({ ...spec, userns: true }).flatMap((s) =>
      s.kind === 'initLayer' ? stepItems(s) : [],
    );
    expect(userns).toContain('chown:100000:100000:/var/lib/docker/100000.100000/init/etc/hosts');
  });

  it('refuses a malformed id or an empty command', () => {
    expect(() => containerPlan({ ...spec, id: 'x' })).toThrow(/not a container id/);
    expect(() => containerPlan({ ...spec, argv: [] })).toThrow(/no command/);
  });
});
