import { describe, expect, it } from 'vitest';
import type { LinkView, NetworkPictureView } from './networkPicture';
import { networkLayout, requestPath } from './networkLayout';

const link = (o: Partial<LinkView> & { index: number; name: string }): LinkView => ({
  peerIndex: null,
  mac: '02:42:00:00:00:00',
  up: true,
  master: null,
  isBridge: false,
  addresses: [],
  ...o,
});

/** docker0 with web on it (port 8080 published), a user network "back" with db, and one --network host container. */
const view: NetworkPictureView = {
  hostNetns: 'net:[1]',
  host: [
    link({ index: 2, name: 'eth0', addresses: ['10.0.2.15/24'] }),
    link({ index: 4, name: 'docker0', isBridge: true, addresses: ['172.17.0.1/16'] }),
    link({ index: 5, name: 'vethaaa', peerIndex: 3, master: 'docker0' }),
    link({ index: 6, name: 'br-back', isBridge: true, addresses: ['172.18.0.1/16'] }),
    link({ index: 7, name: 'vethbbb', peerIndex: 3, master: 'br-back' }),
  ],
  containers: [
    {
      id: 'w',
      name: 'web',
      pid: 90,
      netns: 'net:[2]',
      links: [
        link({ index: 1, name: 'lo' }),
        link({ index: 3, name: 'eth0', peerIndex: 5, addresses: ['172.17.0.2/16'] }),
      ],
      hostPeer: { eth0: 'vethaaa' },
      inspect: [{ network: 'bridge', ip: '172.17.0.2', mac: '', prefix: 16 }],
      mode: 'bridge',
    },
    {
      id: 'd',
      name: 'db',
      pid: 95,
      netns: 'net:[3]',
      links: [link({ index: 3, name: 'eth0', peerIndex: 7, addresses: ['172.18.0.2/16'] })],
      hostPeer: { eth0: 'vethbbb' },
      inspect: [{ network: 'back', ip: '172.18.0.9', mac: '', prefix: 16 }],
      mode: 'back',
    },
    { id: 'h', name: 'hostnet', pid: 99, netns: 'net:[1]', links: [], hostPeer: {}, inspect: [], mode: 'host' },
  ],
  networks: [
    { name: 'bridge', bridge: 'docker0' },
    { name: 'back', bridge: 'br-back' },
  ],
  proxies: [{ pid: 120, hostIp: '0.0.0.0', hostPort: 8080, containerIp: '172.17.0.2', containerPort: 80 }],
};

describe('the network diagram', () => {
  const l = networkLayout(view);

  it('draws each bridge as a bar in the host, named by its network', () => {
    expect(l.bridges.map((b) => [b.name, b.network, b.address])).toEqual([
      ['docker0', 'bridge', '172.17.0.1/16'],
      ['br-back', 'back', '172.18.0.1/16'],
    ]);
    for (const b of l.bridges) expect(b.y + 10).toBeLessThanOrEqual(l.host.y + l.host.h);
  });

  it('draws each container namespace below the host with its interfaces, --network host inside it', () => {
    const web = l.containers.find((c) => c.name === 'web')!;
    expect(web.inHost).toBe(false);
    expect(web.y).toBeGreaterThan(l.host.y + l.host.h);
    expect(web.ifaces.map((f) => `${f.name} ${f.address}`)).toEqual(['eth0 172.17.0.2/16']);
    expect(l.containers.find((c) => c.name === 'hostnet')!.inHost).toBe(true);
    // inspect says another address than the kernel: drawn as a disagreement.
    expect(l.containers.find((c) => c.name === 'db')!.inspectAgrees).toBe(false);
    expect(web.inspectAgrees).toBe(true);
  });

  it('wires each veth pair as a cable from the container’s interface up to its bridge', () => {
    expect(l.cables.map((c) => `${c.container}.${c.iface}=${c.veth}@${c.bridge}`)).toEqual([
      'web.eth0=vethaaa@docker0',
      'db.eth0=vethbbb@br-back',
    ]);
    const cable = l.cables[0]!;
    const bar = l.bridges.find((b) => b.name === 'docker0')!;
    expect(cable.y2).toBe(bar.y + 10);
    expect(cable.y1).toBe(l.containers.find((c) => c.name === 'web')!.y);
  });

  it('points each published port through docker-proxy at the container holding the address', () => {
    expect(l.proxies).toMatchObject([{ hostPort: 8080, containerPort: 80, target: 'web' }]);
    const path = requestPath(l, 8080)!;
    expect(path.startsWith(`M${l.client.x + l.client.w},`)).toBe(true);
    expect(path.endsWith(`${Math.round(l.cables[0]!.x)},${Math.round(l.cables[0]!.y1)}`)).toBe(true);
    expect(requestPath(l, 9999)).toBeNull();
  });

  it('draws the goal’s network as a dashed cable, or a dashed container when there is none yet', () => {
    const g = networkLayout(view, { container: 'web', network: 'back' }).ghost!;
    expect(g.box).toBeNull();
    expect(g.cable!.bridge).toBe('br-back');
    const missing = networkLayout(view, { container: 'cache', network: 'back' }).ghost!;
    expect(missing.box).not.toBeNull();
    expect(networkLayout(view, { container: 'web', network: 'bridge' }).ghost).toBeNull();
  });
});
