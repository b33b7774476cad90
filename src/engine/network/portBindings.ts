/**
 * Published ports: Docker's HostConfig.PortBindings ("80/tcp" → host ip and
 * port), checked when the container is made and bound when it starts. A
 * binding without a host port gets a free one from Docker's ephemeral range.
 */
import { invalidParameter, systemError } from '../engineError';

export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

export type PortBindings = Record<string, PortBinding[]>;

/** The first port Docker's allocator hands out for `-p 80` (the kernel's ephemeral range starts here). */
export const EPHEMERAL_START = 49153;

export function checkPortBindings(bindings: PortBindings): PortBindings {
  const out: PortBindings = {};
  for (const [key, list] of Object.entries(bindings)) {
    const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/.exec(key);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) throw invalidParameter(`invalid container port: ${key}`);
    if (m[2] && m[2] !== 'tcp') throw invalidParameter(`only tcp ports can be published in this playground: ${key}`);
    out[`${m[1]}/tcp`] = (list ?? []).map((b) => {
      const hostIp = b.HostIp || '0.0.0.0';
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(hostIp)) throw invalidParameter(`invalid host ip: ${b.HostIp}`);
      if (b.HostPort && (!/^\d{1,5}$/.test(b.HostPort) || Number(b.HostPort) < 1 || Number(b.HostPort) > 65535)) {
        throw invalidParameter(`invalid host port: ${b.HostPort}`);
      }
      return { HostIp: hostIp, HostPort: b.HostPort ?? '' };
    });
  }
  return out;
}

/**
 * The host ports a starting container gets: its own bindings, with a free
 * port where none was asked for; a port another running container holds is
 * Docker's "port is already allocated".
 */
export function allocatePorts(bindings: PortBindings, taken: ReadonlySet<number>): PortBindings {
  const used = new Set(taken);
  const out: PortBindings = {};
  for (const [key, list] of Object.entries(bindings)) {
    out[key] = list.map((b) => {
      let port = b.HostPort ? Number(b.HostPort) : 0;
      if (port && used.has(port)) {
        throw systemError(
          `driver failed programming external connectivity: Bind for ${b.HostIp}:${port} failed: port is already allocated`,
        );
      }
      if (!port) {
        port = EPHEMERAL_START;
        while (used.has(port)) port++;
      }
      used.add(port);
      return { HostIp: b.HostIp, HostPort: String(port) };
    });
  }
  return out;
}

/** One line per binding: host address and port, and the container port it leads to. */
export interface PublishedPort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
}

export function publishedPorts(bindings: PortBindings): PublishedPort[] {
  return Object.entries(bindings).flatMap(([key, list]) =>
    list.map((b) => ({
      hostIp: b.HostIp || '0.0.0.0',
      hostPort: Number(b.HostPort) || 0,
      containerPort: Number(key.split('/')[0]),
    })),
  );
}
