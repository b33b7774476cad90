import { describe, expect, it } from 'vitest';
import { cpuPercent, parseCgroups } from './cgroups';
import { groupByNamespace, parseNamespaces } from './namespaces';
import { parseAddresses, parseIpLinks, parseSysfsLinks } from './networkPicture';

const link = (kind: string, inode: number) =>
  `lrwxrwxrwx    1 root     root             0 Nov 23 18:40 ${kind} -> ${kind}:[${inode}]`;

/** What the guest prints for the host's init, a shell, and a container's pid 1 with one child. */
const NS_OUTPUT = [
  '1/ns/:',
  'total 0',
  link('pid', 4026531836),
  link('uts', 4026531838),
  link('net', 4026531840),
  '',
  '57/ns/:',
  link('pid', 4026531836),
  link('uts', 4026531838),
  link('net', 4026531840),
  '',
  '90/ns/:',
  link('pid', 4026532010),
  link('uts', 4026532008),
  link('net', 4026531840),
  '',
  '95/ns/:',
  link('pid', 4026532010),
  link('uts', 4026532008),
  link('net', 4026531840),
  '#status',
  '1/status:NSpid:\t1',
  '57/status:NSpid:\t57',
  '90/status:NSpid:\t90\t1',
  '95/status:NSpid:\t95\t7',
  '99/status:NSpid:\t99',
  '#comm',
  '1/comm:init',
  '57/comm:sh',
  '90/comm:sleep',
  '95/comm:top',
].join('\n');

describe('the NamespaceTree data', () => {
  const s = parseNamespaces(NS_OUTPUT);

  it('reads each process: namespaces, NSpid from the outermost level in, command', () => {
    expect(s.processes.map((p) => [p.pid, p.comm, p.nspid.join('→')])).toEqual([
      [1, 'init', '1'],
      [57, 'sh', '57'],
      [90, 'sleep', '90→1'],
      [95, 'top', '95→7'],
    ]);
    expect(s.host.pid).toBe('4026531836');
  });

  it('groups processes by namespace: the host first, a container in a group of its own', () => {
    expect(groupByNamespace(s, 'pid')).toEqual([
      { kind: 'pid', inode: '4026531836', host: true, pids: [1, 57] },
      { kind: 'pid', inode: '4026532010', host: false, pids: [90, 95] },
    ]);
    // --network host: one group, the host's.
    expect(groupByNamespace(s, 'net')).toEqual([
      { kind: 'net', inode: '4026531840', host: true, pids: [1, 57, 90, 95] },
    ]);
  });
});

describe('the CgroupMeters data', () => {
  const id = 'a'.repeat(64);
  const out =
    `@${id} 458752 16777216 3 10 usage_usec 120000 nr_throttled 7 throttled_usec 35000 oom_kill 1 cpu_max 50000,100000\n` +
    `@${'b'.repeat(64)} 90112 max 1 max usage_usec 5000 nr_throttled 0 throttled_usec 0 oom_kill 0 cpu_max max,100000\n`;

  it('reads memory, pids, CPU time and throttling, the CPU quota and OOM kills of each container cgroup', () => {
    expect(parseCgroups(out)).toEqual([
      {
        id,
        memoryCurrent: 458752,
        memoryMax: 16777216,
        pidsCurrent: 3,
        pidsMax: 10,
        cpuUsageUsec: 120000,
        cpuQuotaUsec: 50000,
        cpuPeriodUsec: 100000,
        nrThrottled: 7,
        throttledUsec: 35000,
        oomKills: 1,
      },
      {
        id: 'b'.repeat(64),
        memoryCurrent: 90112,
        memoryMax: null,
        pidsCurrent: 1,
        pidsMax: null,
        cpuUsageUsec: 5000,
        cpuQuotaUsec: null,
        cpuPeriodUsec: 100000,
        nrThrottled: 0,
        throttledUsec: 0,
        oomKills: 0,
      },
    ]);
  });

  it('turns two readings of cpu.stat into a share of one CPU', () => {
    const [a] = parseCgroups(out);
    expect(cpuPercent(a!, { ...a!, cpuUsageUsec: a!.cpuUsageUsec + 500_000 }, 1000)).toBeCloseTo(50);
  });
});

describe('the network picture', () => {
  it('reads links and addresses as busybox ip prints them, and veth pairs by the kernel’s peer indexes', () => {
    const links = parseIpLinks(
      [
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
        '3: eth0@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue qlen 1000\\    link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff',
      ].join('\n'),
    );
    parseAddresses('3: eth0    inet 172.17.0.2/16 scope global eth0\\       valid_lft forever', links);
    expect(links[1]).toMatchObject({ index: 3, name: 'eth0', peerIndex: 5, up: true, addresses: ['172.17.0.2/16'] });
    const host = parseSysfsLinks(
      [
        'link docker0 4 4 42:b5:26:1e:f5:86 up - bridge',
        'link veth90563f5 5 3 42:b5:26:1e:f5:86 up docker0 -',
        'link eth0 2 2 00:22:15:35:bb:fe up - -',
      ].join('\n'),
    );
    expect(host.find((l) => l.name === 'docker0')).toMatchObject({ isBridge: true, peerIndex: null });
    expect(host.find((l) => l.name === 'veth90563f5')).toMatchObject({ master: 'docker0', peerIndex: 3 });
  });
});
