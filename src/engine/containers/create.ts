/**
 * `docker create`, as moby's daemon/create.go: the request's options become
 * the container's Config and HostConfig (checked before anything is made),
 * its image's layers are unpacked in the guest, it joins its network, and its
 * plan is drawn up. Nothing runs yet.
 */
import { invalidParameter } from '../engineError';
import type { EventLog } from '../events';
import { randomId } from '../images/digest';
import type { ImageService } from '../images/imageService';
import type { NetworkService } from '../network/networkService';
import { checkPortBindings, type PortBindings } from '../network/portBindings';
import { USERNS_BASE } from '../runtime/containerPlan';
import {
  joinedContainers,
  networkContainer,
  securityHostConfig,
  type SecurityHostConfig,
  type SecurityRequest,
} from '../runtime/security';
import type { Container, ContainerConfig, HostConfig } from './container';
import { parseBind } from './mounts';
import { planFor } from './spec';
import { createdState } from './state';
import type { ContainerStore } from './store';

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
  /** --cap-add, --cap-drop, --privileged, --security-opt, --init, --ipc, --pid */
  security?: SecurityRequest;
}

/** Image env first, then the user's, a later KEY= replacing an earlier one. */
export function mergeEnv(base: readonly string[], extra: readonly string[]): string[] {
  const out = new Map<string, string>();
  for (const e of [...base, ...extra]) out.set(e.split('=')[0]!, e);
  return [...out.values()];
}

export interface CreateDeps {
  containers: ContainerStore;
  images: ImageService;
  network: NetworkService;
  events: EventLog;
}

/**
 * The containers named in --network/--ipc/--pid container:X must exist, and
 * a shared network namespace rules out -p and -h, as the daemon checks at
 * create. Returns the container whose network is joined, if any.
 */
function checkJoined(d: CreateDeps, o: CreateOptions, security: SecurityHostConfig): Container | null {
  for (const j of joinedContainers({ ...security, NetworkMode: o.network ?? '' })) d.containers.get(j.ref);
  const ref = networkContainer(o.network ?? '');
  if (!ref) return null;
  if (Object.keys(o.portBindings ?? {}).length) {
    throw invalidParameter('conflicting options: port publishing and the container type network mode');
  }
  if (o.hostname) throw invalidParameter('conflicting options: hostname and the network mode');
  return d.containers.get(ref);
}

export async function createContainer(d: CreateDeps, o: CreateOptions): Promise<Container> {
  await d.images.ensureImages();
  const image = await d.images.resolve(o.image);
  const name = d.containers.chooseName(o.name);
  const ic = image.config.config;
  const entrypoint = o.entrypoint ?? ic.Entrypoint ?? null;
  const cmd = o.cmd && o.cmd.length ? o.cmd : o.entrypoint ? [] : (ic.Cmd ?? []);
  if ((entrypoint?.length ?? 0) + cmd.length === 0) throw invalidParameter('No command specified');
  const security = securityHostConfig(o.security ?? {});
  // --network container:X joins X's namespace at start: no network of its own to join now.
  const joined = checkJoined(d, o, security);
  const { mode: networkMode, network } = joined ? { mode: o.network!, network: null } : d.network.modeOf(o.network);
  const id = randomId();
  const hostname = o.hostname ?? (networkMode === 'host' ? await d.network.hostName() : id.slice(0, 12));
  const config: ContainerConfig = {
    Image: o.image,
    Cmd: cmd,
    Entrypoint: entrypoint,
    Env: mergeEnv(ic.Env ?? [], o.env ?? []),
    WorkingDir: o.workdir ?? ic.WorkingDir ?? '',
    User: o.user ?? ic.User ?? '',
    // On another container's network it takes that container's hostname, as Docker does.
    Hostname: joined?.Config.Hostname ?? hostname,
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
    ...security,
  };
  hostConfig.Binds.forEach(parseBind); // refuse a bad -v before anything is made
  // Topmost first, as overlayfs lists lower dirs.
  const layers = (await d.images.unpackLayers(image, o.userns ? USERNS_BASE : 0)).reverse();
  const c: Container = {
    Id: id,
    Name: name,
    Created: new Date().toISOString(),
    Image: image.id,
    Config: config,
    HostConfig: hostConfig,
    State: createdState(),
    layers,
    plan: [],
    ...(o.hostExec ? { hostExec: o.hostExec } : {}),
    ...(o.pipeStdin ? { pipeStdin: true } : {}),
  };
  // The name again: another create may have taken it while the layers were unpacked.
  d.containers.checkName(name);
  if (network) d.network.join(network, c);
  c.plan = planFor(c, d.network, d.containers);
  d.containers.add(c);
  d.events.emit('container', 'create', id, { name, image: o.image });
  return c;
}
