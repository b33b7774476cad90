import { V86, type V86Options } from 'v86';
import type { Guest, GuestExecOptions, GuestExecResult, GuestProcess } from '../engine/guest';
import { ApiChannel, type ApiSnapshot } from './apiChannel';
import { ControlChannel, type ChannelSnapshot } from './controlChannel';
import { pageAdapter, pageHttpGet, PageNetworkError, refuseOutbound, type PageHttpResponse } from './pageNetwork';
import { HealthMonitor, type HealthProblem } from './health';
import { useInWorkerYield } from './browserYield';
import { skipZeroingFreshMemory } from './freshMemory';
import { setJitOff } from './bootJit';
import type { VmManifest } from './manifest';

export type BootStage = 'loading' | 'starting' | 'kernel' | 'userland' | 'restoring' | 'ready' | 'failed';

export interface VmAssets {
  manifest: VmManifest;
  bios: ArrayBuffer;
  /** Needed for a cold boot only: a saved state holds the kernel in its memory. */
  bzimage: ArrayBuffer | null;
  /** Instantiates v86's wasm; each environment fetches it its own way. */
  wasm: (imports: WebAssembly.Imports) => Promise<WebAssembly.Exports>;
}

export interface VmHostOptions {
  assets: VmAssets;
  /** A state saved by saveState() with the same assets and options. */
  state?: ArrayBuffer;
  /** With `state` from a machine snapshot: its channels' requests and connections at the same instant. */
  channels?: MachineChannels;
  onStage?: (stage: BootStage, detail?: string) => void;
  /** Console (ttyS0) output, batched. */
  onConsole?: (bytes: Uint8Array) => void;
  /** The guest panicked or stopped answering. */
  onProblem?: (problem: HealthProblem) => void;
  /** How long a cold boot may take before it counts as hung. */
  bootTimeoutMs?: number;
  /** Keep v86's JIT on during a cold boot (it is off until the machine is up, see bootJit.ts); for measuring. */
  jitWhileBooting?: boolean;
  /** Moments of the start for the timeline (bootTimeline.ts): emulator-ready, restored, console-prompt, … */
  onMark?: (name: string) => void;
}

/** The host ends of the guest's channels when a machine was saved (see src/worker/machineSnapshot.ts). */
export interface MachineChannels {
  control: ChannelSnapshot;
  api: ApiSnapshot;
}

/** The devices the guest is booted with; part of the saved-state key. */
export const DEVICE_SET = 'ttyS0+virtio-console+9p+ne2k';

/** Printed by vm-image/rootfs/init as the kernel hands over to userland. */
const USERLAND_MARK = 'playground: starting userland';
/** The console shell's prompt (PS1 in vm-image/rootfs/etc/profile). */
const PROMPT_MARK = 'playground:~# ';
const CONSOLE_FLUSH_MS = 8;
/** 512 bits: twice what the guest kernel needs to count its generator seeded. */
const SEED_BYTES = 64;
const CONSOLE_FLUSH_BYTES = 8192;

/**
 * One running v86 machine with the playground's guest: console bytes out and
 * in, the control channel, boot stages, saved states, and health watching.
 * Runs in a Web Worker and in Node alike (no DOM).
 */
export class VmHost implements Guest {
  readonly channel: ControlChannel;
  /** The Docker API port: the guest's docker CLI reaches the engine through it. */
  readonly api: ApiChannel;
  readonly emulator: V86;
  stage: BootStage = 'loading';
  readonly timings: Record<string, number> = {};
  /** Which of the v86 speed-ups in browserYield.ts, freshMemory.ts and bootJit.ts took effect. */
  readonly speedups = { inWorkerYield: false, freshMemory: false, jitOffWhileBooting: false };
  private readonly health: HealthMonitor;
  private consoleBuf: number[] = [];
  private consoleLine = '';
  private promptSeen = false;
  private promptListener: (() => void) | null = null;
  private consoleTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly t0 = performance.now();
  private destroyed = false;

  get manifest(): VmManifest {
    return this.opts.assets.manifest;
  }

