/**
 * What networking looks like in the guest, as shell the engine runs there
 * (busybox's ip, brctl, unshare and nsenter, and docker-proxy from
 * vmtools). A container's network namespace is made before its process, as
 * libnetwork makes a sandbox before runc starts the container: a file under
 * /var/run/netns keeps it alive, one veth pair per network joins it to that
 * network's bridge, and vmctr joins it with --net <file>.
 */
import { shellQuote as q } from '../runtime/containerPlan';
import type { Endpoint, Network } from './networks';

export const NETNS_DIR = '/var/run/netns';
const PROXY_DIR = '/var/run/docker-proxy';

export const netnsPath = (containerId: string) => `${NETNS_DIR}/${containerId.slice(0, 12)}`;
const proxyPids = (containerId: string) => `${PROXY_DIR}/${containerId.slice(0, 12)}.pids`;

/** A published port with the container address it goes to. */
export interface PortProxy {
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
}

/**
 * The network's bridge with the gateway address, made on first use. Two
 * containers starting at once may both try; the loser's errors are harmless.
 */
export function bridgeUp(n: Network): string {
  const br = q(n.bridge!);
  return [
    `if ! ip link show ${br} >/dev/null 2>&1; then`,
    `  { ip link add name ${br} type bridge && ip addr add ${n.gateway}/${n.subnet!.prefix} dev ${br}; } 2>/dev/null || true`,
    'fi',
    `ip link set ${br} up`,
  ].join('\n');
}

/**
 * One endpoint: the pair is made inside the container's namespace, where the
 * kernel's automatic name for the peer (veth0) cannot collide with anything,
 * renamed and moved out to the host (the namespace of pid 1), then put on
 * the bridge.
 */
export function endpointUp(containerId: string, n: Network, e: Endpoint, defaultRoute: boolean): string {
  const ns = q(netnsPath(containerId));
  const inside = [
    `ip link add name ${e.ifname} type veth`,
    `ip link set veth0 name ${e.hostVeth}`,
    `ip link set ${e.hostVeth} netns 1`,
    `ip link set ${e.ifname} address ${e.mac}`,
    `ip addr add ${e.ip}/${n.subnet!.prefix} dev ${e.ifname}`,
    `ip link set ${e.ifname} up`,
    ...(defaultRoute && !n.internal ? [`ip route add default via ${n.gateway}`] : []),
  ].join(' && ');
  return [
    bridgeUp(n),
    `nsenter --net=${ns} sh -c ${q(inside)}`,
    `brctl addif ${q(n.bridge!)} ${e.hostVeth}`,
    `ip link set ${e.hostVeth} up`,
  ].join('\n');
}

export function endpointDown(containerId: string, e: Endpoint): string {
  // Deleting one end of a veth pair deletes the other, on the bridge.
  return `nsenter --net=${q(netnsPath(containerId))} ip link del ${e.ifname} 2>/dev/null || true`;
}

/** Docker's userland proxy for each published port, started once it listens; their pids kept for the teardown. */
export function proxiesUp(containerId: string, proxies: readonly PortProxy[]): string {
  if (!proxies.length) return '';
  const pids = q(proxyPids(containerId));
  return [
    `mkdir -p ${PROXY_DIR}`,
    ...proxies.map(
      (p) =>
        `docker-proxy -proto tcp -host-ip ${p.hostIp} -host-port ${p.hostPort} -container-ip ${p.containerIp} -container-port ${p.containerPort} >> ${pids}`,
    ),
  ].join('\n');
}

/** The container's network namespace with its endpoints and published ports, before its process starts. */
export function sandboxUp(
  containerId: string,
  endpoints: readonly { network: Network; endpoint: Endpoint }[],
  proxies: readonly PortProxy[],
): string {
  const ns = q(netnsPath(containerId));
  return [
    sandboxDown(containerId),
    `mkdir -p ${NETNS_DIR} && : > ${ns} && unshare --net=${ns} true`,
    `nsenter --net=${ns} ip link set lo up`,
    ...endpoints.map(({ network, endpoint }, i) => endpointUp(containerId, network, endpoint, i === 0)),
    proxiesUp(containerId, proxies),
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * Undoes sandboxUp once the container has exited: the proxies stop, and with
 * the last reference to the namespace gone the kernel deletes its veth ends,
 * which takes their peers off the bridges.
 */
export function sandboxDown(containerId: string): string {
  const ns = q(netnsPath(containerId));
  const pids = q(proxyPids(containerId));
  return [
    `if [ -f ${pids} ]; then kill $(cat ${pids}) 2>/dev/null; rm -f ${pids}; fi`,
    `if [ -e ${ns} ]; then umount ${ns} 2>/dev/null; rm -f ${ns}; fi`,
  ].join('\n');
}

/**
 * The container's /etc/hosts. On a user-defined network the engine keeps the
 * other containers' names here (Docker answers them from an embedded DNS
 * server at 127.0.0.11; the guest has no DNS server to run, and a file the
 * engine rewrites does the same job for a lesson and can be read with cat).
 * The default bridge, as in Docker, resolves no container names.
 */
export function hostsFile(
  hostname: string,
  own: readonly { network: Network; endpoint: Endpoint }[],
  peers: readonly { ip: string; name: string }[],
): string {
  const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  const first = own[0]?.endpoint.ip;
  lines.push(`${first ?? '127.0.1.1'}\t${hostname}`);
  if (peers.length) lines.push('# containers on the same user-defined networks, kept by the engine');
  for (const p of peers) lines.push(`${p.ip}\t${p.name}`);
  return lines.join('\n') + '\n';
}

/** Writes a file in place (same inode), so a bind mount of it in a running container sees the new text. */
export function rewriteInPlace(path: string, content: string): string {
  return `[ -e ${q(path)} ] && printf %s ${q(content)} > ${q(path)}`;
}
