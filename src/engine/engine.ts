/**
 * The daemon: images and containers on top of a Guest. It plans each
 * container, carries the plan out in the guest kernel, and keeps Docker's
 * view of it (state, exit code, OOM kill, logs).
 */
import type { Container, ContainerConfig, HostConfig } from './containers/container';
import { ZERO_TIME } from './containers/container';
import { randomName } from './containers/names';
import { EventLog } from './events';
import { sh, type Guest } from './guest';
import { hexOf, randomId } from './images/digest';
import { formatReference, parseReference } from './images/reference';
import { ImageNotFoundError, type Image, type ImageStore } from './images/imageStore';
import { containerPaths, containerPlan, INIT_LAYER, shellQuote, USERNS_BASE } from './runtime/containerPlan';
import { LayerCache } from './runtime/layerCache';
import { layerDiff } from './runtime/layerDiff';
import { commitConfig, parseChanges, type CommitOptions } from './images/commitConfig';
import { layerFromTar } from './images/layerArchive';
import { adoptRun, runPlan, runTag, type StartedContainer } from './runtime/runPlan';
import { Distribution } from './distribution/distribution';
import { EngineError } from './engineError';

export { EngineError };
import { untaggedParents } from './images/imageParents';
import { Networks, type Network } from './network/networks';
import { allocatePorts, checkPortBindings, publishedPorts, type PortBindings } from './network/portBindings';
import {
  endpointDown,
  endpointUp,
  hostsFile,
  netnsPath,
  rewriteInPlace,
  sandboxDown,
  sandboxUp,
  type PortProxy,
} from './network/networkScripts';
import type { ContainerSpec } from './runtime/containerPlan';

export interface CreateOptions {
  image: string;
  /** Replaces the image's Cmd. */
  cmd?: string[];
  /** Replaces the image's Entrypoint. */
  entrypoint?: string[];
  name?: string;
  env?: string[];
  workdir?: string;
  user?: string;
  hostname?: string;
  memory?: number;
  nanoCpus?: number;
  pidsLimit?: number;
  /** bridge (the default), host, none, or a user-defined network */
  network?: string;
  /** -p */
  portBindings?: PortBindings;
  userns?: boolean;
  autoRemove?: boolean;
  labels?: Record<string, string>;
  /** -t */
  tty?: boolean;
  /** -i */
  openStdin?: boolean;
  /** -v: "src:dst[:ro]"; a src that is not a path names a volume */
  binds?: string[];
  /** For the builder's COPY: run this guest binary as the command (vmctr --host-exec) … */
  hostExec?: string;
  /** … reading what the engine writes to the container's input. */
  pipeStdin?: boolean;
}

export const VOLUMES_DIR = '/var/lib/docker/volumes';

/** Docker's -v forms: /guest/path:/in/container[:ro|rw] and volume-name:/in/container[:ro|rw]. */
export function parseBind(bind: string): { source: string; target: string; readonly: boolean; volume?: string } {
  const parts = bind.split(':');
  const [src, dst, mode] = parts;
  if (parts.length < 2 || parts.length > 3 || !src || !dst || (mode && mode !== 'ro' && mode !== 'rw')) {
    throw new EngineError(`invalid volume specification: '${bind}'`, 400);
  }
  if (!dst.startsWith('/')) throw new EngineError(`invalid mount config: mount path must be absolute: ${dst}`, 400);
  if (src.startsWith('/')) return { source: src, target: dst, readonly: mode === 'ro' };
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(src)) {
    throw new EngineError(`"${src}" includes invalid characters for a local volume name`, 400);
  }
  return { source: `${VOLUMES_DIR}/${src}/_data`, target: dst, readonly: mode === 'ro', volume: src };
}

export interface ExecOptions {
  env?: string[];
  workdir?: string;
  user?: string;
  /** -t: a terminal of this size */
  tty?: { rows: number; cols: number };
}

export interface ExecRecord {
  id: string;
  containerId: string;
  argv: string[];
  opts: ExecOptions;
  running: boolean;
  exitCode: number | null;
}

/** What followers get when the container's output has ended. */
export const END_OF_OUTPUT: LogEntry = Object.freeze({ stream: 'stdout', text: '', time: '' }) as LogEntry;

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  text: string;
  time: string;
}

const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, TERM: 15 };

export class Engine {
  readonly events = new EventLog();
  readonly layers: LayerCache;
  /** bridge, host, none and the user-defined networks; they live as long as the machine, like containers. */
  readonly networks = new Networks();
  /** Pull, push, login and search, through whatever registry transport the host connects. */
  readonly distribution: Distribution;
  private readonly containers = new Map<string, Container>();
  private cgroupParentReady: Promise<void> | null = null;
  /** Live output of running containers, for attach and logs --follow. */
  private readonly followers = new Map<string, Set<(e: LogEntry) => void>>();
  /** Exit codes of containers removed by --rm, so a late `wait` still gets one. */
  private readonly removedExitCodes = new Map<string, number>();
  private readonly execs = new Map<string, ExecRecord>();

  private seeded: Promise<void> | null = null;

  /**
   * @param seedImages puts the base images in the store and returns their
   *   tags; run once, when something first needs images (a request, or the
   *   page's prefetch of base layers a moment after boot).
   */
  constructor(
    readonly guest: Guest,
    readonly images: ImageStore,
    private readonly seedImages?: () => Promise<string[]>,
  ) {
    this.layers = new LayerCache(guest);
    this.distribution = new Distribution(images, this.events);
  }

  /** Makes sure the base images are in the store (see the constructor). */
  ensureImages(): Promise<void> {
    this.seeded ??= (this.seedImages?.() ?? Promise.resolve([]))
      .then(async (tags) => {
        // Docker says "pull" when an image arrives from a registry; here it arrives from the site's store.
        for (const t of tags) {
          const image = await this.images.resolve(t);
          this.events.emit('image', 'pull', image.id, { name: t });
          // The same images are the registry's official ones: a push can mount their layers from there.
          if (!t.startsWith('scratch:')) await this.distribution.rememberOrigin(image, t);
        }
      })
      .catch((e: Error) => {
        this.seeded = null;
        throw new EngineError(`could not load the base images: ${e.message}`, 500);
      });
    return this.seeded;
  }

