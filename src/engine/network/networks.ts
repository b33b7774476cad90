/**
 * The daemon's networks, as Docker's: the predefined `bridge` (docker0,
 * 172.17.0.0/16), `host` and `none`, and user-defined bridge networks, each
 * a Linux bridge of its own with its own subnet. A container joined to a
 * network has an endpoint there: an address, a MAC and a veth pair whose
 * host end is on the bridge. These records are what the guest is made to
 * look like (see networkScripts.ts) and what `docker network inspect` shows.
 */
import { randomId } from '../images/digest';
import { conflict, forbidden, invalidParameter, notFound } from '../engineError';
import {
  formatSubnet,
  freeSubnet,
  gatewayOf,
  ipToNumber,
  macFor,
  nextAddress,
  overlaps,
  parseSubnet,
  type Subnet,
} from './ipam';

export interface Endpoint {
  containerId: string;
  /** The container's name, which other containers on a user network resolve. */
  name: string;
  endpointId: string;
  ip: string;
  mac: string;
  /** The interface inside the container: eth0 for its first network, eth1 … */
  ifname: string;
  /** The host end of the veth pair, on the bridge. */
  hostVeth: string;
}

export interface Network {
  id: string;
  name: string;
  driver: 'bridge' | 'host' | 'null';
  created: string;
  internal: boolean;
  labels: Record<string, string>;
  /** Bridge networks only. */
  subnet?: Subnet;
  gateway?: string;
  bridge?: string;
  /** Docker's legacy default bridge: no name resolution between its containers. */
  predefined: boolean;
  endpoints: Map<string, Endpoint>;
}

/** The page's own network on the guest's eth0 (see vm-image/rootfs/etc/rc): no bridge may overlap it. */
export const PAGE_SUBNET: Subnet = { base: ipToNumber('192.168.86.0'), prefix: 24 };
export const DEFAULT_BRIDGE = 'docker0';

export class Networks {
  private readonly all = new Map<string, Network>();

  constructor() {
    const predefined = (name: string, driver: Network['driver'], extra: Partial<Network> = {}): Network => ({
      id: randomId(),
      name,
      driver,
      created: new Date().toISOString(),
      internal: false,
      labels: {},
      predefined: true,
      endpoints: new Map(),
      ...extra,
    });
    const subnet = parseSubnet('172.17.0.0/16');
    for (const n of [
      predefined('bridge', 'bridge', { subnet, gateway: gatewayOf(subnet), bridge: DEFAULT_BRIDGE }),
      predefined('host', 'host'),
      predefined('none', 'null'),
    ]) {
      this.all.set(n.id, n);
    }
  }

  /** Puts back the networks of a saved machine (see snapshot.ts), predefined ones included: ids stay as they were. */
  replaceAll(networks: readonly Network[]): void {
    this.all.clear();
    for (const n of networks) this.all.set(n.id, n);
  }

