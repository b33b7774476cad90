/** A container's record as the runtime's spec (runtime/containerPlan.ts), and from there its plan. */
import type { NetworkService } from '../network/networkService';
import { containerPlan, type Step } from '../runtime/containerPlan';
import type { Container } from './container';
import { parseBind } from './mounts';

export function planFor(c: Container, network: NetworkService): Step[] {
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
    network: network.sandboxSpec(c),
    hosts: network.hostsFor(c),
    userns: c.HostConfig.UsernsMode === 'private',
    ...(c.Config.Tty ? { tty: c.ttySize ?? { rows: 24, cols: 80 } } : {}),
    mounts,
    volumeDirs: mounts.filter((m) => m.volume).map((m) => m.source),
    // -i without -t: a pipe the client writes to (attach with stdin), closed at its end of input.
    ...(c.pipeStdin || (c.Config.OpenStdin && !c.Config.Tty) ? { stdin: true } : {}),
    ...(c.hostExec ? { hostExec: c.hostExec } : {}),
  });
}