  private constructor(private readonly opts: VmHostOptions) {
    const { assets } = opts;
    const v86opts: V86Options = {
      wasm_fn: assets.wasm,
      memory_size: assets.manifest.memoryMB * 1024 * 1024,
      vga_memory_size: 2 * 1024 * 1024,
      bios: { buffer: assets.bios },
      cmdline: assets.manifest.cmdline,
      filesystem: {},
      virtio_console: { type: 'none' },
      // The ne2k card's other end: v86's TCP/IP in this thread, through which the page opens published ports.
      net_device: { type: 'ne2k', relay_url: 'fetch' },
      // The guest set its address and learned its MAC before the state was saved; a new MAC would orphan both.
      preserve_mac_from_state_image: true,
      autostart: true,
      disable_keyboard: true,
      disable_mouse: true,
      disable_speaker: true,
    };
    if (opts.state) v86opts.initial_state = { buffer: opts.state };
    else if (assets.bzimage) v86opts.bzimage = { buffer: assets.bzimage };
    else throw new Error('a cold boot needs the kernel image (bzImage)');
    this.emulator = new V86(v86opts);
    const bus = busOf(this.emulator);
    this.channel = new ControlChannel(
      {
        write: (bytes) => bus.send('virtio-console0-input-bytes', bytes),
        onData: (listener) => this.emulator.add_listener('virtio-console0-output-bytes', listener),
      },
      opts.state ? opts.channels?.control : undefined,
    );
    this.api = new ApiChannel(
      {
        write: (bytes) => bus.send('virtio-console1-input-bytes', bytes),
        onData: (listener) =>
          this.emulator.add_listener('virtio-console1-output-bytes' as 'virtio-console0-output-bytes', listener),
      },
      opts.state ? opts.channels?.api : undefined,
    );
    this.health = new HealthMonitor(this.channel, (p) => this.fail(p));
    this.emulator.add_listener('serial0-output-byte', (b) => this.consoleByte(b));
    const adapter = pageAdapter(this.emulator);
    if (adapter) refuseOutbound(adapter);
  }

  /**
   * GET a path from a port the guest listens on, from this thread (the
   * page's preview of a published port), over the machine's network card.
   */
  pageHttp(port: number, path: string, timeoutMs?: number): Promise<PageHttpResponse> {
    const adapter = pageAdapter(this.emulator);
    if (!adapter) {
      return Promise.reject(
        new PageNetworkError(
          "this v86 build has no network adapter with connect(): the page cannot reach the guest's ports",
        ),
      );
    }
    return pageHttpGet(adapter, port, path, timeoutMs);
  }

  /** Boots (or restores) a machine and resolves once the agent answers. */
  static async start(opts: VmHostOptions): Promise<VmHost> {
    const host = new VmHost(opts);
    await host.boot();
    return host;
  }

  private setStage(stage: BootStage, detail?: string): void {
    this.stage = stage;
    this.timings[stage] = Math.round(performance.now() - this.t0);
    this.opts.onStage?.(stage, detail);
  }

