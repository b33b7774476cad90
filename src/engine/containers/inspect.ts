/** `docker inspect` of a container, as moby's daemon/inspect.go. */
import type { NetworkService } from '../network/networkService';
import { containerPaths, INIT_LAYER } from '../runtime/containerPlan';
import type { Container } from './container';
import { parseBind } from './mounts';

export function inspectContainer(c: Container, network: NetworkService) {
  const p = containerPaths(c.Id);
  const argv = [...(c.Config.Entrypoint ?? []), ...c.Config.Cmd];
  return {
    Id: c.Id,
    Created: c.Created,
    Path: argv[0] ?? '',
    Args: argv.slice(1),
    State: { ...c.State },
    Image: c.Image,
    Name: `/${c.Name}`,
    LogPath: p.log,
    Driver: 'overlay2',
    HostConfig: { ...c.HostConfig },
    NetworkSettings: network.settings(c),
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

/** `docker ps`'s STATUS column, as Docker words it. */
export function statusText(s: { Status: string; ExitCode: number; StartedAt: string; FinishedAt: string }): string {
  const since = (iso: string) => {
    const secs = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (secs < 1) return 'Less than a second';
    if (secs < 60) return `${secs} second${secs === 1 ? '' : 's'}`;
    if (secs < 3600) return `${Math.round(secs / 60)} minute${Math.round(secs / 60) === 1 ? '' : 's'}`;
    return `${Math.round(secs / 3600)} hours`;
  };
  if (s.Status === 'running') return `Up ${since(s.StartedAt)}`;
  if (s.Status === 'paused') return `Up ${since(s.StartedAt)} (Paused)`;
  if (s.Status === 'exited') return `Exited (${s.ExitCode}) ${since(s.FinishedAt)} ago`;
  if (s.Status === 'removing') return 'Removal In Progress';
  return s.Status === 'created' ? 'Created' : s.Status;
}
