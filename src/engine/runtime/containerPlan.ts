/**
 * A container spec becomes an ordered list of steps before anything happens in
 * the guest. The runtime executes exactly these steps, and the UI can show the
 * same list, so the picture and the machine cannot disagree.
 */
import { quote } from '../shell';

export interface ContainerSpec {
  /** 64 hex digits, as Docker's container ids. */
  id: string;
  /** Guest paths of the image's unpacked layers, topmost first (overlay's lowerdir order). */
  layers: readonly string[];
  argv: readonly string[];
  env: readonly string[];
  hostname: string;
  workdir?: string;
  /** uid[:gid] */
  user?: string;
  /** --memory, in bytes */
  memoryBytes?: number;
  /** --cpus × 1e9, as Docker's HostConfig.NanoCpus */
  nanoCpus?: number;
  /** --pids-limit */
  pidsLimit?: number;
  /**
   * none: a namespace with only loopback; host: the host's; or a namespace
   * the engine prepares, bind-mounted at `netns`, with a veth pair per
   * endpoint (vmnet's specs) and `proxies` (a script starting docker-proxy
   * for each published port) — see networkScripts.ts.
   */
  network: 'none' | 'host' | PreparedNetwork | { join: string };
  /** --userns: its root is host uid USERNS_BASE, so `layers` must be copies with owners shifted by that much. */
  userns: boolean;
  /** -t: the first process gets a terminal of this size. */
  tty?: { rows: number; cols: number };
  /** /etc/hosts as the engine wrote it (own address, peers on user networks); a minimal one if absent. */
  hosts?: string;
  /** -v: guest paths bind-mounted into the container. */
  mounts?: readonly { source: string; target: string; readonly: boolean }[];
  /** Named volumes' directories, made if missing. */
  volumeDirs?: readonly string[];
  /** -i (and a build's COPY): the first process reads what the engine writes to it. */
  stdin?: boolean;
  /** Run this guest binary instead of looking argv[0] up in the container (see vmctr --host-exec). */
  hostExec?: string;
  /** What the process may do (see security.ts); Docker's defaults when absent. */
  security?: ContainerSecurity;
  /** --init: docker-init runs as PID 1 and the command as its child. */
  init?: boolean;
  /** --ipc / --pid: the host's namespace, or another container's (/proc/<pid>/ns/… of its first process). */
  ipc?: 'host' | { join: string };
  pid?: 'host' | { join: string };
}

export interface PreparedNetwork {
  netns: string;
  endpoints: readonly string[];
  proxies: string | null;
}

export interface ContainerSecurity {
  /** The capability list the container keeps, e.g. Docker's 14 defaults. */
  capabilities: readonly string[];
  /** Docker's default seccomp profile, or none. */
  seccomp: 'default' | 'unconfined';
  noNewPrivileges: boolean;
  /** Every capability, the host's devices, a writable /sys, no masking, no filter. */
  privileged: boolean;
}

/** vmctr's options for what the process may do: the same for the container's first process and for exec. */
export function securityArgs(sec: ContainerSecurity | undefined): string[] {
  if (!sec) return [];
  if (sec.privileged) return ['--privileged'];
  const args = ['--caps', sec.capabilities.join(',')];
  if (sec.seccomp === 'unconfined') args.push('--seccomp', 'unconfined');
  if (sec.noNewPrivileges) args.push('--no-new-privileges');
  return args;
}

/** Why each step of a plan is there, in the words the lab prints; the page says them in its language (reasonOf). */
export const WHY = {
  upper: 'the container layer: every file the container writes lands here',
  work: "overlayfs's scratch space on the same filesystem as the upper dir",
  merged: 'where the union of the image layers and the container layer appears',
  state: 'the container log and state files',
  volume: 'a named volume: lives outside the container, survives its removal',
  userns: "--userns: the container's root (host uid 100000) owns its layer, as it owns / inside",
  initLayer: 'mount points for /proc, /dev, /sys and the files mounted over /etc, kept out of the container layer',
  overlay: 'the image layers read-only below, the container layer writable on top',
  cgroup: "the container's own cgroup: its limits and its usage figures",
  memory: '--memory',
  cpus: '--cpus',
  pids: '--pids-limit',
  hostname: "the container's /etc/hostname, bind-mounted from the container's directory as Docker does",
  hosts: 'the container resolves its own name, and on a user network the others (/etc/hosts, bind-mounted)',
  resolv: "the container's /etc/resolv.conf, bind-mounted as Docker does",
  network: 'its network namespace made first: a veth pair per network, one end on the bridge, an address, a route',
  startInit:
    'new namespaces, pivot_root into the merged dir, capabilities and seccomp as Docker sets them, then docker-init as pid 1 with the command as its child',
  start:
    'new namespaces, pivot_root into the merged dir, capabilities and seccomp as Docker sets them, then the command as pid 1',
} as const;

