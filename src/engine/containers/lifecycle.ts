/**
 * A container's life, as moby's start.go, kill.go, stop.go, pause.go,
 * restart.go, wait.go and delete.go: every state change goes through the
 * named transitions of state.ts.
 */
import { conflict, invalidParameter, systemError } from '../engineError';
import { runScript } from '../guest';
import { proxiesDown, sandboxDown } from '../network/networkScripts';
import { containerPaths } from '../runtime/containerPlan';
import { freeze } from '../runtime/freezer';
import { adoptRun, runPlan, runTag, type StartedContainer } from '../runtime/runPlan';
import { timedSteps } from '../runtime/startRecord';
import { sh } from '../shell';
import type { Container } from './container';
import type { Daemon } from './daemon';
import { planFor } from './spec';
import {
  requireRunning,
  setGuestLost,
  setPaused,
  setRemovalInProgress,
  setRunning,
  setStartFailed,
  setStopped,
  setUnpaused,
} from './state';

export const WAIT_CONDITIONS = ['not-running', 'next-exit', 'removed'] as const;
export type WaitCondition = (typeof WAIT_CONDITIONS)[number];

const toMicros = (ms: number) => Math.round(ms * 1000) / 1000;

const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, TERM: 15 };

export class Lifecycle {
  constructor(private readonly d: Daemon) {}

  async start(ref: string): Promise<Container> {
    const { d } = this;
    const c = d.containers.get(ref);
    if (c.State.Running) return c;
    const t0 = performance.now();
    const at = new Date().toISOString();
    await d.cgroups.ensure();
    d.network.prepareStart(c);
    // The terminal size and the network may have changed since create; containers it joins must run now.
    c.plan = planFor(c, d.network, d.containers, true);
    const network = c.plan.find((s) => s.kind === 'network');
    const started = await runPlan(
      d.guest,
      c.plan,
      (line) => d.output.publish(c.Id, { stream: line.stream, text: line.log, time: line.time }),
      {
        // A restart keeps the container layer; the mount and cgroup are made again.
        ...(c.State.Status === 'exited' ? { before: teardownSteps(c, false) } : {}),
        // Once it exits, its network goes: the proxies stop, the namespace and its veth pairs are deleted.
        // With --rm only the proxies (if it published ports) stop before the exit is answered (its ports are
        // free for the next container); the namespace goes with the rest of the teardown, after the answer.
        ...(network
          ? { after: c.HostConfig.AutoRemove ? (network.proxies ? proxiesDown(c.Id) : []) : sandboxDown(c.Id) }
          : {}),
        // With --rm, the same round trip removes the container once it exits.
        ...(c.HostConfig.AutoRemove ? { teardown: teardownSteps(c, true) } : {}),
        // A machine snapshot's restored engine adopts the run by this name (see adopt).
        tag: runTag(c.Id),
      },
    ).catch((e: Error) => {
      setStartFailed(c.State, e.message);
      c.ports = undefined;
      throw systemError(e.message);
    });
    setRunning(c.State, started.pid);
    if (started.input) c.input = started.input;
    d.events.emit('container', 'start', c.Id, { name: c.Name, image: c.Config.Image });
    await d.network.refreshHosts(d.network.networksOf(c));
    const steps = timedSteps(c.plan, started.stamps);
    const end = performance.now();
    d.starts.record({
      containerId: c.Id,
      name: c.Name,
      image: c.Config.Image,
      at,
      steps,
      guestMs: toMicros((started.stamps.ends.at(-1) ?? started.stamps.begin) - started.stamps.begin),
      totalMs: toMicros(end - t0),
      host: { beforeMs: toMicros(started.arrived.begin - t0), afterMs: toMicros(end - started.arrived.pid) },
    });
    this.watchExit(c, started.exited);
    return c;
  }

  /**
   * A running container of a saved machine, restored into this engine: its
   * run, still going in the restored guest, reports to this engine from now
   * on (exit, output, input). False if the guest has no such run.
   */
  adopt(c: Container): boolean {
    const run = adoptRun(this.d.guest, runTag(c.Id), {
      tearsDown: c.HostConfig.AutoRemove,
      onOutput: (line) => this.d.output.publish(c.Id, { stream: line.stream, text: line.log, time: line.time }),
    });
    if (!run) return false;
    if (c.Config.Tty || c.Config.OpenStdin || c.pipeStdin) c.input = run.input;
    this.watchExit(c, run.exited);
    return true;
  }

  /** Records the container's exit when its run ends. */
  private watchExit(c: Container, exited: StartedContainer['exited']): void {
    const { d } = this;
    c.exited = exited.then(
      async ({ exitCode, oomKilled, tornDown }) => {
        setStopped(c.State, { exitCode, oomKilled });
        c.ports = undefined;
        void d.network.refreshHosts(d.network.networksOf(c)).catch(() => {});
        if (oomKilled) d.events.emit('container', 'oom', c.Id, { name: c.Name });
        d.events.emit('container', 'die', c.Id, { name: c.Name, exitCode: String(exitCode) });
        d.output.end(c.Id);
        if (c.HostConfig.AutoRemove) await this.remove(c.Id, { force: true, guestDone: tornDown }).catch(() => {});
        return exitCode;
      },
      (e: Error) => {
        // The guest went away under the container (panic, restart): it is gone too.
        setGuestLost(c.State, e.message);
        return 255;
      },
    );
  }