  list(): Network[] {
    return [...this.all.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** By name, full id or unique id prefix, as Docker finds one. */
  get(ref: string): Network {
    const byName = [...this.all.values()].find((n) => n.name === ref);
    if (byName) return byName;
    const byId = [...this.all.values()].filter((n) => ref.length > 0 && n.id.startsWith(ref));
    if (byId.length === 1) return byId[0]!;
    throw notFound(`network ${ref} not found`);
  }

  create(opts: {
    name: string;
    driver?: string;
    subnet?: string;
    internal?: boolean;
    labels?: Record<string, string>;
  }) {
    const { name } = opts;
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) {
      throw invalidParameter(`invalid network name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    }
    if ([...this.all.values()].some((n) => n.name === name)) {
      throw conflict(`network with name ${name} already exists`);
    }
    const driver = opts.driver ?? 'bridge';
    if (driver !== 'bridge') {
      throw notFound(`plugin "${driver}" not found: this playground's networks are bridge networks`);
    }
    const inUse = [PAGE_SUBNET, ...this.list().flatMap((n) => (n.subnet ? [n.subnet] : []))];
    let subnet: Subnet;
    try {
      subnet = opts.subnet ? parseSubnet(opts.subnet) : freeSubnet(inUse);
    } catch (e) {
      throw invalidParameter((e as Error).message);
    }
    if (opts.subnet && inUse.some((u) => overlaps(u, subnet))) {
      throw forbidden(`Pool overlaps with other one on this address space`);
    }
    const id = randomId();
    const n: Network = {
      id,
      name,
      driver: 'bridge',
      created: new Date().toISOString(),
      internal: opts.internal ?? false,
      labels: opts.labels ?? {},
      subnet,
      gateway: gatewayOf(subnet),
      bridge: `br-${id.slice(0, 12)}`,
      predefined: false,
      endpoints: new Map(),
    };
    this.all.set(id, n);
    return n;
  }

  remove(ref: string): Network {
    const n = this.get(ref);
    if (n.predefined) throw forbidden(`${n.name} is a pre-defined network and cannot be removed`);
    if (n.endpoints.size) {
      throw forbidden(`error while removing network: network ${n.name} id ${n.id} has active endpoints`);
    }
    this.all.delete(n.id);
    return n;
  }

  /** A new endpoint for a container on a bridge network: the next free address, Docker's MAC for it. */
  attach(n: Network, container: { Id: string; Name: string }, ifname: string): Endpoint {
    if (n.driver !== 'bridge' || !n.subnet) throw invalidParameter(`network ${n.name} has no addresses to give`);
    if (n.endpoints.has(container.Id)) {
      throw forbidden(`endpoint with name ${container.Name} already exists in network ${n.name}`);
    }
    const ip = nextAddress(n.subnet, [n.gateway!, ...[...n.endpoints.values()].map((e) => e.ip)]);
    const e: Endpoint = {
      containerId: container.Id,
      name: container.Name,
      endpointId: randomId(),
      ip,
      mac: macFor(ip),
      ifname,
      // Unique on the host, and within the kernel's 15-character interface names.
      hostVeth: `veth${randomId().slice(0, 7)}`,
    };
    n.endpoints.set(container.Id, e);
    return e;
  }

  detach(n: Network, containerId: string): Endpoint | undefined {
    const e = n.endpoints.get(containerId);
    n.endpoints.delete(containerId);
    return e;
  }

  /** The networks a container is on, in the order it joined them. */
  of(containerId: string): { network: Network; endpoint: Endpoint }[] {
    return this.list()
      .flatMap((network) => {
        const endpoint = network.endpoints.get(containerId);
        return endpoint ? [{ network, endpoint }] : [];
      })
      .sort((a, b) => a.endpoint.ifname.localeCompare(b.endpoint.ifname, 'en', { numeric: true }));
  }

  /** Docker's GET /networks/{id} shape. */
  describe(n: Network, names: (id: string) => string = (id) => id) {
    return {
      Name: n.name,
      Id: n.id,
      Created: n.created,
      Scope: 'local',
      Driver: n.driver,
      EnableIPv6: false,
      IPAM: {
        Driver: 'default',
        Options: {},
        Config: n.subnet ? [{ Subnet: formatSubnet(n.subnet), Gateway: n.gateway }] : [],
      },
      Internal: n.internal,
      Attachable: false,
      Ingress: false,
      Containers: Object.fromEntries(
        [...n.endpoints.values()].map((e) => [
          e.containerId,
          {
            Name: names(e.containerId),
            EndpointID: e.endpointId,
            MacAddress: e.mac,
            IPv4Address: `${e.ip}/${n.subnet!.prefix}`,
            IPv6Address: '',
          },
        ]),
      ),
      Options: n.bridge ? { 'com.docker.network.bridge.name': n.bridge } : {},
      Labels: n.labels,
    };
  }
}