/** The key of a step's reason (for its translation), or undefined for a reason not in WHY. */
export function reasonOf(why: string): keyof typeof WHY | undefined {
  return (Object.keys(WHY) as (keyof typeof WHY)[]).find((k) => WHY[k] === why);
}

export type Step =
  | { kind: 'mkdir'; path: string; why: string }
  | {
      kind: 'initLayer';
      path: string;
      dirs: readonly string[];
      files: readonly string[];
      owner?: string;
      why: string;
    }
  | { kind: 'chown'; paths: readonly string[]; owner: string; why: string }
  | { kind: 'mountOverlay'; lower: readonly string[]; upper: string; work: string; target: string; why: string }
  | { kind: 'cgroupCreate'; path: string; why: string }
  | { kind: 'cgroupWrite'; path: string; file: string; value: string; why: string }
  | { kind: 'writeFile'; path: string; content: string; why: string }
  | ({ kind: 'network'; why: string } & PreparedNetwork)
  | { kind: 'start'; argv: readonly string[]; why: string };

export const DOCKER_ROOT = '/var/lib/docker';
/**
 * Docker's "init layer", shared by every container as its topmost lower dir:
 * the mount points and the files the runtime mounts over, so that none of them
 * land in the container layer (and from there in `docker diff`, commit or a build).
 */
export const INIT_LAYER = `${DOCKER_ROOT}/init`;
/** Host uid and gid of a --userns container's root (the start of Docker's remap range). */
export const USERNS_BASE = 100000;
const INIT_DIRS = ['dev', 'proc', 'sys', 'etc'];
const INIT_FILES = ['etc/hostname', 'etc/hosts', 'etc/resolv.conf'];
export const CGROUP_PARENT = '/sys/fs/cgroup/docker';
/** cpu.max's period, as Docker uses: 100 ms. */
export const CPU_PERIOD_US = 100_000;

export function containerPaths(id: string) {
  const dir = `${DOCKER_ROOT}/overlay2/${id}`;
  return {
    dir,
    upper: `${dir}/diff`,
    work: `${dir}/work`,
    merged: `${dir}/merged`,
    state: `${DOCKER_ROOT}/containers/${id}`,
    hostname: `${DOCKER_ROOT}/containers/${id}/hostname`,
    hosts: `${DOCKER_ROOT}/containers/${id}/hosts`,
    resolvConf: `${DOCKER_ROOT}/containers/${id}/resolv.conf`,
    log: `${DOCKER_ROOT}/containers/${id}/${id}-json.log`,
    cgroup: `${CGROUP_PARENT}/${id}`,
  };
}

/** Docker's --cpus 0.5 is cpu.max "50000 100000". */
export function cpuMax(nanoCpus: number): string {
  const quota = Math.max(1000, Math.round((nanoCpus / 1e9) * CPU_PERIOD_US));
  return `${quota} ${CPU_PERIOD_US}`;
}

