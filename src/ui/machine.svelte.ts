import * as Comlink from 'comlink';
import { bootMark } from '../vm/bootTimeline';
import { startEarlyFetch } from '../vm/earlyFetch';
import { initialStatus, type ApiTraffic, type EngineEvent, type VmStatus, type VmWorkerApi } from '../worker/api';
import { onExercisePassed } from './lessons/progress.svelte';
import { claimMachine, type MachineClaim } from './tabLock';

export interface MachineOptions {
  /**
   * 'embed': an embedded exercise's frame, with databases of its own (see
   * src/worker/storageScope.ts) and a throwaway machine: no snapshots, no
   * claim on the page's machine (the tab lock).
   */
  storage?: 'page' | 'embed';
}

/**
 * The page's handle on the machine in the worker: status as reactive state,
 * and the terminal's MessagePort. Components read it; they hold no logic.
 */
export class Machine {
  status = $state<VmStatus>(initialStatus());
  /** The docker CLI's latest requests to the engine, newest last. */
  traffic = $state<ApiTraffic[]>([]);
  /** What the daemon did lately (container and image events), newest last. */
  events = $state<EngineEvent[]>([]);
  /** Commands entered in the terminal (Enter presses): pictures look again after each. */
  commands = $state(0);
  /** Set once a boot finished (cold or restored) in this page. */
  readyAt = $state<number | null>(null);
  /**
   * The machine is open in another tab of this site ('waiting': this tab has
   * none yet; 'moved': this tab handed it over), or null when it is here.
   */
  elsewhere = $state<'waiting' | 'moved' | null>(null);
  /** A new version of the site is installed: the next load runs it. */
  updateReady = $state(false);
  private claim: MachineClaim | null = null;
  readonly api: Comlink.Remote<VmWorkerApi>;
  private readonly terminalPort: MessagePort;
  private outputListeners: ((b: Uint8Array) => void)[] = [];
  /** Console output from before the terminal existed, replayed to it (bounded). */
  private backlog: Uint8Array[] = [];
  private backlogBytes = 0;

  /** `storage: 'embed'`: an embedded frame's machine, with databases of its own (see src/worker/storageScope.ts). */
  constructor(private readonly opts: MachineOptions = {}) {
    const worker = new Worker(new URL('../worker/vm.worker.ts', import.meta.url), {
      type: 'module',
      name: opts.storage ?? 'page',
    });
    this.api = Comlink.wrap<VmWorkerApi>(worker);
    const { port1, port2 } = new MessageChannel();
    this.terminalPort = port1;
    port1.onmessage = (e: MessageEvent<Uint8Array>) => {
      if (this.outputListeners.length === 0) {
        this.backlog.push(e.data);
        this.backlogBytes += e.data.length;
        while (this.backlogBytes > 256 * 1024) this.backlogBytes -= this.backlog.shift()!.length;
      }
      for (const l of this.outputListeners) l(e.data);
    };
    void this.api.attachTerminal(Comlink.transfer(port2, [port2]));
    void this.api.onApiTraffic(
      Comlink.proxy((t: ApiTraffic) => {
        this.traffic = [...this.traffic.slice(-49), t];
      }),
    );
    void this.api.onEngineEvents(
      Comlink.proxy((e: EngineEvent) => {
        this.events = [...this.events.slice(-49), e];
      }),
    );
    void this.api.onStatus(
      Comlink.proxy((s: VmStatus) => {
        this.status = s;
        if (s.stage === 'ready') this.readyAt ??= performance.now();
      }),
    );
  }

  /**
   * Starts this tab's machine: the one the student left (their snapshot),
   * unless another tab of the site has it open; then this tab waits for the
   * student to take it over (see takeOver).
   */
  async boot(opts: { useSavedState?: boolean } = {}): Promise<VmStatus> {
    // An embedded frame's machine is its own and throwaway: no snapshots, no claim on the page's machine.
    if (this.opts.storage === 'embed') return this.start({ ...opts, ephemeral: true });
    this.claim ??= claimMachine({
      // Another tab asks for the machine: save it, stop it, let go.
      handOver: async () => {
        await this.api.suspend().catch(() => {});
        this.readyAt = null;
        this.elsewhere = 'moved';
      },
      lost: () => {
        this.elsewhere = 'moved';
        void this.api.suspend().catch(() => {});
      },
    });
    if (!(await this.claim.tryAcquire())) {
      this.elsewhere = 'waiting';
      return this.status;
    }
    this.watchForSaves();
    return this.start(opts);
  }

