/**
 * A container's files, as moby's daemon/archive.go and changes.go: `docker
 * diff`, `docker cp` both ways, and `docker export`. Read from the guest;
 * every path reaches the guest's shell quoted.
 */
import { notFound, systemError } from '../engineError';
import { runScript, type Guest } from '../guest';
import { containerPaths, INIT_LAYER, stepItems, type Step } from '../runtime/containerPlan';
import { sh, type Script } from '../shell';

type PrepStep = Exclude<Step, { kind: 'start' }>;
import type { Container } from './container';
import type { ContainerStore } from './store';

export class Archive {
  constructor(
    private readonly guest: Guest,
    private readonly containers: ContainerStore,
  ) {}

  /**
   * `docker diff`: what the container changed, read from its upper dir. A
   * whiteout (char device 0,0) is a deletion; a path some image layer also
   * has is a change; anything else was added.
   */
  async changes(ref: string): Promise<{ Path: string; Kind: 0 | 1 | 2 }[]> {
    const c = this.containers.get(ref);
    const p = containerPaths(c.Id);
    const r = await runScript(
      this.guest,
      sh`cd ${p.upper} && find . -mindepth 1 | while read -r f; do
        if [ -c "$f" ] && [ "$(stat -c %t,%T "$f")" = 0,0 ]; then echo "D \${f#.}"; continue; fi
        k=A; for l in ${c.layers}; do if [ -e "$l/$f" ] || [ -L "$l/$f" ]; then k=C; break; fi; done; echo "$k \${f#.}"
      done`,
    );
    if (r.exitCode !== 0) throw systemError(`cannot read the changes of ${c.Id}: ${r.err}`);
    const kinds = { C: 0, A: 1, D: 2 } as const;
    return r.out
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ Path: l.slice(2), Kind: kinds[l[0] as 'C' | 'A' | 'D'] }))
      .sort((a, b) => (a.Path < b.Path ? -1 : 1));
  }

  /**
   * A script that runs `body` on the container's root filesystem (its merged
   * dir). Once the container has run, its overlay stays mounted there. A
   * container that was only created has its layers mounted there for the
   * moment, by the same plan steps its start will take, and unmounted after.
   */
  private onRootfs(c: Container, body: Script): Script {
    if (c.State.Status !== 'created') return body;
    const kinds = new Set(['mkdir', 'chown', 'initLayer', 'mountOverlay']);
    const steps = c.plan.filter((s): s is PrepStep => kinds.has(s.kind)).flatMap(stepItems);
    return sh`vmctr do ${steps} || exit 125
( ${body} ); s=$?
umount ${containerPaths(c.Id).merged}
exit $s`;
  }

  /**
   * `docker export`: the container's whole filesystem as one tar, its layer
   * over its image's. A running container's merged dir is read as it is; a
   * stopped one's layers are mounted read-only for the moment of reading.
   */
  async exportFilesystem(ref: string): Promise<Uint8Array> {
    const c = this.containers.get(ref);
    const p = containerPaths(c.Id);
    const lowers = [p.upper, INIT_LAYER, ...c.layers].join(':');
    const script = c.State.Running
      ? sh`tar -c -C ${p.merged} .`
      : sh`[ -d ${p.upper} ] || mkdir -p ${p.upper}
        m=$(mktemp -d) && mount -t overlay overlay -o ${`ro,lowerdir=${lowers}`} "$m" &&
          { tar -c -C "$m" .; s=$?; umount "$m"; rmdir "$m"; exit $s; }`;
    const r = await runScript(this.guest, script);
    if (r.exitCode !== 0) throw systemError(`cannot export ${c.Name}: ${r.err.trim()}`);
    return r.stdout;
  }

  /** `docker cp CONTAINER:PATH -`: a tar of PATH (named by its last component), read from the merged view. */
  async archive(ref: string, path: string): Promise<Uint8Array> {
    const c = this.containers.get(ref);
    const full = `${containerPaths(c.Id).merged}/${path.replace(/^\/+/, '')}`.replace(/\/+$/, '');
    const parent = full.slice(0, full.lastIndexOf('/')) || '/';
    const base = full.slice(full.lastIndexOf('/') + 1);
    const r = await runScript(
      this.guest,
      this.onRootfs(c, sh`[ -e ${full} ] || [ -L ${full} ] || exit 4; tar -c -C ${parent} ${base || '.'}`),
    );
    if (r.exitCode === 4) throw notFound(`Could not find the file ${path} in container ${c.Name}`);
    if (r.exitCode !== 0) throw systemError(`cannot copy ${path}: ${r.err.trim()}`);
    return r.stdout;
  }

  /**
   * `docker cp - CONTAINER:PATH`: unpacks a tar into the container. Into PATH
   * if it is a directory; otherwise the tar's one top entry becomes PATH.
   */
  async extractArchive(ref: string, path: string, tar: Uint8Array): Promise<void> {
    const c = this.containers.get(ref);
    const dest = `${containerPaths(c.Id).merged}/${path.replace(/^\/+/, '')}`.replace(/\/+$/, '');
    const r = await runScript(
      this.guest,
      this.onRootfs(
        c,
        sh`set -e
        if [ -d ${dest} ]; then tar -x -C ${dest}
        else t=$(mktemp -d); tar -x -C "$t"; n=$(ls -A "$t" | head -n 1); mkdir -p "$(dirname ${dest})"; mv "$t/$n" ${dest}; rm -rf "$t"; fi`,
      ),
      { stdin: tar },
    );
    if (r.exitCode !== 0) throw systemError(`cannot copy to ${path}: ${r.err.trim()}`);
  }
}