  /**
   * Unpacks the base images' layers in the guest ahead of time (the page calls
   * it once the machine is idle), so the first `docker run` does not wait for
   * a megabyte to cross the control channel and be unpacked.
   */
  async prefetchBaseLayers(): Promise<void> {
    await this.ensureImages();
    for (const image of await this.images.list()) await this.unpackLayers(image);
  }

  /** Every layer of the image unpacked in the guest (once each, shared); their paths, bottom first. */
  private async unpackLayers(image: Image, idShift = 0): Promise<string[]> {
    const paths: string[] = [];
    for (let i = 0; i < image.manifest.layers.length; i++) {
      const desc = image.manifest.layers[i]!;
      const blob = async () => {
        const b = await this.images.blobs.get(desc.digest);
        if (!b) throw new EngineError(`image ${image.id} is missing layer ${desc.digest}`, 500);
        return b;
      };
      paths.push(await this.layers.ensure(image.config.rootfs.diff_ids[i]!, blob, idShift));
    }
    return paths;
  }

  private kernel: Promise<string> | null = null;

  /** The guest kernel's release, as `uname -r` prints it. */
  kernelVersion(): Promise<string> {
    this.kernel ??= sh(this.guest, 'uname -r').then((r) => r.out.trim());
    return this.kernel;
  }

  /** An image by reference or id; an unknown one is Docker's 404 "No such image". */
  image(ref: string): Promise<Image> {
    return this.images.resolve(ref).catch((e: unknown) => {
      throw e instanceof ImageNotFoundError ? new EngineError(e.message, 404) : e;
    });
  }