  /** The worker starts the machine with what the page already began fetching for it. */
  private start(opts: { useSavedState?: boolean; ephemeral?: boolean } = {}): Promise<VmStatus> {
    const vmBaseUrl = new URL('vm/', document.baseURI).href;
    const early = startEarlyFetch(vmBaseUrl);
    for (const [name, file] of Object.entries(early.files)) {
      void file
        .then((f) => this.api.provide(name, f instanceof ArrayBuffer ? Comlink.transfer(f, [f]) : f))
        // A module this browser cannot post to a worker: the worker fetches it itself.
        .catch(() => this.api.provide(name, null));
    }
    return this.api.boot({ vmBaseUrl, manifest: early.manifest, pageFiles: Object.keys(early.files), ...opts });
  }

  /** "Take it over": the other tab saves and lets go (or is overruled after a few seconds); this tab resumes. */
  async takeOver(): Promise<VmStatus> {
    if (!this.claim) return this.boot();
    await this.claim.takeOver();
    this.elsewhere = null;
    this.watchForSaves();
    // From the snapshot the other tab just saved (a tab that handed over and takes back alike).
    return this.start();
  }

  private watching = false;

  /** The machine is saved when the page is hidden or left, and after an exercise passes. */
  private watchForSaves(): void {
    if (this.watching) return;
    this.watching = true;
    const save = (why: string) => {
      if (this.elsewhere === null && this.status.stage === 'ready') void this.api.snapshot(why).catch(() => {});
    };
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') save('hidden');
    });
    window.addEventListener('pagehide', () => save('pagehide'));
    onExercisePassed(() => save('passed'));
    // A new deploy: its service worker takes over this page; the next load runs it.
    const sw = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
    if (sw?.controller) sw.addEventListener('controllerchange', () => (this.updateReady = true));
    // Ask the browser not to evict this site's storage under pressure (the student's machine lives there).
    void navigator.storage?.persist?.().catch(() => false);
  }

  /** "Start fresh": the site's machine instead of the one resumed (which is kept as a checkpoint). */
  async startFresh(): Promise<void> {
    this.readyAt = null;
    await this.api.startFresh();
  }

  /** Saves the machine, then reloads the page (the new version of the site runs after it). */
  async reloadForUpdate(): Promise<void> {
    await this.api.snapshot('update').catch(() => null);
    location.reload();
  }

  async restart(): Promise<void> {
    this.readyAt = null;
    await this.api.reset();
  }

  private promptTail: string | null = '';
  /** Called by the terminal once it has drawn `bytes`: the first prompt drawn is a mark of the start-up timeline. */
  drawn(bytes: Uint8Array): void {
    if (this.promptTail === null) return;
    this.promptTail = (this.promptTail + new TextDecoder().decode(bytes)).slice(-64);
    if (this.promptTail.includes('playground:~# ')) {
      this.promptTail = null;
      bootMark('prompt-drawn');
    }
  }

  onOutput(listener: (b: Uint8Array) => void): () => void {
    for (const b of this.backlog.splice(0)) listener(b);
    this.backlogBytes = 0;
    this.outputListeners.push(listener);
    return () => (this.outputListeners = this.outputListeners.filter((l) => l !== listener));
  }

  /** Keystrokes go straight to the guest's serial console. */
  input(data: string): void {
    if (data.includes('\r') && !this.commands) bootMark('first-command');
    this.terminalPort.postMessage(new TextEncoder().encode(data));
    if (data.includes('\r')) this.commands++;
  }

  resize(rows: number, cols: number): void {
    void this.api.resize(rows, cols);
  }
}