  /**
   * `POST /containers/{id}/wait?condition=`, resolved with the exit code:
   * not-running (the default) at once for a container that is not running,
   * next-exit at its next exit even if it has not started yet, removed once it
   * is gone. `docker run` asks for next-exit (removed with --rm) before the
   * start, as Docker's CLI does, so the answer needs no request after the exit.
   */
  async wait(ref: string, condition: WaitCondition = 'not-running', clientGone?: Promise<void>): Promise<number> {
    const removed = this.d.containers.removedExitCode(ref);
    if (removed !== undefined) return removed;
    const c = this.d.containers.get(ref);
    if (condition === 'not-running') {
      // `exited` settles after the exit is recorded and, with --rm, after the removal.
      if (c.exited) return c.exited;
      return c.State.ExitCode;
    }
    // As moby's state waiters are woken by the state change: here the event each change emits.
    const action = condition === 'next-exit' ? 'die' : 'destroy';
    return new Promise((resolve, reject) => {
      const off = this.d.events.subscribe((e) => {
        if (e.Type !== 'container' || e.Actor.ID !== c.Id || e.Action !== action) return;
        off();
        resolve(c.State.ExitCode);
      });
      // The client went away (a failed start, ^C): nobody is left to tell.
      void clientGone?.then(() => {
        off();
        reject(new Error('the client closed the connection'));
      });
    });
  }

  async kill(ref: string, signal = 'KILL'): Promise<void> {
    const c = this.d.containers.get(ref);
    requireRunning(c);
    const num = /^\d+$/.test(signal) ? Number(signal) : SIGNALS[signal.replace(/^SIG/, '')];
    if (!num) throw invalidParameter(`Invalid signal: ${signal}`);
    // A frozen process cannot act on a signal: thaw first, as Docker does before it stops or kills.
    if (c.State.Paused) await this.unpause(c.Id);
    await runScript(this.d.guest, sh`kill -${num} ${c.State.Pid}`);
    this.d.events.emit('container', 'kill', c.Id, { name: c.Name, signal: String(num) });
  }

  /** `docker pause`: every process of the container frozen through its cgroup (cgroup.freeze). */
  async pause(ref: string): Promise<void> {
    const c = this.d.containers.get(ref);
    requireRunning(c);
    if (c.State.Paused) throw conflict(`Container ${c.Id} is already paused`);
    await freeze(this.d.guest, c.Id, true);
    setPaused(c.State);
    this.d.events.emit('container', 'pause', c.Id, { name: c.Name });
  }

  async unpause(ref: string): Promise<void> {
    const c = this.d.containers.get(ref);
    if (!c.State.Paused) throw conflict(`Container ${c.Id} is not paused`);
    await freeze(this.d.guest, c.Id, false);
    setUnpaused(c.State);
    this.d.events.emit('container', 'unpause', c.Id, { name: c.Name });
  }

  /** SIGTERM, then SIGKILL after `timeoutS` seconds, as `docker stop -t`. */
  async stop(ref: string, timeoutS = 10): Promise<void> {
    const c = this.d.containers.get(ref);
    if (!c.State.Running || !c.exited) return;
    await this.kill(c.Id, 'TERM');
    const gone = await Promise.race([
      c.exited.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), timeoutS * 1000)),
    ]);
    if (!gone && c.State.Running) await this.kill(c.Id, 'KILL');
    await c.exited;
    this.d.events.emit('container', 'stop', c.Id, { name: c.Name });
  }

  /** `docker restart`: stop (if running), then start again with the same container layer. */
  async restart(ref: string, timeoutS = 10): Promise<void> {
    const c = this.d.containers.get(ref);
    if (c.State.Running) await this.stop(c.Id, timeoutS);
    await this.start(c.Id);
    this.d.events.emit('container', 'restart', c.Id, { name: c.Name });
  }

  /** `guestDone`: vmctr run already took the container apart in the guest (--rm). */
  async remove(ref: string, opts: { force?: boolean; guestDone?: boolean } = {}): Promise<void> {
    const { d } = this;
    const c = d.containers.get(ref);
    if (c.State.Status === 'removing') return;
    if (c.State.Running) {
      if (!opts.force) {
        throw conflict(
          `You cannot remove a running container ${c.Id}. Stop the container before attempting removal or force remove`,
        );
      }
      await this.kill(c.Id, 'KILL');
      await c.exited;
    }
    if (!setRemovalInProgress(c.State)) return;
    if (!opts.guestDone) {
      const r = await d.guest.exec(['vmctr', 'do', ...teardownSteps(c, true)]);
      if (r.exitCode !== 0) throw systemError(`could not remove ${c.Id}: ${new TextDecoder().decode(r.stderr).trim()}`);
    }
    d.containers.delete(c);
    const left = d.network.leaveAll(c);
    await d.network.refreshHosts(left).catch(() => {});
    d.events.emit('container', 'destroy', c.Id, { name: c.Name });
  }
}

/**
 * What a run left in the guest, undone, as vmctr's steps: with `removeAll` the
 * container layer too (rm), else only the mount (restart). The cgroup can only
 * go once its last process is reaped: rmdir-wait tries for up to 5 s.
 */
function teardownSteps(c: Container, removeAll: boolean): string[] {
  const p = containerPaths(c.Id);
  return [
    ...sandboxDown(c.Id),
    `umount:${p.merged}`,
    `rmdir-wait:${p.cgroup}`,
    ...(removeAll ? [`rm-rf:${p.dir}`, `rm-rf:${p.state}`] : [`rm-rf:${p.work}`, `mkdir:${p.work}`]),
  ];
}
