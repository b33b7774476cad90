import { describe, expect, it } from 'vitest';
import { readNetworkPicture } from '../../src/pictures/networkPicture';
import { useEngine, useVm } from './vm';

/** Bridges, veth pairs, addresses, names and published ports, made in the guest kernel and checked from inside. */
describe('container networking', () => {
  const ctx = useVm();
  const env = useEngine(ctx);
  const ipOf = async (name: string) =>
    (await ctx.sh(`docker inspect -f '{{.NetworkSettings.IPAddress}}' ${name}`)).out.trim();

  it('on the default bridge: an address from 172.17.0.0/16 on eth0, a veth on docker0, ping by address', async () => {
    await ctx.sh('docker run -d --name a busybox sleep 600 && docker run -d --name b busybox sleep 600', 60_000);
    const ipB = await ipOf('b');
    expect(ipB).toMatch(/^172\.17\.0\.\d+$/);
    // What inspect says is what the kernel has.
    expect((await ctx.sh('docker exec b ip -o -4 addr show eth0')).out).toContain(`inet ${ipB}/16`);
    expect((await ctx.sh('docker exec b ip route')).out).toContain('default via 172.17.0.1 dev eth0');
    const ping = await ctx.sh(`docker exec a ping -c 2 -W 2 ${ipB}`, 20_000);
    expect(ping.out).toMatch(/[12] packets received/);
    // Both host ends are ports of the bridge (the kernel lists them under brif).
    expect((await ctx.sh('ls /sys/class/net/docker0/brif')).out).toMatch(/^veth\w+\nveth\w+\n$/);
    // The picture reads the same from the kernel: a's eth0 paired with a host veth on docker0, as inspect says.
    const picture = await readNetworkPicture(env.engine);
    const a = picture.containers.find((c) => c.name === 'a')!;
    expect(a.netns).not.toBe(picture.hostNetns);
    const veth = picture.host.find((h) => h.name === a.hostPeer['eth0']);
    expect(veth?.master).toBe('docker0');
    const addr = a.links.find((l) => l.name === 'eth0')!.addresses[0];
    expect(addr).toBe(`${a.inspect[0]!.ip}/16`);
    // The legacy default bridge resolves no container names, as in Docker.
    expect((await ctx.sh('docker exec a ping -c 1 -W 1 b')).code).not.toBe(0);
  });

  it('on a user network containers reach each other by name; one on another network cannot reach them', async () => {
    await ctx.sh('docker network create app && docker network create other');
    await ctx.sh(
      'docker run -d --name c1 --network app busybox sleep 600 && docker run -d --name c2 --network app busybox sleep 600 && docker run -d --name c3 --network other busybox sleep 600',
      60_000,
    );
    expect((await ctx.sh('docker exec c1 ping -c 1 -W 2 c2', 20_000)).out).toContain('1 packets received');
    const ip1 = (await ctx.sh(`docker inspect -f '{{.NetworkSettings.Networks.app.IPAddress}}' c1`)).out.trim();
    expect(ip1).toMatch(/^172\.18\.0\.\d+$/);
    expect((await ctx.sh('docker exec c2 cat /etc/hosts')).out).toContain(`${ip1}\tc1`);
    // Different bridge, no forwarding between them: neither by name nor by address.
    expect((await ctx.sh('docker exec c3 ping -c 1 -W 1 c1')).code).not.toBe(0);
    expect((await ctx.sh(`docker exec c3 ping -c 1 -W 1 ${ip1}`, 20_000)).out).toContain('0 packets received');
    // network connect gives c3 an interface on app at once; disconnect takes it away.
    await ctx.sh('docker network connect app c3');
    expect((await ctx.sh('docker exec c3 ip -o link')).out).toContain('eth1@');
    expect((await ctx.sh('docker exec c3 ping -c 1 -W 2 c1', 20_000)).out).toContain('1 packets received');
    await ctx.sh('docker network disconnect app c3');
    expect((await ctx.sh('docker exec c3 ip -o link')).out).not.toContain('eth1@');
    expect((await ctx.sh('docker exec c3 cat /etc/hosts')).out).not.toMatch(/\tc1$/m);
  });

  it('network inspect matches the kernel; rm is refused while containers use the network, then deletes its bridge', async () => {
    const inspect = JSON.parse((await ctx.sh('docker network inspect app')).out) as {
      Name: string;
      Options: Record<string, string>;
      IPAM: { Config: { Subnet: string; Gateway: string }[] };
      Containers: Record<string, { Name: string; IPv4Address: string }>;
    }[];
    const app = inspect[0]!;
    expect(app.IPAM.Config[0]).toEqual({ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' });
    expect(
      Object.values(app.Containers)
        .map((c) => c.Name)
        .sort(),
    ).toEqual(['c1', 'c2']);
    const bridge = app.Options['com.docker.network.bridge.name']!;
    expect((await ctx.sh(`ip -o -4 addr show ${bridge}`)).out).toContain('inet 172.18.0.1/16');
    const refused = await ctx.sh('docker network rm app');
    expect(refused.err).toContain('has active endpoints');
    await ctx.sh('docker rm -f c1 c2 c3 && docker network rm app other');
    expect((await ctx.sh(`ip link show ${bridge}`)).code).not.toBe(0);
    expect((await ctx.sh('docker network ls')).out).toMatch(
      /^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE\n(\w+\s+(bridge|host|none)\s+\w+\s+local\n){3}$/,
    );
  });

  it('--network none has only loopback; --network host shares the host’s interfaces', async () => {
    expect((await ctx.sh('docker run --rm --network none busybox ip -o link')).out.trim().split('\n')).toEqual([
      expect.stringMatching(/^1: lo: /),
    ]);
    expect((await ctx.sh('docker run --rm --network host busybox ip -o link')).out).toContain('eth0');
  });

  it('-p 8080:80 reaches busybox httpd through docker-proxy; rm takes the veth and the proxy away', async () => {
    const before = (await ctx.sh('ip -o link | grep -c veth; true')).out.trim();
    await ctx.sh(
      `docker run -d --name web -p 8080:80 busybox sh -c 'mkdir -p /www && echo hello from web > /www/index.html && exec httpd -f -p 80 -h /www'`,
      60_000,
    );
    // httpd starts a moment after `docker run -d` returns, as with Docker.
    const got = await ctx.sh(
      'for i in $(seq 50); do wget -qO- http://localhost:8080/ 2>/dev/null && break; usleep 100000; done',
      20_000,
    );
    expect(got.out).toBe('hello from web\n');
    expect((await ctx.sh('docker port web')).out).toBe('80/tcp -> 0.0.0.0:8080\n');
    // The page's path: from this thread over the machine's network card to 192.168.86.100:8080.
    const page = await ctx.vm.pageHttp(8080, '/');
    expect(page.status).toBe(200);
    expect(new TextDecoder().decode(page.body)).toBe('hello from web\n');
    await expect(ctx.vm.pageHttp(8081, '/', 3000)).rejects.toThrow('nothing answers on port 8081');
    expect((await ctx.sh('docker ps')).out).toMatch(/0\.0\.0\.0:8080->80\/tcp\s+web/);
    const proxies = (await ctx.sh("ps -o pid,args | grep '[d]ocker-proxy -proto tcp'")).out;
    expect(proxies).toContain('-host-port 8080 -container-ip 172.17.0.');
    // A second container may not take the same port.
    const clash = await ctx.sh('docker run -d --name web2 -p 8080:80 busybox sleep 60');
    expect(clash.err).toContain('port is already allocated');
    await ctx.sh('docker rm -f web web2');
    expect((await ctx.sh("ps -o args | grep -c '[d]ocker-proxy -proto tcp'; true")).out.trim()).toBe('0');
    expect((await ctx.sh('wget -qO- http://localhost:8080/')).code).not.toBe(0);
    await ctx.sh('sleep 0.5');
    expect((await ctx.sh('ip -o link | grep -c veth; true')).out.trim()).toBe(before);
  });

  it('run --rm -p frees its port by the time it answers: the next run takes the same port at once', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await ctx.sh('docker run --rm -p 8090:80 busybox true', 60_000);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
    }
    expect(
      (
        await ctx.sh("ps -o args | grep -c '[d]ocker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8090'; true")
      ).out.trim(),
    ).toBe('0');
  });
});
