/** A container's record as the runtime's spec (runtime/containerPlan.ts), and from there its plan. */
import type { NetworkService } from '../network/networkService';
import { conflict, invalidParameter } from '../engineError';
import { containerPlan, type ContainerSpec, type Step } from '../runtime/containerPlan';
import { joinedContainers, networkContainer, notRunningMessage, securityOf } from '../runtime/security';
import type { Container } from './container';
import { parseBind } from './mounts';
import type { ContainerStore } from './store';

type Joined = Pick<ContainerSpec, 'ipc' | 'pid'> & { net?: { join: string } };

/**
 * The namespaces of other containers this one joins (--network/--ipc/--pid
 * container:X), as vmctr takes them: /proc/<pid>/ns/… of X's first process.
 * At start X must run; at create it may not yet, and the plan shown then
 * names what start will join.
 */
function joinedNamespaces(c: Container, containers: ContainerStore, atStart: boolean): Joined {
  const out: Joined = {};
  for (const j of joinedContainers(c.HostConfig)) {
    const other = containers.get(j.ref);
    if (other.Id === c.Id) throw invalidParameter(`cannot join own ${j.kind === 'net' ? 'network' : j.kind}`);
    if (!other.State.Running) {
      if (atStart) throw conflict(notRunningMessage(j.kind, j.ref));
      out[j.kind] = { join: `/proc/<pid of ${j.ref}>/ns/${j.kind}` };
      continue;
    }
    out[j.kind] = { join: `/proc/${other.State.Pid}/ns/${j.kind}` };
  }
  if (c.HostConfig.IpcMode === 'host') out.ipc = 'host';
  if (c.HostConfig.PidMode === 'host') out.pid = 'host';
  return out;
}

/** atStart: the containers it joins must run now (at create they may not yet). */
export function planFor(c: Container, network: NetworkService, containers: ContainerStore, atStart = false): Step[] {
  const mounts = c.HostConfig.Binds.map(parseBind);
  const user = c.Config.User;
  const joined = joinedNamespaces(c, containers, atStart);
  // On another container's network it has that container's /etc/hosts, as in Docker.
  const peer = networkContainer(c.HostConfig.NetworkMode);
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
    network: joined.net ?? network.sandboxSpec(c),
    hosts: network.hostsFor(peer ? containers.get(peer) : c),
    userns: c.HostConfig.UsernsMode === 'private',
    ...(c.Config.Tty ? { tty: c.ttySize ?? { rows: 24, cols: 80 } } : {}),
    mounts,
    volumeDirs: mounts.filter((m) => m.volume).map((m) => m.source),
    // -i without -t: a pipe the client writes to (attach with stdin), closed at its end of input.
    ...(c.pipeStdin || (c.Config.OpenStdin && !c.Config.Tty) ? { stdin: true } : {}),
    ...(c.hostExec ? { hostExec: c.hostExec } : {}),
    security: securityOf(c.HostConfig),
    ...(c.HostConfig.Init ? { init: true } : {}),
    ...(joined.ipc ? { ipc: joined.ipc } : {}),
    ...(joined.pid ? { pid: joined.pid } : {}),
  });
}
