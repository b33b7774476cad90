/**
 * The config of an image made from a container (`docker commit`): the
 * container's own settings on top of its image's, one more layer, one more
 * history entry, then the --change instructions.
 */
import type { ContainerConfig } from '../containers/container';
import { applyConfigInstruction } from '../build/configInstruction';
import { parseOrThrow, type Instruction } from '../build/dockerfile';
import type { Digest } from './digest';
import type { ImageConfig } from './oci';

/** What Docker accepts in `commit --change`. */
const CHANGEABLE = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR']);

export interface CommitOptions {
  comment?: string;
  author?: string;
  /** Dockerfile instructions, one per entry (`-c 'CMD ["sh"]'`). */
  changes?: string[];
}

/** `--change` lines as instructions; throws Docker's message for one it does not take. */
export function parseChanges(changes: readonly string[]): Instruction[] {
  const out: Instruction[] = [];
  for (const change of changes) {
    for (const ins of parseOrThrow(change, 'change', { fragment: true })) {
      if (!CHANGEABLE.has(ins.instruction)) throw new Error(`${ins.instruction} is not a valid change command`);
      out.push(ins);
    }
  }
  return out;
}

export function commitConfig(
  parent: ImageConfig,
  container: ContainerConfig,
  diffId: Digest,
  opts: Omit<CommitOptions, 'changes'> & { changes?: readonly Instruction[] },
  now = new Date(),
): ImageConfig {
  const created = now.toISOString();
  const config: ImageConfig['config'] = {
    ...parent.config,
    Env: container.Env,
    Cmd: container.Cmd,
    WorkingDir: container.WorkingDir,
    User: container.User,
    Labels: container.Labels,
  };
  if (container.Entrypoint) config.Entrypoint = container.Entrypoint;
  else delete config.Entrypoint;
  const env = new Map(config.Env?.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  for (const ins of opts.changes ?? []) applyConfigInstruction(config, ins, env);
  return {
    ...parent,
    created,
    ...(opts.author ? { author: opts.author } : {}),
    config,
    rootfs: { type: 'layers', diff_ids: [...parent.rootfs.diff_ids, diffId] },
    history: [
      ...(parent.history ?? []),
      {
        created,
        created_by: [...(container.Entrypoint ?? []), ...container.Cmd].join(' '),
        ...(opts.author ? { author: opts.author } : {}),
        ...(opts.comment ? { comment: opts.comment } : {}),
      },
    ],
  };
}
