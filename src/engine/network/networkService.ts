/**
 * The daemon's side of networking for containers, as moby's
 * daemon/container_operations.go and network.go: networks made and removed
 * (with their events), a container's endpoints (joined at create, connected
 * and disconnected later), its sandbox as the start plan needs it, /etc/hosts
 * kept current on user networks, and NetworkSettings for inspect.
 */
import type { Container } from '../containers/container';
import type { ContainerStore } from '../containers/store';
import { forbidden, invalidParameter, notFound, systemError } from '../engineError';
import type { EventLog } from '../events';
import { runScript, type Guest } from '../guest';
import { randomId } from '../images/digest';
import { containerPaths, type ContainerSpec } from '../runtime/containerPlan';
import { joinScripts, sh } from '../shell';
import { Networks, type Network } from './networks';
import {
  endpointDown,
  endpointUp,
  hostsFile,
  netnsPath,
  rewriteInPlace,
  sandboxSpec,
  type PortProxy,
} from './networkScripts';
import { allocatePorts, publishedPorts } from './portBindings';

export class NetworkService {
  private hostname: Promise<string> | null = null;

  constructor(
    private readonly guest: Guest,
    /** bridge, host, none and the user-defined networks; they live as long as the machine, like containers. */
    readonly networks: Networks,
    private readonly containers: ContainerStore,
    private readonly events: EventLog,
  ) {}

  /** `docker network create` */
  create(opts: Parameters<Networks['create']>[0]): Network {
    const n = this.networks.create(opts);
    this.events.emit('network', 'create', n.id, { name: n.name, type: n.driver });
    return n;
  }

  /** `docker network rm`: its bridge goes with it (made on first use, so it may never have existed). */
  async remove(ref: string): Promise<void> {
    const n = this.networks.remove(ref);
    if (n.bridge) await runScript(this.guest, sh`ip link del ${n.bridge} 2>/dev/null; true`);
    this.events.emit('network', 'destroy', n.id, { name: n.name, type: n.driver });
  }

  /** The network a new container's NetworkMode names: null for host and none, which have no endpoints. */
  modeOf(asked: string | undefined): { mode: string; network: Network | null } {
    const mode = !asked || asked === 'default' ? 'bridge' : asked;
    const network = mode === 'host' || mode === 'none' ? null : this.networks.get(mode);
    if (network && network.driver !== 'bridge') throw notFound(`network ${mode} not found`);
    return { mode, network };
  }

  /** The host's name, which a --network host container takes as its own, as Docker's does. */
  hostName(): Promise<string> {
    this.hostname ??= runScript(this.guest, sh`hostname`).then((r) => {
      if (r.exitCode !== 0 || !r.out.trim()) {
        this.hostname = null;
        throw systemError(`cannot read the host's name: ${r.err.trim()}`);
      }
      return r.out.trim();
    });
    return this.hostname;
  }

  /** A new container's first endpoint (eth0). */
  join(network: Network, c: Container): void {
    this.networks.attach(network, c, 'eth0');
  }

  /** Before a start: the published ports bound, and new host-side veth names. */
  prepareStart(c: Container): void {
    if (!this.networks.of(c.Id).length) return;
    c.ports = allocatePorts(c.HostConfig.PortBindings, this.portsInUse(c));
    // New host-side names each start: the last run's pair may still be on its way out of the kernel.
    for (const { endpoint } of this.networks.of(c.Id)) endpoint.hostVeth = `veth${randomId().slice(0, 7)}`;
  }

  /** The container's network as its plan needs it: the host's, loopback only, or a prepared namespace. */
  sandboxSpec(c: Container): ContainerSpec['network'] {
    const mode = c.HostConfig.NetworkMode;
    if (mode === 'host' || mode === 'none') return mode;
    const endpoints = this.networks.of(c.Id);
    const ip = endpoints[0]?.endpoint.ip;
    const bound = c.ports ?? c.HostConfig.PortBindings;
    const proxies: PortProxy[] = ip ? publishedPorts(bound).map((p) => ({ ...p, containerIp: ip })) : [];
    return sandboxSpec(c.Id, endpoints, proxies);
  }

  /** /etc/hosts for a container: its own address, and on user-defined networks the running containers there. */
  hostsFor(c: Container): string {
    const own = this.networks.of(c.Id);
    const peers = new Map<string, string>();
    for (const { network } of own) {
      if (network.predefined) continue;
      for (const e of network.endpoints.values()) {
        const other = this.containers.byFullId(e.containerId);
        if (e.containerId !== c.Id && other?.State.Running) peers.set(other.Name, e.ip);
      }
    }
    return hostsFile(
      c.Config.Hostname,
      own,
      [...peers].map(([name, ip]) => ({ name, ip })),
    );
  }

  networksOf(c: Container): Network[] {
    return this.networks.of(c.Id).map((x) => x.network);
  }

