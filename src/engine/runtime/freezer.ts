/** cgroup v2's freezer: what `docker pause` and a commit's hold-still use. */
import { systemError } from '../engineError';
import { runScript, type Guest } from '../guest';
import { sh } from '../shell';
import { containerPaths } from './containerPlan';

/** Writes cgroup.freeze and waits until cgroup.events says the kernel got there. */
export async function freeze(guest: Guest, containerId: string, frozen: boolean): Promise<void> {
  const dir = containerPaths(containerId).cgroup;
  const v = frozen ? 1 : 0;
  const r = await runScript(
    guest,
    sh`echo ${v} > ${dir}/cgroup.freeze || exit 1; i=0; while [ $i -lt 200 ]; do grep -qx ${`frozen ${v}`} ${dir}/cgroup.events && exit 0; usleep 10000; i=$((i+1)); done; exit 1`,
  );
  if (r.exitCode !== 0) throw systemError(`could not ${frozen ? 'freeze' : 'thaw'} ${containerId}: ${r.err}`);
}