export function containerPlan(spec: ContainerSpec): Step[] {
  if (!/^[0-9a-f]{64}$/.test(spec.id)) throw new Error(`not a container id: ${spec.id}`);
  if (spec.argv.length === 0) throw new Error('no command to run');
  const p = containerPaths(spec.id);
  const steps: Step[] = [
    { kind: 'mkdir', path: p.upper, why: WHY.upper },
    { kind: 'mkdir', path: p.work, why: WHY.work },
    { kind: 'mkdir', path: p.merged, why: WHY.merged },
    { kind: 'mkdir', path: p.state, why: WHY.state },
  ];
  for (const dir of spec.volumeDirs ?? []) {
    steps.push({ kind: 'mkdir', path: dir, why: WHY.volume });
  }
  const shift = spec.userns ? USERNS_BASE : 0;
  const init = shift ? `${DOCKER_ROOT}/${shift}.${shift}/init` : INIT_LAYER;
  if (shift) {
    steps.push({
      kind: 'chown',
      paths: [p.upper, p.work],
      owner: `${shift}:${shift}`,
      why: WHY.userns,
    });
  }
  steps.push(
    {
      kind: 'initLayer',
      path: init,
      dirs: INIT_DIRS,
      files: INIT_FILES,
      ...(shift ? { owner: `${shift}:${shift}` } : {}),
      why: WHY.initLayer,
    },
    {
      kind: 'mountOverlay',
      lower: [init, ...spec.layers],
      upper: p.upper,
      work: p.work,
      target: p.merged,
      why: WHY.overlay,
    },
  );
  steps.push({
    kind: 'cgroupCreate',
    path: p.cgroup,
    why: WHY.cgroup,
  });
  if (spec.memoryBytes !== undefined)
    steps.push({
      kind: 'cgroupWrite',
      path: p.cgroup,
      file: 'memory.max',
      value: String(spec.memoryBytes),
      why: WHY.memory,
    });
  if (spec.nanoCpus !== undefined)
    steps.push({ kind: 'cgroupWrite', path: p.cgroup, file: 'cpu.max', value: cpuMax(spec.nanoCpus), why: WHY.cpus });
  if (spec.pidsLimit !== undefined)
    steps.push({
      kind: 'cgroupWrite',
      path: p.cgroup,
      file: 'pids.max',
      value: String(spec.pidsLimit),
      why: WHY.pids,
    });
  steps.push(
    {
      kind: 'writeFile',
      path: p.hostname,
      content: `${spec.hostname}\n`,
      why: WHY.hostname,
    },
    {
      kind: 'writeFile',
      path: p.hosts,
      content:
        spec.hosts ?? `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t${spec.hostname}\n`,
      why: WHY.hosts,
    },
    {
      kind: 'writeFile',
      path: p.resolvConf,
      content:
        '# The guest has no DNS server and nothing beyond the page to resolve.\n' +
        '# Names of containers on the same user-defined network are in /etc/hosts.\n',
      why: WHY.resolv,
    },
  );
  if (typeof spec.network === 'object' && 'endpoints' in spec.network) {
    const { netns, endpoints, proxies } = spec.network;
    steps.push({ kind: 'network', netns, endpoints, proxies, why: WHY.network });
  }
  const runArgs = [
    'vmctr',
    'run',
    '--rootfs',
    p.merged,
    '--cgroup',
    p.cgroup,
    '--log',
    p.log,
    '--hostname',
    spec.hostname,
  ];
  for (const e of spec.env) runArgs.push('--env', e);
  if (spec.workdir) runArgs.push('--workdir', spec.workdir);
  if (spec.user) runArgs.push('--user', spec.user);
  if (spec.userns) runArgs.push('--userns');
  if (spec.tty) runArgs.push('--tty', '--tty-size', `${spec.tty.rows}x${spec.tty.cols}`);
  runArgs.push(
    '--mount',
    `${p.hostname}:/etc/hostname`,
    '--mount',
    `${p.hosts}:/etc/hosts`,
    '--mount',
    `${p.resolvConf}:/etc/resolv.conf`,
  );
  for (const m of spec.mounts ?? []) runArgs.push('--mount', `${m.source}:${m.target}${m.readonly ? ':ro' : ''}`);
  if (spec.stdin) runArgs.push('--stdin');
  if (spec.hostExec) runArgs.push('--host-exec', spec.hostExec);
  runArgs.push(...securityArgs(spec.security));
  if (spec.init) runArgs.push('--init');
  if (spec.ipc) runArgs.push('--ipc', spec.ipc === 'host' ? 'host' : spec.ipc.join);
  if (spec.pid) runArgs.push('--pidns', spec.pid === 'host' ? 'host' : spec.pid.join);
  const net = spec.network;
  runArgs.push('--net', typeof net !== 'object' ? net : 'join' in net ? net.join : net.netns);
  runArgs.push('--', ...spec.argv);
  steps.push({
    kind: 'start',
    argv: runArgs,
    why: spec.init ? WHY.startInit : WHY.start,
  });
  return steps;
}

/** Quotes a word for the guest's /bin/sh (the quoting helper's, under the name the plan's callers know). */
export const shellQuote = quote;

/**
 * What vmctr does for one preparation step (vm-image/guest/steps.c), as its
 * --do items; the start step is vmctr's own.
 */
export function stepItems(step: Exclude<Step, { kind: 'start' }>): string[] {
  switch (step.kind) {
    case 'mkdir':
    case 'cgroupCreate':
      return [`mkdir:${step.path}`];
    case 'initLayer': {
      // Shared and in use as a lower dir: what is there already is left as it is.
      const dirs = step.dirs.map((d) => `${step.path}/${d}`);
      const files = step.files.map((f) => `${step.path}/${f}`);
      return [
        ...dirs.map((d) => `mkdir:${d}`),
        ...files.map((f) => `touch:${f}`),
        ...(step.owner ? [step.path, ...dirs, ...files].map((x) => `chown:${step.owner}:${x}`) : []),
      ];
    }
    case 'chown':
      return step.paths.map((x) => `chown:${step.owner}:${x}`);
    case 'mountOverlay':
      return [`overlay:${step.target}=lowerdir=${step.lower.join(':')},upperdir=${step.upper},workdir=${step.work}`];
    case 'cgroupWrite':
      return [`write:${step.path}/${step.file}=${step.value}\n`];
    case 'writeFile':
      return [`write:${step.path}=${step.content}`];
    case 'network':
      return [
        `netns:${step.netns}`,
        ...step.endpoints.map((e) => `endpoint:${e}`),
        ...(step.proxies ? [`sh:${step.proxies}`] : []),
      ];
  }
}
