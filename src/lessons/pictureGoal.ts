/**
 * The goal of an exercise as a live picture draws it, beside the real state
 * (a ghost limit on a cgroup meter, a ghost layer entry, the expected
 * namespace sharing, the expected network, the expected tag in the
 * registry). Derived from the exercise's check, so the two cannot disagree.
 */
import type { Check } from './checks';
import type { PictureGoal } from '../pictures/goal';

export type { PictureGoal };

const METERED = ['memory.max', 'pids.max', 'cpu.max'] as const;

/** Every goal a check states that a picture can draw, in the order the check states them. */
export function pictureGoals(check: Check): PictureGoal[] {
  if ('all' in check) return check.all.flatMap(pictureGoals);
  // Of alternatives, or of what must not be, there is no single state to draw.
  if ('any' in check || 'not' in check) return [];
  if ('registry' in check) {
    const at = check.registry.lastIndexOf(':');
    const slash = check.registry.lastIndexOf('/');
    const [repository, tag] =
      at > slash ? [check.registry.slice(0, at), check.registry.slice(at + 1)] : [check.registry, 'latest'];
    return [{ picture: 'registryTransfer', repository, tag }];
  }
  if (!('container' in check)) return [];
  const container = check.container;
  const out: PictureGoal[] = [];
  for (const [file, value] of Object.entries(check.cgroup ?? {})) {
    // A pattern is a range, not a value a meter can mark.
    if ((METERED as readonly string[]).includes(file) && !value.startsWith('/')) {
      out.push({ picture: 'cgroupMeters', container, file: file as (typeof METERED)[number], value });
    }
  }
  if (check.layer) out.push({ picture: 'layerStack', container, path: check.layer.path, expect: check.layer.change });
  if (check.namespace) {
    const ns = check.namespace;
    const shared: [string, string] | null = ns.with ? [container, ns.with] : ns.shared ? [container, 'host'] : null;
    out.push({ picture: 'namespaceTree', kind: ns.kind, shared, container });
  }
  if (check.network) out.push({ picture: 'networkDiagram', container, network: check.network });
  return out;
}

/** The goal for one picture, if the check states one. */
export function pictureGoal(check: Check, picture: PictureGoal['picture']): PictureGoal | null {
  return pictureGoals(check).find((g) => g.picture === picture) ?? null;
}