  private async boot(): Promise<void> {
    this.setStage('starting');
    const mark = (name: string) => this.opts.onMark?.(name);
    // v86 restores the state between these two events.
    this.emulator.add_listener('emulator-loaded', () => mark(this.opts.state ? 'restored' : 'emulator-loaded'));
    await new Promise<void>((resolve) =>
      this.emulator.add_listener('emulator-ready', () => {
        mark('emulator-ready');
        this.speedups.inWorkerYield = useInWorkerYield(this.emulator);
        // v86 restores the initial state right after this event.
        if (this.opts.state) this.speedups.freshMemory = skipZeroingFreshMemory(this.emulator);
        else if (this.opts.jitWhileBooting !== true) this.speedups.jitOffWhileBooting = setJitOff(this.emulator, true);
        resolve();
      }),
    );
    if (this.opts.state) {
      this.setStage('restoring');
      // The prompt was printed before the state was saved: ask the shell for a
      // fresh one at once, while the agent is asked whether it is there. A save
      // can come half-way through a typed line (the page hidden at any keystroke):
      // Ctrl-U first erases it (the line editor's and the tty's kill-line), so
      // the Enter never runs a command the student had not finished.
      this.consoleInput(new TextEncoder().encode('\x15\n'));
      // The saved machine had a running agent; it answers the heartbeat at once.
      this.channel.assumeReady('restored');
      await this.channel.ping(5000).catch((e: Error) => {
        throw this.fail({ kind: 'hung', message: `restored machine does not answer: ${e.message}` });
      });
      mark('agent-answers');
      // The guest clock stopped when the state was saved; its random generator must not go on as every other copy of it.
      this.channel.setTime(Date.now());
      this.channel.seedRandom(crypto.getRandomValues(new Uint8Array(SEED_BYTES)));
    } else {
      this.setStage('kernel');
      const timeout = this.opts.bootTimeoutMs ?? 60_000;
      const hello = this.channel.waitForHello();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(this.fail({ kind: 'hung', message: `the guest did not come up within ${timeout / 1000} s` })),
          timeout,
        );
      });
      // Ready means both: the engine's agent answers and the student has a prompt.
      const prompt = new Promise<void>((resolve) => {
        if (this.promptSeen) resolve();
        else this.promptListener = resolve;
      });
      hello.then(
        () => mark('agent-answers'),
        () => {},
      );
      await Promise.race([Promise.all([hello, prompt]), limit, this.health.panicked]).finally(() =>
        clearTimeout(timer),
      );
      this.channel.setTime(Date.now());
      this.channel.seedRandom(crypto.getRandomValues(new Uint8Array(SEED_BYTES)));
      if (this.speedups.jitOffWhileBooting) setJitOff(this.emulator, false);
    }
    this.setStage('ready');
    this.health.start();
  }

  adopt(tag: string, opts?: Omit<GuestExecOptions, 'stdin' | 'tag'>): GuestProcess | null {
    return this.channel.adopt(tag, opts);
  }

  exec(argv: readonly string[], opts?: GuestExecOptions): Promise<GuestExecResult> {
    return this.channel.exec(argv, opts);
  }

  spawn(argv: readonly string[], opts?: Omit<GuestExecOptions, 'stdin'>): GuestProcess {
    return this.channel.spawn(argv, opts);
  }

  /** Bytes typed into the console. */
  consoleInput(bytes: Uint8Array): void {
    this.emulator.serial_send_bytes(0, bytes);
  }

  resizeConsole(rows: number, cols: number): void {
    if (this.stage === 'ready') this.channel.resizeConsole(rows, cols);
  }

  /** Saves the whole machine; wait until no control request is running. */
  async saveState(): Promise<ArrayBuffer> {
    return this.emulator.save_state();
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    this.health.stop();
    this.channel.close('the machine was stopped');
    if (this.consoleTimer) clearTimeout(this.consoleTimer);
    await this.emulator.destroy();
  }

  private fail(problem: HealthProblem): Error {
    if (this.stage !== 'failed') {
      this.setStage('failed', problem.message);
      this.health.stop();
      this.channel.close(problem.message);
      this.opts.onProblem?.(problem);
    }
    return new Error(problem.message);
  }

  private consoleByte(b: number): void {
    if (!this.promptSeen) {
      if (b === 10) {
        if (this.stage === 'kernel' && this.consoleLine.includes(USERLAND_MARK)) this.setStage('userland');
        this.consoleLine = '';
      } else if (this.consoleLine.length < 200) {
        this.consoleLine += String.fromCharCode(b);
        if (this.consoleLine.endsWith(PROMPT_MARK)) {
          this.promptSeen = true;
          // A cold boot's first prompt; a restored machine's answer to the newline sent after the restore.
          this.opts.onMark?.(this.opts.state ? 'console-answers' : 'console-prompt');
          this.promptListener?.();
        }
      }
    }
    this.consoleBuf.push(b);
    this.health.consoleByte(b);
    if (this.consoleBuf.length >= CONSOLE_FLUSH_BYTES) this.flushConsole();
    else this.consoleTimer ??= setTimeout(() => this.flushConsole(), CONSOLE_FLUSH_MS);
  }

  private flushConsole(): void {
    if (this.consoleTimer) clearTimeout(this.consoleTimer);
    this.consoleTimer = null;
    if (!this.consoleBuf.length) return;
    const bytes = Uint8Array.from(this.consoleBuf);
    this.consoleBuf = [];
    this.opts.onConsole?.(bytes);
  }
}

/** v86 exposes its message bus at runtime but not in its typings. */
function busOf(e: V86): { send(name: string, data: unknown): void } {
  return (e as unknown as { bus: { send(name: string, data: unknown): void } }).bus;
}
