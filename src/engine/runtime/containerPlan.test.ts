import { describe, expect, it } from 'vitest';
import { containerPlan, cpuMax, shellQuote, stepCommand, type ContainerSpec } from './containerPlan';

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
      network: { netns: '/var/run/netns/abc', setup: 'vmnet up /var/run/netns/abc --create' },
    });
    const net = steps.findIndex((s) => s.kind === 'network');
    expect(net).toBe(steps.length - 2);
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
    const overlay = containerPlan(spec).find((s) => s.kind === 'mountOverlay')!;
    if (overlay.kind !== 'mountOverlay') throw new Error('unreachable');
    expect(stepCommand(overlay).text).toBe(
      `mount -t overlay overlay -o lowerdir=/var/lib/docker/init:/var/lib/docker/layers/top:/var/lib/docker/layers/base,upperdir=/var/lib/docker/overlay2/${id}/diff,workdir=/var/lib/docker/overlay2/${id}/work /var/lib/docker/overlay2/${id}/merged`,
    );
  });

  it('refuses a malformed id or an empty command', () => {
    expect(() => containerPlan({ ...spec, id: 'x' })).toThrow(/not a container id/);
    expect(() => containerPlan({ ...spec, argv: [] })).toThrow(/no command/);
  });
});