  /** A container by full id, unique id prefix, or name. */
  get(ref: string): Container {
    const byName = [...this.containers.values()].find((c) => c.Name === ref.replace(/^\//, ''));
    if (byName) return byName;
    const matches = [...this.containers.values()].filter((c) => c.Id.startsWith(ref));
    if (matches.length === 1 && ref.length > 0) return matches[0]!;
    if (matches.length > 1) throw new EngineError(`multiple IDs found with provided prefix: ${ref}`, 400);
    throw new EngineError(`No such container: ${ref}`, 404);
  }

  list(all = false): Container[] {
    return [...this.containers.values()]
      .filter((c) => all || c.State.Running)
      .sort((a, b) => (a.Created < b.Created ? 1 : -1));
  }

  async create(o: CreateOptions): Promise<Container> {
    await this.ensureImages();
    const image = await this.image(o.image);
    const name = o.name ?? randomName((n) => [...this.containers.values()].some((c) => c.Name === n));
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) throw new EngineError(`Invalid container name (${name})`, 400);
    if ([...this.containers.values()].some((c) => c.Name === name)) {
      throw new EngineError(`Conflict. The container name "/${name}" is already in use.`, 409);
    }
    const ic = image.config.config;
    const entrypoint = o.entrypoint ?? ic.Entrypoint ?? null;
    const cmd = o.cmd && o.cmd.length ? o.cmd : o.entrypoint ? [] : (ic.Cmd ?? []);
    if ((entrypoint?.length ?? 0) + cmd.length === 0) throw new EngineError('No command specified', 400);
    const networkMode = !o.network || o.network === 'default' ? 'bridge' : o.network;
    const network = networkMode === 'host' || networkMode === 'none' ? null : this.networks.get(networkMode);
    if (network && network.driver !== 'bridge') throw new EngineError(`network ${networkMode} not found`, 404);
    const id = randomId();
    const env = mergeEnv(ic.Env ?? [], o.env ?? []);
    const config: ContainerConfig = {
      Image: o.image,
      Cmd: cmd,
      Entrypoint: entrypoint,
      Env: env,
      WorkingDir: o.workdir ?? ic.WorkingDir ?? '',
      User: o.user ?? ic.User ?? '',
      Hostname: o.hostname ?? id.slice(0, 12),
      Labels: { ...(ic.Labels ?? {}), ...(o.labels ?? {}) },
      Tty: o.tty ?? false,
      OpenStdin: o.openStdin ?? false,
    };
    const hostConfig: HostConfig = {
      Memory: o.memory ?? 0,
      NanoCpus: o.nanoCpus ?? 0,
      PidsLimit: o.pidsLimit ?? null,
      NetworkMode: networkMode,
      PortBindings: checkPortBindings(o.portBindings ?? {}),
      UsernsMode: o.userns ? 'private' : '',
      AutoRemove: o.autoRemove ?? false,
      Binds: o.binds ?? [],
    };
    hostConfig.Binds.forEach(parseBind); // refuse a bad -v before anything is made
    // Topmost first, as overlayfs lists lower dirs.
    const layers = (await this.unpackLayers(image, o.userns ? USERNS_BASE : 0)).reverse();
    const c: Container = {
      Id: id,
      Name: name,
      Created: new Date().toISOString(),
      Image: image.id,
      Config: config,
      HostConfig: hostConfig,
      State: {
        Status: 'created',
        Running: false,
        Paused: false,
        Pid: 0,
        ExitCode: 0,
        OOMKilled: false,
        StartedAt: ZERO_TIME,
        FinishedAt: ZERO_TIME,
        Error: '',
      },
      layers,
      plan: [],
      ...(o.hostExec ? { hostExec: o.hostExec } : {}),
      ...(o.pipeStdin ? { pipeStdin: true } : {}),
    };
    if (network) this.networks.attach(network, c, 'eth0');
    c.plan = this.planFor(c);
    this.containers.set(id, c);
    this.events.emit('container', 'create', id, { name, image: o.image });
    return c;
  }

  private planFor(c: Container) {
    const mounts = c.HostConfig.Binds.map(parseBind);
    const user = c.Config.User;
    return containerPlan({
      id: c.Id,
      layers: c.layers,
      argv: [...(c.Config.Entrypoint ?? []), ...c.Config.Cmd],
      env: c.Config.Env,
      hostname: c.Config.Hostname,
      workdir: c.Config.WorkingDir || undefined,
      user: user || undefined,
      memoryBytes: c.HostConfig.Memory || undefined,
      nanoCpus: c.HostConfig.NanoCpus || undefined,
      pidsLimit: c.HostConfig.PidsLimit ?? undefined,
      network: this.networkSpec(c),
      hosts: this.hostsFor(c),
      userns: c.HostConfig.UsernsMode === 'private',
      ...(c.Config.Tty ? { tty: c.ttySize ?? { rows: 24, cols: 80 } } : {}),
      mounts,
      volumeDirs: mounts.filter((m) => m.volume).map((m) => m.source),
      // -i without -t: a pipe the client writes to (attach with stdin), closed at its end of input.
      ...(c.pipeStdin || (c.Config.OpenStdin && !c.Config.Tty) ? { stdin: true } : {}),
      ...(c.hostExec ? { hostExec: c.hostExec } : {}),
    });
  }

  /** The container's network as its plan needs it: the host's, loopback only, or a prepared namespace. */
  private networkSpec(c: Container): ContainerSpec['network'] {
    const mode = c.HostConfig.NetworkMode;
    if (mode === 'host' || mode === 'none') return mode;
    const endpoints = this.networks.of(c.Id);
    const ip = endpoints[0]?.endpoint.ip;
    const bound = c.ports ?? c.HostConfig.PortBindings;
    const proxies: PortProxy[] = ip ? publishedPorts(bound).map((p) => ({ ...p, containerIp: ip })) : [];
    return { netns: netnsPath(c.Id), setup: sandboxUp(c.Id, endpoints, proxies) };
  }

  /** /etc/hosts for a container: its own address, and on user-defined networks the running containers there. */
  private hostsFor(c: Container): string {
    const own = this.networks.of(c.Id);
    const peers = new Map<string, string>();
    for (const { network } of own) {
      if (network.predefined) continue;
      for (const e of network.endpoints.values()) {
        const other = this.containers.get(e.containerId);
        if (e.containerId !== c.Id && other?.State.Running) peers.set(other.Name, e.ip);
      }
    }
    return hostsFile(
      c.Config.Hostname,
      own,
      [...peers].map(([name, ip]) => ({ name, ip })),
    );
  }

  /** Rewrites /etc/hosts of the running containers on these networks (someone joined, left, started or stopped). */
  private async refreshHosts(networks: readonly Network[], also: readonly string[] = []): Promise<void> {
    const ids = new Set<string>(also);
    for (const n of networks) if (!n.predefined) for (const id of n.endpoints.keys()) ids.add(id);
    const script = [...ids]
      .map((id) => this.containers.get(id))
      .filter((c): c is Container => !!c?.State.Running)
      .map((c) => rewriteInPlace(containerPaths(c.Id).hosts, this.hostsFor(c)))
      .join('\n');
    if (script) await sh(this.guest, `${script}\ntrue`);
  }

  /** Host ports other running containers hold. */
  private portsInUse(except: Container): Set<number> {
    const taken = new Set<number>();
    for (const c of this.containers.values()) {
      if (c === except || !c.ports) continue;
      for (const list of Object.values(c.ports)) for (const b of list) taken.add(Number(b.HostPort));
    }
    return taken;
  }

  /** Docker's NetworkSettings: the endpoints (addresses while it runs, as Docker shows them) and the bound ports. */
  private networkSettings(c: Container) {
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

  /** `docker network connect`: a new endpoint; a running container gets its interface at once. */
  async connect(networkRef: string, containerRef: string): Promise<void> {
    const n = this.networks.get(networkRef);
    const c = this.get(containerRef);
    if (n.driver !== 'bridge')
      throw new EngineError(`container cannot be disconnected from host network or connected to host network`, 400);
    if (c.HostConfig.NetworkMode === 'host' || c.HostConfig.NetworkMode === 'none') {
      throw new EngineError(
        `container sharing network namespace with another container or host cannot be connected to any other network`,
        400,
      );
    }
    const e = this.networks.attach(n, c, `eth${this.networks.of(c.Id).length}`);
    if (c.State.Running) {
      const r = await sh(this.guest, endpointUp(c.Id, n, e, false));
      if (r.exitCode !== 0) {
        this.networks.detach(n, c.Id);
        throw new EngineError(`could not connect ${c.Name} to ${n.name}: ${r.err.trim()}`, 500);
      }
    }
    this.events.emit('network', 'connect', n.id, { name: n.name, container: c.Id });
    await this.refreshHosts([n]);
  }

  async disconnect(networkRef: string, containerRef: string): Promise<void> {
    const n = this.networks.get(networkRef);
    const c = this.get(containerRef);
    const e = this.networks.detach(n, c.Id);
    if (!e) throw new EngineError(`container ${c.Id} is not connected to network ${n.name}`, 403);
    if (c.State.Running) await sh(this.guest, endpointDown(c.Id, e));
    this.events.emit('network', 'disconnect', n.id, { name: n.name, container: c.Id });
    await this.refreshHosts([n], [c.Id]);
  }

  private ensureCgroupParent(): Promise<void> {
    this.cgroupParentReady ??= sh(
      this.guest,
      "mkdir -p /sys/fs/cgroup/docker && echo '+memory +pids +cpu' > /sys/fs/cgroup/docker/cgroup.subtree_control",
    ).then((r) => {
      if (r.exitCode !== 0) {
        this.cgroupParentReady = null;
        throw new EngineError(`cannot prepare the docker cgroup: ${r.err}`, 500);
      }
    });
    return this.cgroupParentReady;
  }

  async start(ref: string): Promise<Container> {
    const c = this.get(ref);
    if (c.State.Running) return c;
    await this.ensureCgroupParent();
    if (this.networks.of(c.Id).length) {
      c.ports = allocatePorts(c.HostConfig.PortBindings, this.portsInUse(c));
      // New host-side names each start: the last run's pair may still be on its way out of the kernel.
      for (const { endpoint } of this.networks.of(c.Id)) endpoint.hostVeth = `veth${randomId().slice(0, 7)}`;
    }
    c.plan = this.planFor(c); // the terminal size and the network may have changed since create
    const started = await runPlan(
      this.guest,
      c.plan,
      (line) => {
        const entry: LogEntry = { stream: line.stream, text: line.log, time: line.time };
        for (const f of this.followers.get(c.Id) ?? []) f(entry);
      },
      {
        // A restart keeps the container layer; the mount and cgroup are made again.
        ...(c.State.Status === 'exited' ? { before: this.teardownScript(c, false) } : {}),
        // Once it exits, its network goes: the proxies stop, the namespace and its veth pairs are deleted.
        ...(c.plan.some((s) => s.kind === 'network') ? { after: sandboxDown(c.Id) } : {}),
        // With --rm, the same round trip removes the container once it exits.
        ...(c.HostConfig.AutoRemove ? { teardown: this.teardownScript(c, true) } : {}),
        tag: runTag(c.Id),
      },
    ).catch((e: Error) => {
      c.State.Error = e.message;
      c.ports = undefined;
      throw new EngineError(e.message, 500);
    });
    Object.assign(c.State, {
      Status: 'running',
      Running: true,
      Paused: false,
      Pid: started.pid,
      ExitCode: 0,
      OOMKilled: false,
      StartedAt: new Date().toISOString(),
      FinishedAt: ZERO_TIME,
      Error: '',
    });
    if (started.input) c.input = started.input;
    this.events.emit('container', 'start', c.Id, { name: c.Name, image: c.Config.Image });
    await this.refreshHosts(this.networks.of(c.Id).map((x) => x.network));
    this.watchExit(c, started.exited);
    return c;
  }

  /** Records the container's exit when its run ends (a run started here, or adopted from a saved machine). */
  private watchExit(c: Container, exited: StartedContainer['exited']): void {
    c.exited = exited.then(
      async ({ exitCode, oomKilled, tornDown }) => {
        Object.assign(c.State, {
          Status: 'exited',
          Running: false,
          Paused: false,
          Pid: 0,
          ExitCode: exitCode,
          OOMKilled: oomKilled,
          FinishedAt: new Date().toISOString(),
        });
        c.ports = undefined;
        void this.refreshHosts(this.networks.of(c.Id).map((x) => x.network)).catch(() => {});
        if (oomKilled) this.events.emit('container', 'oom', c.Id, { name: c.Name });
        this.events.emit('container', 'die', c.Id, { name: c.Name, exitCode: String(exitCode) });
        for (const f of this.followers.get(c.Id) ?? []) f(END_OF_OUTPUT);
        this.followers.delete(c.Id);
        if (c.HostConfig.AutoRemove) await this.remove(c.Id, { force: true, guestDone: tornDown }).catch(() => {});
        return exitCode;
      },
      (e: Error) => {
        // The guest went away under the container (panic, restart): it is gone too.
        Object.assign(c.State, {
          Status: 'exited',
          Running: false,
          Paused: false,
          Pid: 0,
          ExitCode: 255,
          Error: e.message,
        });
        return 255;
      },
    );
  }

  /**
   * The daemon's state as snapshot.ts keeps and restores it: the live maps
   * themselves, and how to take over a running container's run.
   */
  internals() {
    return {
      containers: this.containers,
      execs: this.execs,
      removedExitCodes: this.removedExitCodes,
      cgroupParentReady: () => this.cgroupParentReady !== null,
      markRestored: (o: { cgroupParent: boolean; imagesSeeded: boolean }) => {
        if (o.cgroupParent) this.cgroupParentReady = Promise.resolve();
        // The base images were put in the store and announced by the machine that was saved.
        if (o.imagesSeeded) this.seeded = Promise.resolve();
      },
      imagesSeeded: () => this.seeded !== null,
      adopt: (c: Container): boolean => {
        const run = adoptRun(this.guest, runTag(c.Id), (line) => {
          const entry: LogEntry = { stream: line.stream, text: line.log, time: line.time };
          for (const f of this.followers.get(c.Id) ?? []) f(entry);
        });
        if (!run) return false;
        if (c.Config.Tty || c.Config.OpenStdin || c.pipeStdin) c.input = run.input;
        this.watchExit(c, run.exited);
        return true;
      },
    };
  }

  /** Waits for the container to stop; resolves with its exit code. */
  async wait(ref: string): Promise<number> {
    const removed = [...this.removedExitCodes].find(([id]) => id === ref || (ref.length >= 12 && id.startsWith(ref)));
    if (removed && !this.containers.has(removed[0])) return removed[1];
    const c = this.get(ref);
    // `exited` settles after the exit is recorded and, with --rm, after the removal.
    if (c.exited) return c.exited;
    return c.State.ExitCode;
  }

  async kill(ref: string, signal = 'KILL'): Promise<void> {
    const c = this.get(ref);
    if (!c.State.Running) throw new EngineError(`Container ${c.Id} is not running`, 409);
    const num = /^\d+$/.test(signal) ? Number(signal) : SIGNALS[signal.replace(/^SIG/, '')];
    if (!num) throw new EngineError(`Invalid signal: ${signal}`, 400);
    // A frozen process cannot act on a signal: thaw first, as Docker does before it stops or kills.
    if (c.State.Paused) await this.unpause(c.Id);
    await sh(this.guest, `kill -${num} ${c.State.Pid}`);
    this.events.emit('container', 'kill', c.Id, { name: c.Name, signal: String(num) });
  }

  /** `docker pause`: every process of the container frozen through its cgroup (cgroup.freeze). */
  async pause(ref: string): Promise<void> {
    const c = this.get(ref);
    if (!c.State.Running) throw new EngineError(`Container ${c.Id} is not running`, 409);
    if (c.State.Paused) throw new EngineError(`Container ${c.Id} is already paused`, 409);
    await this.freeze(c, true);
    Object.assign(c.State, { Paused: true, Status: 'paused' });
    this.events.emit('container', 'pause', c.Id, { name: c.Name });
  }

  async unpause(ref: string): Promise<void> {
    const c = this.get(ref);
    if (!c.State.Paused) throw new EngineError(`Container ${c.Id} is not paused`, 409);
    await this.freeze(c, false);
    Object.assign(c.State, { Paused: false, Status: 'running' });
    this.events.emit('container', 'unpause', c.Id, { name: c.Name });
  }

  /** Writes cgroup.freeze and waits until cgroup.events says the kernel got there. */
  private async freeze(c: Container, frozen: boolean): Promise<void> {
    const dir = shellQuote(containerPaths(c.Id).cgroup);
    const v = frozen ? 1 : 0;
    const r = await sh(
      this.guest,
      `echo ${v} > ${dir}/cgroup.freeze && for i in $(seq 1 200); do grep -qx 'frozen ${v}' ${dir}/cgroup.events && exit 0; usleep 10000; done; exit 1`,
    );
    if (r.exitCode !== 0) throw new EngineError(`could not ${frozen ? 'freeze' : 'thaw'} ${c.Id}: ${r.err}`, 500);
  }

  /** `docker rename` */
  rename(ref: string, name: string): void {
    const c = this.get(ref);
    const clean = name.replace(/^\//, '');
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(clean)) throw new EngineError(`Invalid container name (${name})`, 400);
    const other = [...this.containers.values()].find((x) => x.Name === clean && x !== c);
    if (other) {
      throw new EngineError(
        `Conflict. The container name "/${clean}" is already in use by container "${other.Id}".`,
        409,
      );
    }
    const old = c.Name;
    c.Name = clean;
    this.events.emit('container', 'rename', c.Id, { name: clean, oldName: `/${old}` });
  }

  /** SIGTERM, then SIGKILL after `timeoutS` seconds, as `docker stop -t`. */
  async stop(ref: string, timeoutS = 10): Promise<void> {
    const c = this.get(ref);
    if (!c.State.Running || !c.exited) return;
    await this.kill(c.Id, 'TERM');
    const gone = await Promise.race([
      c.exited.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), timeoutS * 1000)),
    ]);
    if (!gone && c.State.Running) await this.kill(c.Id, 'KILL');
    await c.exited;
    this.events.emit('container', 'stop', c.Id, { name: c.Name });
  }

  private teardownScript(c: Container, removeAll: boolean): string {
    const p = containerPaths(c.Id);
    const q = shellQuote;
    return [
      sandboxDown(c.Id),
      `umount ${q(p.merged)} 2>/dev/null || true`,
      // The cgroup can only go once its last process is reaped.
      `for i in $(seq 1 500); do rmdir ${q(p.cgroup)} 2>/dev/null && break; [ -d ${q(p.cgroup)} ] || break; usleep 10000; done`,
      ...(removeAll ? [`rm -rf ${q(p.dir)} ${q(p.state)}`] : [`rm -rf ${q(p.work)} && mkdir -p ${q(p.work)}`]),
    ].join('\n');
  }

  /** `guestDone`: the start script already took the container apart in the guest (--rm). */
  async remove(ref: string, opts: { force?: boolean; guestDone?: boolean } = {}): Promise<void> {
    const c = this.get(ref);
    if (c.State.Status === 'removing') return;
    if (c.State.Running) {
      if (!opts.force) {
        throw new EngineError(
          `You cannot remove a running container ${c.Id}. Stop the container before attempting removal or force remove`,
          409,
        );
      }
      await this.kill(c.Id, 'KILL');
      await c.exited;
    }
    c.State.Status = 'removing';
    if (!opts.guestDone) {
      const r = await sh(this.guest, this.teardownScript(c, true));
      if (r.exitCode !== 0) throw new EngineError(`could not remove ${c.Id}: ${r.err}`, 500);
    }
    this.containers.delete(c.Id);
    const left = this.networks.of(c.Id).map((x) => x.network);
    for (const n of left) this.networks.detach(n, c.Id);
    await this.refreshHosts(left).catch(() => {});
    this.removedExitCodes.set(c.Id, c.State.ExitCode);
    this.events.emit('container', 'destroy', c.Id, { name: c.Name });
  }

  /** The container's log, from Docker's json-file log in the guest. */
  async logs(ref: string, opts: { tail?: number } = {}): Promise<LogEntry[]> {
    const c = this.get(ref);
    const r = await sh(this.guest, `cat ${shellQuote(containerPaths(c.Id).log)} 2>/dev/null || true`);
    const entries = r.out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { log: string; stream: 'stdout' | 'stderr'; time: string })
      .map((e) => ({ stream: e.stream, text: e.log, time: e.time }));
    return opts.tail !== undefined ? entries.slice(Math.max(0, entries.length - opts.tail)) : entries;
  }

  /**
   * Follows a container's output as it is written; the listener gets
   * END_OF_OUTPUT when the container exits. Returns the unsubscribe function.
   */
  follow(ref: string, listener: (e: LogEntry) => void): () => void {
    const c = this.get(ref);
    let set = this.followers.get(c.Id);
    if (!set) this.followers.set(c.Id, (set = new Set()));
    set.add(listener);
    if (!c.State.Running && c.State.Status === 'exited') queueMicrotask(() => listener(END_OF_OUTPUT));
    return () => set.delete(listener);
  }

  /** Input for a -i or -t container (`docker attach`, `run -i`, keystrokes of `run -it`). */
  writeStdin(ref: string, data: Uint8Array): void {
    this.get(ref).input?.write(data);
  }

  /** The client closed stdin (end of a `run -i` pipe): the container reads end of file. */
  closeStdin(ref: string): void {
    this.get(ref).input?.closeStdin();
  }

  /** The container's terminal size (`POST /containers/{id}/resize`): SIGWINCH reaches its foreground job. */
  async resize(ref: string, rows: number, cols: number): Promise<void> {
    const c = this.get(ref);
    if (!c.Config.Tty) return;
    if (!c.State.Running) {
      c.ttySize = { rows, cols };
      return;
    }
    await sh(this.guest, `stty -F /proc/${c.State.Pid}/fd/0 rows ${rows | 0} cols ${cols | 0}`);
  }

  /** `docker restart`: stop (if running), then start again with the same container layer. */
  async restart(ref: string, timeoutS = 10): Promise<void> {
    const c = this.get(ref);
    if (c.State.Running) await this.stop(c.Id, timeoutS);
    await this.start(c.Id);
    this.events.emit('container', 'restart', c.Id, { name: c.Name });
  }

  /** Registers an exec (`POST /containers/{id}/exec`); it runs on startExec. */
  createExec(ref: string, argv: string[], opts: ExecOptions = {}): string {
    const c = this.get(ref);
    if (!c.State.Running) throw new EngineError(`Container ${c.Id} is not running`, 409);
    if (argv.length === 0) throw new EngineError('No exec command specified', 400);
    const id = randomId();
    this.execs.set(id, { id, containerId: c.Id, argv, opts, running: false, exitCode: null });
    return id;
  }

  execInfo(id: string): ExecRecord {
    const e = this.execs.get(id);
    if (!e) throw new EngineError(`No such exec instance: ${id}`, 404);
    return e;
  }

  /** Runs a registered exec in the container's namespaces and cgroup, streaming its output. */
  async startExec(
    id: string,
    onOutput: (stream: 'stdout' | 'stderr', chunk: Uint8Array) => void,
    /** With a terminal: receives the function that types into it. */
    onTerminal?: (write: (data: Uint8Array) => void) => void,
  ): Promise<number> {
    const e = this.execInfo(id);
    const c = this.get(e.containerId);
    if (!c.State.Running) throw new EngineError(`Container ${c.Id} is not running`, 409);
    const args = ['vmctr', 'exec', '--pid', String(c.State.Pid)];
    for (const v of mergeEnv(c.Config.Env, e.opts.env ?? [])) args.push('--env', v);
    const wd = e.opts.workdir ?? c.Config.WorkingDir;
    if (wd) args.push('--workdir', wd);
    const user = e.opts.user ?? c.Config.User;
    if (user) args.push('--user', user);
    if (e.opts.tty) args.push('--tty', '--tty-size', `${e.opts.tty.rows}x${e.opts.tty.cols}`);
    e.running = true;
    this.events.emit('container', `exec_start: ${e.argv.join(' ')}`, c.Id, { name: c.Name, execID: id });
    const io = {
      onStdout: (b: Uint8Array) => onOutput('stdout', b),
      onStderr: (b: Uint8Array) => onOutput('stderr', b),
      // A session of the client's: a machine snapshot may be taken while it runs (it ends with the page).
      tag: `exec:${id}`,
    };
    let r;
    if (e.opts.tty) {
      const p = this.guest.spawn([...args, '--', ...e.argv], io);
      onTerminal?.((d) => p.write(d));
      r = await p.done;
    } else r = await this.guest.exec([...args, '--', ...e.argv], io);
    e.running = false;
    e.exitCode = r.exitCode;
    this.events.emit('container', 'exec_die', c.Id, { name: c.Name, execID: id, exitCode: String(r.exitCode) });
    return r.exitCode;
  }

  /** Runs a command in the running container and collects its output (`docker exec`, not attached). */
  async exec(ref: string, argv: string[], opts: Omit<ExecOptions, 'tty'> = {}) {
    const id = this.createExec(ref, argv, opts);
    const d = new TextDecoder();
    let stdout = '';
    let stderr = '';
    const exitCode = await this.startExec(id, (s, b) => {
      if (s === 'stdout') stdout += d.decode(b, { stream: true });
      else stderr += d.decode(b, { stream: true });
    });
    return { stdout, stderr, exitCode };
  }

  /**
   * `docker diff`: what the container changed, read from its upper dir. A
   * whiteout (char device 0,0) is a deletion; a path some image layer also
   * has is a change; anything else was added.
   */
  async changes(ref: string): Promise<{ Path: string; Kind: 0 | 1 | 2 }[]> {
    const c = this.get(ref);
    const p = containerPaths(c.Id);
    const lowers = c.layers.map(shellQuote).join(' ');
    const r = await sh(
      this.guest,
      `cd ${shellQuote(p.upper)} && find . -mindepth 1 | while read -r f; do ` +
        `if [ -c "$f" ] && [ "$(stat -c %t,%T "$f")" = 0,0 ]; then echo "D \${f#.}"; continue; fi; ` +
        `k=A; for l in ${lowers}; do if [ -e "$l/$f" ] || [ -L "$l/$f" ]; then k=C; break; fi; done; echo "$k \${f#.}"; done`,
    );
    if (r.exitCode !== 0) throw new EngineError(`cannot read the changes of ${c.Id}: ${r.err}`, 500);
    const kinds = { C: 0, A: 1, D: 2 } as const;
    return r.out
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ Path: l.slice(2), Kind: kinds[l[0] as 'C' | 'A' | 'D'] }))
      .sort((a, b) => (a.Path < b.Path ? -1 : 1));
  }

  private mergedDir(c: Container): string {
    if (c.State.Status === 'created') {
      throw new EngineError(`Could not find the file system of ${c.Id}: start it once first`, 404);
    }
    return containerPaths(c.Id).merged;
  }

  /**
   * `docker export`: the container's whole filesystem as one tar, its layer
   * over its image's. A running container's merged dir is read as it is; a
   * stopped one's layers are mounted read-only for the moment of reading.
   */
  async exportFilesystem(ref: string): Promise<Uint8Array> {
    const c = this.get(ref);
    const p = containerPaths(c.Id);
    const q = shellQuote;
    const lowers = [p.upper, INIT_LAYER, ...c.layers].map(q).join(':');
    const script = c.State.Running
      ? `tar -c -C ${q(p.merged)} .`
      : `[ -d ${q(p.upper)} ] || mkdir -p ${q(p.upper)}; m=$(mktemp -d) && mount -t overlay overlay -o ro,lowerdir=${lowers} "$m" && ` +
        `{ tar -c -C "$m" .; s=$?; umount "$m"; rmdir "$m"; exit $s; }`;
    const r = await this.guest.exec(['/bin/sh', '-c', script]);
    if (r.exitCode !== 0)
      throw new EngineError(`cannot export ${c.Name}: ${new TextDecoder().decode(r.stderr).trim()}`, 500);
    return r.stdout;
  }

  /** `docker cp CONTAINER:PATH -`: a tar of PATH (named by its last component), read from the merged view. */
  async archive(ref: string, path: string): Promise<Uint8Array> {
    const c = this.get(ref);
    const full = `${this.mergedDir(c)}/${path.replace(/^\/+/, '')}`.replace(/\/+$/, '');
    const parent = full.slice(0, full.lastIndexOf('/')) || '/';
    const base = full.slice(full.lastIndexOf('/') + 1);
    const r = await this.guest.exec([
      '/bin/sh',
      '-c',
      `[ -e ${shellQuote(full)} ] || [ -L ${shellQuote(full)} ] || { echo "Could not find the file ${path} in container ${c.Name}" >&2; exit 4; }; ` +
        `tar -c -C ${shellQuote(parent)} ${shellQuote(base || '.')}`,
    ]);
    if (r.exitCode === 4) throw new EngineError(new TextDecoder().decode(r.stderr).trim(), 404);
    if (r.exitCode !== 0)
      throw new EngineError(`cannot copy ${path}: ${new TextDecoder().decode(r.stderr).trim()}`, 500);
    return r.stdout;
  }

  /**
   * `docker cp - CONTAINER:PATH`: unpacks a tar into the container. Into PATH
   * if it is a directory; otherwise the tar's one top entry becomes PATH.
   */
  async extractArchive(ref: string, path: string, tar: Uint8Array): Promise<void> {
    const c = this.get(ref);
    const dest = `${this.mergedDir(c)}/${path.replace(/^\/+/, '')}`.replace(/\/+$/, '');
    const q = shellQuote(dest);
    const r = await this.guest.exec(
      [
        '/bin/sh',
        '-c',
        `set -e; if [ -d ${q} ]; then tar -x -C ${q}; else ` +
          `t=$(mktemp -d); tar -x -C "$t"; n=$(ls -A "$t" | head -n 1); mkdir -p "$(dirname ${q})"; mv "$t/$n" ${q}; rm -rf "$t"; fi`,
      ],
      { stdin: tar },
    );
    if (r.exitCode !== 0)
      throw new EngineError(`cannot copy to ${path}: ${new TextDecoder().decode(r.stderr).trim()}`, 500);
  }

  /** `docker top`: the container's processes, as the host (the guest kernel) sees them. */
  async top(ref: string): Promise<{ Titles: string[]; Processes: string[][] }> {
    const c = this.get(ref);
    if (!c.State.Running) throw new EngineError(`Container ${c.Id} is not running`, 409);
    const r = await sh(
      this.guest,
      `for p in $(cat ${shellQuote(containerPaths(c.Id).cgroup)}/cgroup.procs); do ` +
        `u=$(awk '/^Uid:/ {print $2}' /proc/$p/status 2>/dev/null) || continue; ` +
        `ppid=$(awk '/^PPid:/ {print $2}' /proc/$p/status); ` +
        `cmd=$(tr '\\0' ' ' < /proc/$p/cmdline); echo "$u|$p|$ppid|\${cmd% }"; done`,
    );
    return {
      Titles: ['UID', 'PID', 'PPID', 'CMD'],
      Processes: r.out
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('|')),
    };
  }

  /** `docker stats --no-stream`: one sample of the container's cgroup files (CPU over ~0.5 s). */
  async stats(ref: string) {
    const c = this.get(ref);
    const cg = shellQuote(containerPaths(c.Id).cgroup);
    const read = async () => {
      const r = await sh(
        this.guest,
        `cat ${cg}/memory.current ${cg}/memory.max ${cg}/pids.current; grep usage_usec ${cg}/cpu.stat; cut -d' ' -f1 /proc/uptime`,
      );
      const [mem, max, pids, usage, up] = r.out.trim().split('\n');
      return {
        mem: Number(mem),
        max: max === 'max' ? 0 : Number(max),
        pids: Number(pids),
        usageUs: Number(usage?.split(' ')[1]),
        uptimeS: Number(up),
      };
    };
    const a = await read();
    await new Promise<void>((r) => setTimeout(() => r(), 500));
    const b = await read();
    const dt = (b.uptimeS - a.uptimeS) * 1e6;
    const total = await sh(this.guest, "awk '/MemTotal/ {print $2 * 1024}' /proc/meminfo");
    return {
      id: c.Id,
      name: `/${c.Name}`,
      read: new Date().toISOString(),
      cpu_percent: dt > 0 ? (100 * (b.usageUs - a.usageUs)) / dt : 0,
      cpu_stats: { cpu_usage: { total_usage: b.usageUs * 1000 } },
      memory_stats: { usage: b.mem, limit: b.max || Number(total.out.trim()) },
      pids_stats: { current: b.pids },
    };
  }

  /** `docker rmi`: untags; the image is deleted once no tag and no container use it. */
  async removeImage(ref: string, force = false): Promise<{ Untagged?: string; Deleted?: string }[]> {
    const image = await this.image(ref);
    const users = [...this.containers.values()].filter((c) => c.Image === image.id);
    const byName = !/^(sha256:)?[0-9a-f]{6,64}$/.test(ref);
    const out: { Untagged?: string; Deleted?: string }[] = [];
    const named = byName ? formatReference({ tag: 'latest', ...parseReference(ref) }) : '';
    const toUntag = byName && image.tags.length > 1 ? [named] : image.tags;
    if (!byName && image.tags.length > 1 && !force) {
      throw new EngineError(
        `conflict: unable to delete ${hexOf(image.id).slice(0, 12)} (must be forced) - image is referenced in multiple repositories`,
        409,
      );
    }
    if (toUntag.length === image.tags.length && users.length && !force) {
      throw new EngineError(
        `conflict: unable to remove repository reference "${ref}" (must force) - container ${users[0]!.Id.slice(0, 12)} is using its referenced image ${hexOf(image.id).slice(0, 12)}`,
        409,
      );
    }
    for (const t of toUntag) {
      await this.images.untag(t);
      out.push({ Untagged: t });
      this.events.emit('image', 'untag', image.id, { name: t });
    }
    if (toUntag.length === image.tags.length) {
      await this.images.deleteImage(image);
      out.push({ Deleted: image.id });
      this.events.emit('image', 'delete', image.id, {});
      // As Docker's rmi does: untagged parents (a build's steps) no other image or container needs go too,
      // and then the layers nothing refers to any more.
      const used = new Set([...this.containers.values()].map((c) => c.Image));
      for (const parent of await untaggedParents(image, await this.images.all(), used)) {
        await this.images.deleteImage(parent);
        out.push({ Deleted: parent.id });
        this.events.emit('image', 'delete', parent.id, {});
      }
      await this.images.collectGarbage();
    }
    return out;
  }

  /**
   * `docker commit`: the container's layer (its upper dir, as an OCI layer
   * tar) on top of its image's layers, as a new image. A running container is
   * frozen (cgroup.freeze) while its files are read, as Docker pauses it.
   */
  async commit(
    ref: string,
    opts: CommitOptions & { repo?: string; tag?: string; pause?: boolean } = {},
  ): Promise<Image> {
    const c = this.get(ref);
    const parent = await this.image(c.Image);
    const p = containerPaths(c.Id);
    let changes;
    try {
      // Checked before the slow part.
      changes = parseChanges(opts.changes ?? []);
    } catch (e) {
      throw new EngineError((e as Error).message, 400);
    }
    // Frozen while its files are read, as Docker pauses it; one the user paused stays paused.
    const holdStill = c.State.Running && !c.State.Paused && opts.pause !== false;
    if (holdStill) await this.freeze(c, true);
    let tar: Uint8Array;
    try {
      tar =
        c.State.Status === 'created'
          ? new Uint8Array(1024) // never started: no upper dir yet, an empty layer
          : await layerDiff(this.guest, p.upper, { idShift: c.HostConfig.UsernsMode === 'private' ? USERNS_BASE : 0 });
    } finally {
      if (holdStill) await this.freeze(c, false);
    }
    const layer = await layerFromTar(tar);
    await this.images.blobs.put(layer.gzip);
    let config;
    try {
      config = commitConfig(parent.config, c.Config, layer.diffId, { ...opts, changes });
    } catch (e) {
      throw new EngineError((e as Error).message, 400);
    }
    const manifestDigest = await this.images.putImage(config, [...parent.manifest.layers, layer.descriptor]);
    if (opts.repo) {
      const target = `${opts.repo}:${opts.tag || 'latest'}`;
      await this.images.tag(manifestDigest, target).catch((e: Error) => {
        throw new EngineError(e.message, 400);
      });
    }
    const image = await this.images.byManifest(manifestDigest);
    this.events.emit('container', 'commit', c.Id, { name: c.Name, imageID: image.id, comment: opts.comment ?? '' });
    if (opts.repo) this.events.emit('image', 'tag', image.id, { name: `${opts.repo}:${opts.tag || 'latest'}` });
    return image;
  }

  /** Docker's inspect document for a container. */
  inspect(ref: string) {
    const c = this.get(ref);
    const p = containerPaths(c.Id);
    return {
      Id: c.Id,
      Created: c.Created,
      Path: [...(c.Config.Entrypoint ?? []), ...c.Config.Cmd][0] ?? '',
      Args: [...(c.Config.Entrypoint ?? []), ...c.Config.Cmd].slice(1),
      State: { ...c.State },
      Image: c.Image,
      Name: `/${c.Name}`,
      LogPath: p.log,
      Driver: 'overlay2',
      HostConfig: { ...c.HostConfig },
      NetworkSettings: this.networkSettings(c),
      Mounts: c.HostConfig.Binds.map(parseBind).map((m) => ({
        Type: m.volume ? 'volume' : 'bind',
        ...(m.volume ? { Name: m.volume } : {}),
        Source: m.source,
        Destination: m.target,
        RW: !m.readonly,
      })),
      GraphDriver: {
        Name: 'overlay2',
        Data: {
          LowerDir: [INIT_LAYER, ...c.layers].join(':'),
          UpperDir: p.upper,
          MergedDir: p.merged,
          WorkDir: p.work,
        },
      },
      Config: { ...c.Config },
    };
  }
}

/** Image env first, then the user's, a later KEY= replacing an earlier one. */
export function mergeEnv(base: readonly string[], extra: readonly string[]): string[] {
  const out = new Map<string, string>();
  for (const e of [...base, ...extra]) out.set(e.split('=')[0]!, e);
  return [...out.values()];
}
