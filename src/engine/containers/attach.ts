/**
 * A container's output and input: its log (the json-file log vmctr writes in
 * the guest), live output for attach and `logs --follow`, stdin for -i and
 * -t, and the terminal size.
 */
import { runScript, type Guest } from '../guest';
import { containerPaths } from '../runtime/containerPlan';
import { sh } from '../shell';
import { ZERO_TIME } from './container';
import type { ContainerStore } from './store';

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  text: string;
  time: string;
}

/** What followers get when the container's output has ended. */
export const END_OF_OUTPUT: LogEntry = Object.freeze({ stream: 'stdout', text: '', time: '' }) as LogEntry;

/** Live output of running containers, by container id. */
export class OutputHub {
  private readonly followers = new Map<string, Set<(e: LogEntry) => void>>();

  subscribe(id: string, listener: (e: LogEntry) => void): () => void {
    let set = this.followers.get(id);
    if (!set) this.followers.set(id, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  publish(id: string, e: LogEntry): void {
    for (const f of this.followers.get(id) ?? []) f(e);
  }

  /** The container's output ended: every follower hears it, and is let go. */
  end(id: string): void {
    this.publish(id, END_OF_OUTPUT);
    this.followers.delete(id);
  }
}

export class Attach {
  constructor(
    private readonly guest: Guest,
    private readonly containers: ContainerStore,
    private readonly output: OutputHub,
  ) {}

  /** The container's log, from Docker's json-file log in the guest. */
  async logs(ref: string, opts: { tail?: number } = {}): Promise<LogEntry[]> {
    const c = this.containers.get(ref);
    // vmctr makes the log when it first starts the container: before that there is nothing to read, and
    // `docker run`'s attach (logs=1, just before the start) need not cost the guest a program.
    if (c.State.StartedAt === ZERO_TIME) return [];
    const r = await runScript(this.guest, sh`cat ${containerPaths(c.Id).log} 2>/dev/null || true`);
    const entries = r.out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { log: string; stream: 'stdout' | 'stderr'; time: string })
      .map((e) => ({ stream: e.stream, text: e.log, time: e.time }));
    return opts.tail !== undefined ? entries.slice(Math.max(0, entries.length - opts.tail)) : entries;
  }

  /**
   * Follows a container's output as it is written; the listener gets
   * END_OF_OUTPUT when the container exits. Returns the unsubscribe function.
   */
  follow(ref: string, listener: (e: LogEntry) => void): () => void {
    const c = this.containers.get(ref);
    const off = this.output.subscribe(c.Id, listener);
    if (!c.State.Running && c.State.Status === 'exited') queueMicrotask(() => listener(END_OF_OUTPUT));
    return off;
  }

  /** Input for a -i or -t container (`docker attach`, `run -i`, keystrokes of `run -it`). */
  writeStdin(ref: string, data: Uint8Array): void {
    this.containers.get(ref).input?.write(data);
  }

  /** The client closed stdin (end of a `run -i` pipe): the container reads end of file. */
  closeStdin(ref: string): void {
    this.containers.get(ref).input?.closeStdin();
  }

  /** The container's terminal size (`POST /containers/{id}/resize`): SIGWINCH reaches its foreground job. */
  async resize(ref: string, rows: number, cols: number): Promise<void> {
    const c = this.containers.get(ref);
    if (!c.Config.Tty) return;
    if (!c.State.Running) {
      c.ttySize = { rows, cols };
      return;
    }
    await runScript(this.guest, sh`stty -F /proc/${c.State.Pid}/fd/0 rows ${rows | 0} cols ${cols | 0}`);
  }
}
