import { describe, expect, it } from 'vitest';
import { freeSubnet, macFor, nextAddress, parseSubnet, formatSubnet } from './ipam';
import { Networks, PAGE_SUBNET } from './networks';
import { allocatePorts, checkPortBindings, EPHEMERAL_START } from './portBindings';
import { hostsFile } from './networkScripts';

describe('addresses', () => {
  it('parses subnets as Docker accepts them and refuses the rest with a reason', () => {
    expect(formatSubnet(parseSubnet('172.20.0.0/16'))).toBe('172.20.0.0/16');
    expect(() => parseSubnet('172.20.0.1/16')).toThrow('host bits must be zero');
    expect(() => parseSubnet('172.20.0.0')).toThrow('want an address/prefix');
    expect(() => parseSubnet('300.1.0.0/16')).toThrow('invalid IPv4 address');
  });

  it('hands out the gateway first and then the next free address; MACs as Docker makes them', () => {
    const s = parseSubnet('172.17.0.0/16');
    expect(nextAddress(s, ['172.17.0.1'])).toBe('172.17.0.2');
    expect(nextAddress(s, ['172.17.0.1', '172.17.0.2', '172.17.0.4'])).toBe('172.17.0.3');
    expect(() => nextAddress(parseSubnet('10.0.0.0/30'), ['10.0.0.1', '10.0.0.2'])).toThrow('no free address');
    expect(macFor('172.17.0.2')).toBe('02:42:ac:11:00:02');
  });

  it('chooses a free /16 for a new network, never the page network', () => {
    expect(formatSubnet(freeSubnet([parseSubnet('172.17.0.0/16')]))).toBe('172.18.0.0/16');
    const all172 = Array.from({ length: 15 }, (_, i) => parseSubnet(`172.${17 + i}.0.0/16`));
    expect(formatSubnet(freeSubnet([...all172, PAGE_SUBNET]))).toBe('192.168.0.0/20');
  });
});

describe('networks', () => {
  it('has bridge, host and none, which cannot be removed', () => {
    const n = new Networks();
    expect(n.list().map((x) => x.name)).toEqual(['bridge', 'host', 'none']);
    expect(() => n.remove('bridge')).toThrow('bridge is a pre-defined network and cannot be removed');
  });

  it('creates user networks with their own bridge and subnet; refuses duplicates, overlaps and removal in use', () => {
    const n = new Networks();
    const app = n.create({ name: 'app' });
    expect(app.bridge).toBe(`br-${app.id.slice(0, 12)}`);
    expect(formatSubnet(app.subnet!)).toBe('172.18.0.0/16');
    expect(() => n.create({ name: 'app' })).toThrow('network with name app already exists');
    expect(() => n.create({ name: 'x', subnet: '172.18.5.0/24' })).toThrow('Pool overlaps');
    expect(() => n.create({ name: 'y', subnet: '192.168.86.0/24' })).toThrow('Pool overlaps');
    const e = n.attach(app, { Id: 'c'.repeat(64), Name: 'web' }, 'eth0');
    expect(e).toMatchObject({ ip: '172.18.0.2', mac: '02:42:ac:12:00:02', ifname: 'eth0' });
    expect(e.hostVeth).toMatch(/^veth[0-9a-f]{7}$/);
    expect(() => n.remove('app')).toThrow('has active endpoints');
    n.detach(app, 'c'.repeat(64));
    expect(n.remove(app.id.slice(0, 6)).name).toBe('app');
  });
});

describe('published ports', () => {
  it('normalises bindings and refuses what cannot be published', () => {
    expect(checkPortBindings({ '80/tcp': [{ HostIp: '', HostPort: '8080' }] })).toEqual({
      '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }],
    });
    expect(() => checkPortBindings({ '53/udp': [{ HostIp: '', HostPort: '53' }] })).toThrow('only tcp');
    expect(() => checkPortBindings({ '80/tcp': [{ HostIp: '', HostPort: '70000' }] })).toThrow('invalid host port');
  });

  it('gives a free port where none was asked, and refuses one already taken', () => {
    const b = checkPortBindings({ '80/tcp': [{ HostIp: '', HostPort: '' }] });
    expect(allocatePorts(b, new Set([EPHEMERAL_START]))['80/tcp']![0]!.HostPort).toBe(String(EPHEMERAL_START + 1));
    const fixed = checkPortBindings({ '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
    expect(() => allocatePorts(fixed, new Set([8080]))).toThrow('port is already allocated');
  });
});

describe('/etc/hosts', () => {
  it('names the container and, on user networks, the others', () => {
    const text = hostsFile('abc123', [], [{ ip: '172.18.0.3', name: 'db' }]);
    expect(text).toContain('127.0.1.1\tabc123');
    expect(text).toContain('172.18.0.3\tdb');
  });
});
