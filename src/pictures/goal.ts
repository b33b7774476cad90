/**
 * The current exercise's expected state, as a picture draws it: a ghost
 * beside the real state (the expected limit line on a meter, the expected
 * layer, the expected sharing). The lesson player derives it from the
 * exercise's check; the pictures only draw it, never judge it.
 */
export type PictureGoal =
  | { picture: 'cgroupMeters'; container: string; file: 'memory.max' | 'pids.max' | 'cpu.max'; value: string }
  | { picture: 'layerStack'; container?: string; path: string; expect: 'copied-up' | 'whiteout' | 'added' }
  | { picture: 'namespaceTree'; kind: string; shared: [string, string] | null; container?: string }
  | { picture: 'networkDiagram'; container: string; network: string }
  | { picture: 'registryTransfer'; repository: string; tag: string };

export type PictureName = PictureGoal['picture'] | 'vmVsContainer' | 'runPlan' | 'apiTraffic';

/** The pictures the pictures pane can show, in the order of its tabs. */
export const PICTURE_NAMES = [
  'namespaceTree',
  'networkDiagram',
  'layerStack',
  'cgroupMeters',
  'runPlan',
  'vmVsContainer',
  'registryTransfer',
] as const satisfies readonly PictureName[];

/** The goal meant for one picture, if the goal is for it. */
export function goalFor<P extends PictureGoal['picture']>(
  goal: PictureGoal | null | undefined,
  picture: P,
): Extract<PictureGoal, { picture: P }> | null {
  return goal && goal.picture === picture ? (goal as Extract<PictureGoal, { picture: P }>) : null;
}

/** The goal in words (an i18n key under pictures.goals and its values), the drawing's text alternative. */
export function describeGoal(goal: PictureGoal): { key: string; params: Record<string, string> } {
  switch (goal.picture) {
    case 'cgroupMeters':
      return { key: 'cgroup', params: { container: goal.container, file: goal.file, value: goal.value } };
    case 'layerStack':
      return { key: `layer.${goal.expect}`, params: { path: goal.path, container: goal.container ?? '' } };
    case 'namespaceTree':
      return goal.shared
        ? { key: 'nsShared', params: { kind: goal.kind, a: goal.shared[0], b: goal.shared[1] } }
        : { key: 'nsOwn', params: { kind: goal.kind, container: goal.container ?? '' } };
    case 'networkDiagram':
      return { key: 'network', params: { container: goal.container, network: goal.network } };
    case 'registryTransfer':
      return { key: 'registry', params: { repository: goal.repository, tag: goal.tag } };
  }
}
