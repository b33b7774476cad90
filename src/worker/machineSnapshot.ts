/**
 * A whole machine at one instant: the v86 state (guest memory, devices,
 * the 9p filesystem), the engine's state (containers, networks, execs …) and
 * the host ends of the guest's channels. The three are taken in one task, so
 * no guest byte can arrive between them, and they are only ever restored
 * together: a restored engine adopts its containers' runs on the restored
 * channel (their exits and output reach it as before), and the clients whose
 * API connections died with the old page are disconnected.
 *
 * No DOM here: the worker, the Node lab and the integration tests share it.
 */
import type { Engine } from '../engine/engine';
import { exportEngine, restoreEngine, type EngineSnapshot } from '../engine/snapshot';
import { V86_VERSION, stateKey, type VmManifest } from '../vm/manifest';
import { DEVICE_SET, type MachineChannels, type VmHost } from '../vm/vmHost';

/** The format of what a snapshot holds besides the v86 state; another one is refused. */
export const SNAPSHOT_FORMAT = 1;

export interface CapturedMachine {
  /** The raw v86 state. */
  state: ArrayBuffer;
  channels: MachineChannels;
  engine: EngineSnapshot;
  /** How long the guest was stopped: v86 copies its state synchronously. */
  pausedMs: number;
  /** When the guest's state was copied (Date.now()): the moment the snapshot is of. */
  at: number;
  containers: number;
  running: number;
}

/** What a machine snapshot says about where it came from. */
export interface MachineIdentity {
  stateKey: string;
  v86: string;
  /** sha256 of the kernel image the machine booted. */
  image: string;
  recipe: string;
}

export function identityOf(m: VmManifest): MachineIdentity {
  return {
    stateKey: stateKey(m, DEVICE_SET),
    v86: V86_VERSION,
    image: m.files.find((f) => f.name === 'bzImage')?.sha256 ?? '',
    recipe: m.recipeHash,
  };
}

/**
 * Why a snapshot made by `saved` cannot run on this site's machine, or null
 * if it can. A v86 state restores only into the same v86 build, kernel,
 * BIOS, memory size and devices.
 */
export function refusal(
  saved: { stateKey: string; v86: string; image: string; format?: number },
  here: MachineIdentity,
): { reason: 'v86' | 'image' | 'format'; detail: string } | null {
  if (saved.v86 !== here.v86) {
    return { reason: 'v86', detail: `it was saved by emulator v86 ${saved.v86}; this site runs ${here.v86}` };
  }
  if (saved.image !== here.image || saved.stateKey !== here.stateKey) {
    return {
      reason: 'image',
      detail: `it was saved with VM image ${saved.image.slice(0, 12)}; this site runs ${here.image.slice(0, 12)}`,
    };
  }
  if (saved.format !== undefined && saved.format !== SNAPSHOT_FORMAT) {
    return { reason: 'format', detail: `it is in snapshot format ${saved.format}; this site reads ${SNAPSHOT_FORMAT}` };
  }
  return null;
}

/**
 * What keeps a snapshot from being taken now, or null: a frame half-way on
 * a channel, or a request of the engine's own in flight (a snapshot would
 * cut it off; a container's run and exec sessions are tagged and survive).
 */
export function notQuiet(vm: VmHost): string | null {
  if (!vm.channel.quiet) return 'a control frame is on its way';
  if (!vm.api.quiet) return 'an API frame is on its way';
  if (vm.channel.untaggedRequests > 0) return `${vm.channel.untaggedRequests} guest command(s) running`;
  return null;
}

/**
 * Takes the machine's state once it is between requests. While none of the
 * caller's own work is going on (`busy`: a Docker request being answered, a
 * build), new untagged guest requests are held back (a picture's read, a
 * lesson's setup wait a moment) so the ones in flight can finish; as soon as
 * the caller is busy again they are let go, so that work is never stalled.
 * Rejects after timeoutMs with what kept it busy.
 */
export async function captureQuiet(
  vm: VmHost,
  engine: Engine,
  busy: () => string | null,
  timeoutMs: number,
): Promise<CapturedMachine> {
  const t0 = Date.now();
  let release: (() => void) | null = null;
  try {
    for (;;) {
      const mine = busy();
      if (mine) {
        // Work of the caller's (a Docker request being answered) goes on unheld: its guest commands must run.
        release?.();
        release = null;
      } else {
        release ??= vm.channel.hold();
        if (!notQuiet(vm)) return await captureMachine(vm, engine);
      }
      if (Date.now() - t0 > timeoutMs) throw new Error(`the machine is busy: ${mine ?? notQuiet(vm)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    release?.();
  }
}

/** Waits until notQuiet says nothing (or rejects after timeoutMs with what kept it busy). */
export async function waitQuiet(vm: VmHost, busy: () => string | null, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const why = busy() ?? notQuiet(vm);
    if (!why) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`the machine is busy: ${why}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Takes the machine's state. The engine's and the channels' state are read
 * in the same task as v86 copies the guest's, so the three agree. Call it
 * when notQuiet is null.
 */
export async function captureMachine(vm: VmHost, engine: Engine): Promise<CapturedMachine> {
  const engineState = exportEngine(engine);
  const channels: MachineChannels = { control: vm.channel.snapshot(), api: vm.api.snapshot() };
  const at = Date.now();
  const t0 = performance.now();
  // v86 copies the whole state synchronously here; the promise only wraps the result.
  const saving = vm.emulator.save_state();
  const pausedMs = performance.now() - t0;
  const state = await saving;
  const all = engine.list(true);
  return {
    state,
    channels,
    engine: engineState,
    pausedMs,
    at,
    containers: all.length,
    running: all.filter((c) => c.State.Running).length,
  };
}

export interface Reattached {
  /** Containers whose runs the engine adopted (running on). */
  adopted: number;
  /** Guest commands of the old page no one took over: ended. */
  ended: number;
  /** Docker clients whose connection died with the old page (a `docker run -it`, `logs -f`): disconnected. */
  disconnected: number;
}

/**
 * After a VmHost was started from a snapshot's state and channels: the
 * engine takes its state back and adopts its containers' runs; what no one
 * adopted is ended, and the old page's API clients are disconnected.
 * Throws if the engine's state cannot be restored (the caller then throws
 * the machine away: a machine is never half-restored).
 */
export function reattach(vm: VmHost, engine: Engine, snap: unknown): Reattached {
  const { adopted } = restoreEngine(engine, snap);
  const ended = vm.channel.releaseOrphans();
  const disconnected = vm.api.closeStale();
  return { adopted, ended, disconnected };
}
