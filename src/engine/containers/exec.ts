/**
 * `docker exec`, as moby's daemon/exec.go: an exec is registered first
 * (POST /containers/{id}/exec), then started (POST /exec/{id}/start) in the
 * container's namespaces and cgroup by vmctr.
 */
import { invalidParameter, notFound } from '../engineError';
import { randomId } from '../images/digest';
import { securityArgs } from '../runtime/containerPlan';
import { securityOf } from '../runtime/security';
import { mergeEnv } from './create';
import type { Daemon } from './daemon';
import { requireNotPaused, requireRunning } from './state';

export interface ExecOptions {
  env?: string[];
  workdir?: string;
  user?: string;
  /** -t: a terminal of this size */
  tty?: { rows: number; cols: number };
}

export interface ExecRecord {
  id: string;
  containerId: string;
  argv: string[];
  opts: ExecOptions;
  running: boolean;
  exitCode: number | null;
}

export class Execs {
  private readonly records = new Map<string, ExecRecord>();

  constructor(private readonly d: Pick<Daemon, 'guest' | 'containers' | 'events'>) {}

  /** Every exec, for a machine snapshot (see snapshot.ts). */
  saved(): ExecRecord[] {
    return [...this.records.values()];
  }

  /** A saved machine's execs; those that were running ended with the old page (their sessions are killed). */
  restore(records: readonly ExecRecord[]): void {
    for (const e of records) this.records.set(e.id, e.running ? { ...e, running: false, exitCode: 137 } : e);
  }

  /** Registers an exec (`POST /containers/{id}/exec`); it runs on start. */
  create(ref: string, argv: string[], opts: ExecOptions = {}): string {
    const c = this.d.containers.get(ref);
    requireRunning(c);
    requireNotPaused(c);
    if (argv.length === 0) throw invalidParameter('No exec command specified');
    const id = randomId();
    this.records.set(id, { id, containerId: c.Id, argv, opts, running: false, exitCode: null });
    return id;
  }

  info(id: string): ExecRecord {
    const e = this.records.get(id);
    if (!e) throw notFound(`No such exec instance: ${id}`);
    return e;
  }

  /** Runs a registered exec in the container's namespaces and cgroup, streaming its output. */
  async start(
    id: string,
    onOutput: (stream: 'stdout' | 'stderr', chunk: Uint8Array) => void,
    /** With a terminal: receives the function that types into it. */
    onTerminal?: (write: (data: Uint8Array) => void) => void,
  ): Promise<number> {
    const e = this.info(id);
    const c = this.d.containers.get(e.containerId);
    requireRunning(c);
    // Paused between create and start: a process joining a frozen cgroup would hang with it.
    requireNotPaused(c);
    // What the container may do holds for what is exec'd in it too: its capabilities and seccomp filter.
    const args = ['vmctr', 'exec', '--pid', String(c.State.Pid), ...securityArgs(securityOf(c.HostConfig))];
    for (const v of mergeEnv(c.Config.Env, e.opts.env ?? [])) args.push('--env', v);
    const wd = e.opts.workdir ?? c.Config.WorkingDir;
    if (wd) args.push('--workdir', wd);
    const user = e.opts.user ?? c.Config.User;
    if (user) args.push('--user', user);
    if (e.opts.tty) args.push('--tty', '--tty-size', `${e.opts.tty.rows}x${e.opts.tty.cols}`);
    e.running = true;
    this.d.events.emit('container', `exec_start: ${e.argv.join(' ')}`, c.Id, { name: c.Name, execID: id });
    const io = {
      onStdout: (b: Uint8Array) => onOutput('stdout', b),
      onStderr: (b: Uint8Array) => onOutput('stderr', b),
      // A session of the client's: a machine snapshot may be taken while it runs (it ends with the page).
      tag: `exec:${id}`,
    };
    let r;
    if (e.opts.tty) {
      const p = this.d.guest.spawn([...args, '--', ...e.argv], io);
      onTerminal?.((data) => p.write(data));
      r = await p.done;
    } else r = await this.d.guest.exec([...args, '--', ...e.argv], io);
    e.running = false;
    e.exitCode = r.exitCode;
    this.d.events.emit('container', 'exec_die', c.Id, { name: c.Name, execID: id, exitCode: String(r.exitCode) });
    return r.exitCode;
  }

  /** Runs a command in the running container and collects its output (`docker exec`, not attached). */
  async run(ref: string, argv: string[], opts: Omit<ExecOptions, 'tty'> = {}) {
    const id = this.create(ref, argv, opts);
    const dec = new TextDecoder();
    let stdout = '';
    let stderr = '';
    const exitCode = await this.start(id, (s, b) => {
      if (s === 'stdout') stdout += dec.decode(b, { stream: true });
      else stderr += dec.decode(b, { stream: true });
    });
    return { stdout, stderr, exitCode };
  }
}
