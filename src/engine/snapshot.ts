/**
 * The daemon's memory as plain data, and back: what a machine snapshot keeps
 * beside the guest's state (src/worker/machineSnapshot.ts). Containers with
 * their names, states, plans and bound ports; networks with their endpoints
 * (ids and addresses as they were); execs; the exit codes of removed
 * containers; recent events. The guest's own state holds the rest (layers,
 * upper dirs, cgroups, veth pairs, logs), saved in the same instant.
 *
 * A restored engine takes over each running container's run on the restored
 * channel (Guest.adopt), so its exit, its output to followers and its input
 * reach the engine as before the page went away.
 */
import type { Container } from './containers/container';
import type { ExecRecord } from './containers/exec';
import { setGuestLost } from './containers/state';
import type { Engine } from './engine';
import type { EngineEvent } from './events';
import type { Endpoint, Network } from './network/networks';

export const ENGINE_SNAPSHOT_VERSION = 1;

type SavedContainer = Omit<Container, 'exited' | 'input'>;
type SavedNetwork = Omit<Network, 'endpoints'> & { endpoints: Endpoint[] };

export interface EngineSnapshot {
  version: typeof ENGINE_SNAPSHOT_VERSION;
  containers: SavedContainer[];
  networks: SavedNetwork[];
  execs: ExecRecord[];
  removedExitCodes: [string, number][];
  events: EngineEvent[];
  cgroupParent: boolean;
  imagesSeeded: boolean;
}

/** A deep copy as plain data (what JSON and structured clone both keep). */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function exportEngine(engine: Engine): EngineSnapshot {
  const x = engine.snapshotParts();
  const store = x.containers.saved();
  return {
    version: ENGINE_SNAPSHOT_VERSION,
    containers: store.containers.map(({ exited: _exited, input: _input, ...rest }) => plain(rest)),
    networks: engine.networks.list().map((n) => plain({ ...n, endpoints: [...n.endpoints.values()] })),
    execs: plain(x.execs.saved()),
    removedExitCodes: store.removedExitCodes,
    events: plain(engine.events.recent),
    cgroupParent: x.cgroups.made,
    imagesSeeded: x.images.seededAlready,
  };
}

export class EngineSnapshotError extends Error {
  override name = 'EngineSnapshotError';
}

function check(ok: unknown, what: string): asserts ok {
  if (!ok) throw new EngineSnapshotError(`the saved daemon state is not usable: ${what}`);
}

/**
 * Puts a saved daemon state into a new engine on the machine restored with
 * it. Checks it whole first (nothing is changed if it is not usable), then
 * adopts each running container's run. Returns how many it adopted, and the
 * names of running containers whose run the guest did not have.
 */
export function restoreEngine(engine: Engine, saved: unknown): { adopted: number; lost: string[] } {
  const s = saved as Partial<EngineSnapshot> | null;
  check(s && typeof s === 'object', 'it is empty');
  check(s.version === ENGINE_SNAPSHOT_VERSION, `version ${String(s.version)}, expected ${ENGINE_SNAPSHOT_VERSION}`);
  check(Array.isArray(s.containers) && Array.isArray(s.networks) && Array.isArray(s.execs), 'lists are missing');
  check(Array.isArray(s.removedExitCodes) && Array.isArray(s.events), 'lists are missing');
  for (const c of s.containers) {
    check(
      typeof c?.Id === 'string' && typeof c.Name === 'string' && c.State && c.Config && c.HostConfig,
      'a container',
    );
  }
  for (const n of s.networks) check(typeof n?.id === 'string' && Array.isArray(n.endpoints), 'a network');
  check(
    s.networks.some((n) => n.name === 'bridge'),
    'the bridge network is missing',
  );
  const x = engine.snapshotParts();
  check(x.containers.list(true).length === 0, 'the engine already has containers');

  engine.networks.replaceAll(
    s.networks.map((n) => ({ ...plain(n), endpoints: new Map(n.endpoints.map((e) => [e.containerId, plain(e)])) })),
  );
  const containers = s.containers.map((c) => plain(c) as Container);
  x.containers.restore(containers, s.removedExitCodes);
  x.execs.restore(plain(s.execs));
  engine.events.recent.push(...plain(s.events));
  if (s.cgroupParent) x.cgroups.markMade();
  // The base images were put in the store and announced by the machine that was saved.
  if (s.imagesSeeded) x.images.markSeeded();

  let adopted = 0;
  const lost: string[] = [];
  for (const c of containers) {
    if (!c.State.Running) continue;
    if (x.adopt(c)) adopted++;
    else {
      // Its run is not in the restored guest: say so rather than show a container that cannot be reached.
      setGuestLost(c.State, 'the container was not found running in the restored machine');
      lost.push(c.Name);
    }
  }
  return { adopted, lost };
}