  /** Rewrites /etc/hosts of the running containers on these networks (someone joined, left, started or stopped). */
  async refreshHosts(networks: readonly Network[], also: readonly string[] = []): Promise<void> {
    const ids = new Set<string>(also);
    for (const n of networks) if (!n.predefined) for (const id of n.endpoints.keys()) ids.add(id);
    const running = [...ids]
      .map((id) => this.containers.byFullId(id))
      .filter((c): c is Container => !!c?.State.Running);
    if (!running.length) return;
    await runScript(
      this.guest,
      joinScripts([...running.map((c) => rewriteInPlace(containerPaths(c.Id).hosts, this.hostsFor(c))), sh`true`]),
    );
  }

  /** The removed container's endpoints go; returns the networks it was on. */
  leaveAll(c: Container): Network[] {
    const left = this.networksOf(c);
    for (const n of left) this.networks.detach(n, c.Id);
    return left;
  }

  /** Host ports other running containers hold. */
  private portsInUse(except: Container): Set<number> {
    const taken = new Set<number>();
    for (const c of this.containers.all()) {
      if (c === except || !c.ports) continue;
      for (const list of Object.values(c.ports)) for (const b of list) taken.add(Number(b.HostPort));
    }
    return taken;
  }

  /** `docker network connect`: a new endpoint; a running container gets its interface at once. */
  async connect(networkRef: string, containerRef: string): Promise<void> {
    const n = this.networks.get(networkRef);
    const c = this.containers.get(containerRef);
    if (n.driver !== 'bridge')
      throw invalidParameter(`container cannot be disconnected from host network or connected to host network`);
    if (c.HostConfig.NetworkMode === 'host' || c.HostConfig.NetworkMode === 'none') {
      throw invalidParameter(
        `container sharing network namespace with another container or host cannot be connected to any other network`,
      );
    }
    const e = this.networks.attach(n, c, `eth${this.networks.of(c.Id).length}`);
    if (c.State.Running) {
      const r = await runScript(this.guest, endpointUp(c.Id, n, e, false));
      if (r.exitCode !== 0) {
        this.networks.detach(n, c.Id);
        throw systemError(`could not connect ${c.Name} to ${n.name}: ${r.err.trim()}`);
      }
    }
    this.events.emit('network', 'connect', n.id, { name: n.name, container: c.Id });
    await this.refreshHosts([n]);
  }

  async disconnect(networkRef: string, containerRef: string): Promise<void> {
    const n = this.networks.get(networkRef);
    const c = this.containers.get(containerRef);
    const e = this.networks.detach(n, c.Id);
    if (!e) throw forbidden(`container ${c.Id} is not connected to network ${n.name}`);
    if (c.State.Running) await runScript(this.guest, endpointDown(c.Id, e));
    this.events.emit('network', 'disconnect', n.id, { name: n.name, container: c.Id });
    await this.refreshHosts([n], [c.Id]);
  }

  /** Docker's NetworkSettings: the endpoints (addresses while it runs, as Docker shows them) and the bound ports. */
  settings(c: Container) {
    const running = c.State.Running;
    const endpoints = this.networks.of(c.Id);
    const networks = Object.fromEntries(
      endpoints.map(({ network, endpoint }) => [
        network.name,
        {
          NetworkID: network.id,
          EndpointID: running ? endpoint.endpointId : '',
          Gateway: (running ? network.gateway : '') ?? '',
          IPAddress: running ? endpoint.ip : '',
          IPPrefixLen: running ? network.subnet!.prefix : 0,
          MacAddress: running ? endpoint.mac : '',
          Aliases: network.predefined ? null : [c.Name, c.Id.slice(0, 12)],
        },
      ]),
    );
    const mode = c.HostConfig.NetworkMode;
    if (mode === 'host' || mode === 'none') {
      // No endpoint of its own: Docker lists the network with empty addresses.
      const id = this.networks.get(mode).id;
      networks[mode] = {
        NetworkID: id,
        EndpointID: '',
        Gateway: '',
        IPAddress: '',
        IPPrefixLen: 0,
        MacAddress: '',
        Aliases: null,
      };
    }
    const onBridge = endpoints.find((x) => x.network.name === 'bridge');
    const ports: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
    for (const key of Object.keys(c.HostConfig.PortBindings)) ports[key] = c.ports?.[key] ?? null;
    return {
      SandboxKey: running && endpoints.length ? netnsPath(c.Id) : '',
      Ports: ports,
      // The legacy top-level fields describe the default bridge, as Docker's do.
      IPAddress: running && onBridge ? onBridge.endpoint.ip : '',
      Gateway: running && onBridge ? onBridge.network.gateway : '',
      MacAddress: running && onBridge ? onBridge.endpoint.mac : '',
      Networks: networks,
    };
  }
}
