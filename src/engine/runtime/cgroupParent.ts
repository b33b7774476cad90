/** /sys/fs/cgroup/docker, the parent of every container's cgroup, with the controllers they need. */
import { systemError } from '../engineError';
import { runScript, type Guest } from '../guest';
import { sh } from '../shell';
import { CGROUP_PARENT } from './containerPlan';

export class CgroupParent {
  private ready: Promise<void> | null = null;

  constructor(private readonly guest: Guest) {}

  /** Whether it was made on this machine (a snapshot keeps that). */
  get made(): boolean {
    return this.ready !== null;
  }

  /** A restored machine has it already. */
  markMade(): void {
    this.ready = Promise.resolve();
  }

  /** Made once per machine; a failure is tried again on the next start. */
  ensure(): Promise<void> {
    this.ready ??= runScript(
      this.guest,
      sh`mkdir -p ${CGROUP_PARENT} && echo '+memory +pids +cpu' > ${CGROUP_PARENT}/cgroup.subtree_control`,
    ).then((r) => {
      if (r.exitCode !== 0) {
        this.ready = null;
        throw systemError(`cannot prepare the docker cgroup: ${r.err}`);
      }
    });
    return this.ready;
  }
}
