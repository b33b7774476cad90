/**
 * What networking looks like in the guest, as shell the engine runs there
 * (vmnet and docker-proxy from vmtools, busybox's ip and nsenter). A
 * container's network namespace is made before its process, as libnetwork
 * makes a sandbox before runc starts the container: a file under
 * /var/run/netns keeps it alive, one veth pair per network joins it to that
 * network's bridge, and vmctr joins it with --net <file>.
 */
import type { PreparedNetwork } from '../runtime/containerPlan';
import { joinScripts, sh, type Script } from '../shell';
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

/** vmnet's description of an endpoint: bridge, gateway/prefix, host veth, inside name, MAC, address/prefix, route. */
function endpointSpec(n: Network, e: Endpoint, defaultRoute: boolean): string {
  const prefix = n.subnet!.prefix;
  return [
    n.bridge,
    `${n.gateway}/${prefix}`,
    e.hostVeth,
    e.ifname,
    e.mac,
    `${e.ip}/${prefix}`,
    defaultRoute && !n.internal ? 1 : 0,
  ].join(',');
}

/**
 * One more endpoint for a container whose namespace exists (docker network
 * connect): the bridge if missing, the pair with its inside end made in the
 * namespace under its final name, the host end on the bridge, the address.
 * vmnet (vm-image/guest/netsetup.c) does it over rtnetlink in one process.
 */
export function endpointUp(containerId: string, n: Network, e: Endpoint, defaultRoute: boolean): Script {
  return sh`vmnet up ${netnsPath(containerId)} --endpoint ${endpointSpec(n, e, defaultRoute)}`;
}

export function endpointDown(containerId: string, e: Endpoint): Script {
  // Deleting one end of a veth pair deletes the other, on the bridge.
  return sh`nsenter --net=${netnsPath(containerId)} ip link del ${e.ifname} 2>/dev/null || true`;
}

/** Docker's userland proxy for each published port, started once it listens; their pids kept for the teardown. */
export function proxiesUp(containerId: string, proxies: readonly PortProxy[]): Script | null {
  if (!proxies.length) return null;
  const pids = proxyPids(containerId);
  return joinScripts([
    sh`mkdir -p ${PROXY_DIR}`,
    ...proxies.map(
      (p) =>
        sh`docker-proxy -proto tcp -host-ip ${p.hostIp} -host-port ${p.hostPort} -container-ip ${p.containerIp} -container-port ${p.containerPort} >> ${pids}`,
    ),
  ]);
}

/**
 * The container's network namespace with its endpoints and published ports,
 * made by vmctr before its process starts (a namespace left at the path by an
 * earlier run goes first): the first endpoint carries the default route.
 */
export function sandboxSpec(
  containerId: string,
  endpoints: readonly { network: Network; endpoint: Endpoint }[],
  proxies: readonly PortProxy[],
): PreparedNetwork {
  return {
    netns: netnsPath(containerId),
    endpoints: endpoints.map(({ network, endpoint }, i) => endpointSpec(network, endpoint, i === 0)),
    proxies: proxiesUp(containerId, proxies)?.text ?? null,
  };
}

/**
 * Undoes sandboxSpec once the container has exited (vmctr's steps): the
 * proxies stop, and with the last reference to the namespace gone the kernel
 * deletes its veth ends, which takes their peers off the bridges.
 */
export function sandboxDown(containerId: string): string[] {
  return [...proxiesDown(containerId), `netns-down:${netnsPath(containerId)}`];
}

/** The container's docker-proxy processes stopped, so its host ports are free. */
export function proxiesDown(containerId: string): string[] {
  return [`kill-pids:${proxyPids(containerId)}`];
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
export function rewriteInPlace(path: string, content: string): Script {
  return sh`[ -e ${path} ] && printf %s ${content} > ${path}`;
}
