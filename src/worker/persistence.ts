/**
 * The student's machine lives on: when to snapshot it (idle after a command,
 * at most every 30 s; on request: the page hidden, an exercise passed, a
 * checkpoint), where (stateStore.ts), and what to tell the page about it.
 * The worker owns the machine; this module only needs to reach it.
 */
import type { Engine } from '../engine/engine';
import type { VmManifest } from '../vm/manifest';
import type { VmHost } from '../vm/vmHost';
import type { ApiHandler, ApiStream } from '../vm/apiChannel';
import { captureQuiet, identityOf, refusal, SNAPSHOT_FORMAT } from './machineSnapshot';
import { gunzip, gzip, SnapshotStore, type SnapshotMeta, type SnapshotRecord } from './stateStore';
import type { PersistStatus } from './api';
import { dbName } from './storageScope';

export const RESUME_ID = 'resume';
/** Checkpoints kept; older ones are pruned. */
export const MAX_CHECKPOINTS = 8;
/** A command counts as done once console and API have been still this long. */
const IDLE_MS = 2000;
/** Automatic snapshots at most this often. */
const MIN_INTERVAL_MS = 30_000;
/** How long an automatic snapshot waits for the machine to be between requests; one asked for waits longer. */
const QUIET_TIMEOUT_MS = 5000;
const ASKED_TIMEOUT_MS = 30_000;

/**
 * The daemon's image store is one IndexedDB database shared by every tab and
 * frame of the site: requests that change it (build, tag, rmi, prune, load,
 * pull, commit …) hold this Web Lock exclusively, reads hold it shared, so
 * a prune in one tab never deletes the layers a build in another is writing.
 */
export const IMAGE_STORE_LOCK = `${dbName('container-playground-engine')}/images`;

/** Docker API requests that last as long as a container or a client (they survive a snapshot; their clients are disconnected). */
const LASTING = /^(?:POST|GET) \/(?:v[\d.]+\/)?(?:containers\/[^/]+\/(?:attach|wait|logs)|events|exec\/[^/]+\/start)\b/;

export interface SiteInfo {
  version: string;
}

export interface MachineAccess {
  vm(): VmHost | null;
  engine(): Engine | null;
  manifest(): VmManifest | null;
  publish(p: PersistStatus): void;
}

export function initialPersistStatus(): PersistStatus {
  return {
    storage: 'indexeddb',
    problem: null,
    resumed: null,
    refused: null,
    lastSaved: null,
    saving: false,
  };
}

export class Persistence {
  readonly store: SnapshotStore;
  status: PersistStatus = initialPersistStatus();
  /** Engine work of several guest requests the page asked for (a build, a load): a snapshot waits for it. */
  private busyOps = 0;
  /** Open Docker API requests that are not LASTING, by connection id. */
  private readonly busyConnections = new Set<number>();
  private lastActivity = 0;
  private dirty = false;
  private lastCommand = 0;
  private lastAutoSave = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private saving: Promise<SnapshotMeta | null> | null = null;

  constructor(
    private readonly machine: MachineAccess,
    readonly site: SiteInfo,
    store?: SnapshotStore,
    private readonly locks: LockManager | null = typeof navigator !== 'undefined' ? (navigator.locks ?? null) : null,
  ) {
    this.store = store ?? new SnapshotStore(undefined, undefined, () => this.storageChanged());
    this.status.storage = this.store.mode;
  }

  private set(patch: Partial<PersistStatus>): void {
    this.status = { ...this.status, ...patch };
    this.machine.publish(this.status);
  }

  private storageChanged(): void {
    this.set({ storage: this.store.mode, problem: this.store.problem });
  }

  /** Runs engine work that a snapshot must not cut in half. */
  async busy<T>(work: () => Promise<T>): Promise<T> {
    this.busyOps++;
    try {
      return await work();
    } finally {
      this.busyOps--;
      this.activity();
    }
  }

  /** Work that changes the image store (a build, a load from the page), under its lock and seen by snapshots. */
  imageWork<T>(work: () => Promise<T>): Promise<T> {
    return this.busy(() => this.withImageLock('exclusive', work));
  }

  private withImageLock<T>(mode: LockMode, work: () => Promise<T>): Promise<T> {
    if (!this.locks) return work();
    return this.locks.request(IMAGE_STORE_LOCK, { mode }, work) as Promise<T>;
  }

  /**
   * Wraps the engine's API handler: a snapshot knows which requests are
   * still being answered, and a request runs under the image store's lock
   * (exclusive if it may change the store, shared if it only reads).
   */
  trackApi(handler: ApiHandler): ApiHandler {
    return (stream: ApiStream) => {
      let seen = false;
      let unlock: (() => void) | null = null;
      /** Bytes that arrived while the request waited for the lock. */
      let waiting: Uint8Array[] | null = null;
      const done = () => {
        this.busyConnections.delete(stream.id);
        unlock?.();
        unlock = null;
        this.activity();
      };
      const closeListeners: (() => void)[] = [done];
      const tracked: ApiStream = {
        ...stream,
        id: stream.id,
        write: (b) => stream.write(b),
        end: () => {
          done();
          stream.end();
        },
        onClose: (l) => closeListeners.push(l),
        onEnd: (l) => stream.onEnd(l),
      };
      stream.onClose(() => closeListeners.forEach((l) => l()));
      const feed = handler(tracked);
      return (data: Uint8Array) => {
        this.activity();
        if (waiting) {
          waiting.push(data);
          return;
        }
        if (!seen) {
          seen = true;
          const line = new TextDecoder().decode(data.subarray(0, 200)).split('\r\n', 1)[0] ?? '';
          if (!LASTING.test(line)) {
            this.busyConnections.add(stream.id);
            if (this.locks) {
              const queued: Uint8Array[] = [data];
              waiting = queued;
              const mode: LockMode = /^(GET|HEAD) /.test(line) ? 'shared' : 'exclusive';
              void this.withImageLock(mode, () => {
                waiting = null;
                for (const d of queued) feed(d);
                // Held until the answer ends or the client goes.
                return new Promise<void>((release) => {
                  unlock = release;
                  if (!this.busyConnections.has(stream.id)) release();
                });
              });
              return;
            }
          }
        }
        feed(data);
      };
    };
  }

  /** What keeps a snapshot waiting, besides the channels (see notQuiet). */
  private busyReason = (): string | null => {
    if (this.busyOps) return 'the page is using the engine';
    if (this.busyConnections.size) return `${this.busyConnections.size} Docker request(s) being answered`;
    return null;
  };

  /** Console bytes typed: an Enter starts a command, which makes the machine worth saving once it settles. */
  noteInput(bytes: Uint8Array): void {
    if (bytes.includes(13)) {
      this.dirty = true;
      this.lastCommand = Date.now();
    }
    this.activity();
  }

  noteOutput(): void {
    this.activity();
  }

  private activity(): void {
    this.lastActivity = Date.now();
    if (this.dirty) this.schedule(IDLE_MS);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.idleCheck(), ms);
  }

  private async idleCheck(): Promise<void> {
    this.timer = null;
    const now = Date.now();
    if (!this.dirty) return;
    if (now - this.lastActivity < IDLE_MS) return this.schedule(IDLE_MS - (now - this.lastActivity));
    if (now - this.lastAutoSave < MIN_INTERVAL_MS) return this.schedule(MIN_INTERVAL_MS - (now - this.lastAutoSave));
    this.lastAutoSave = now;
    const saved = await this.saveResume('idle').catch(() => null);
    // A command typed while it was being saved still needs a save of its own.
    if (saved && this.lastCommand <= now) this.dirty = false;
    else this.schedule(saved ? IDLE_MS : MIN_INTERVAL_MS);
  }

  /** The machine to resume from, saved now. Null when there is no machine or it stayed busy. */
  /** After "Reset everything": nothing is saved again in this page (it reloads). */
  disable(): void {
    this.disabled = true;
    if (this.timer) clearTimeout(this.timer);
  }
  private disabled = false;

  saveResume(
    why: string,
    patient = why !== 'idle' && why !== 'hidden' && why !== 'pagehide',
  ): Promise<SnapshotMeta | null> {
    // One save at a time; a request during a save gets that save.
    this.saving ??= this.take(RESUME_ID, 'resume', why, patient ? ASKED_TIMEOUT_MS : QUIET_TIMEOUT_MS).finally(
      () => (this.saving = null),
    );
    return this.saving;
  }

  /** A checkpoint named by its label (an exercise "lesson/exercise"); the oldest beyond MAX_CHECKPOINTS go. */
  async checkpoint(label: string): Promise<SnapshotMeta | null> {
    const id = `cp:${label}:${Date.now()}`;
    const meta = await this.take(id, 'checkpoint', label, ASKED_TIMEOUT_MS);
    const checkpoints = (await this.store.list()).filter((m) => m.kind === 'checkpoint');
    for (const old of checkpoints.slice(MAX_CHECKPOINTS)) await this.store.delete(old.id);
    return meta;
  }

  private async take(
    id: string,
    kind: SnapshotMeta['kind'],
    label: string,
    quietTimeoutMs: number,
  ): Promise<SnapshotMeta | null> {
    const vm = this.machine.vm();
    const engine = this.machine.engine();
    const m = this.machine.manifest();
    if (!vm || !engine || !m || vm.stage !== 'ready' || this.disabled) return null;
    this.set({ saving: true });
    try {
      const snap = await captureQuiet(vm, engine, this.busyReason, quietTimeoutMs);
      const gz = await gzip(snap.state);
      const idn = identityOf(m);
      const engineBytes = JSON.stringify(snap.engine).length;
      const meta: SnapshotMeta = {
        id,
        kind,
        label,
        // The moment the guest was copied, not when the copy was stored: "resumed from 14:02" means the
        // machine as it was at 14:02, and a save that began before a command is not one made after it.
        createdAt: snap.at,
        stateKey: idn.stateKey,
        site: { version: this.site.version, v86: idn.v86, image: idn.image },
        bytes: gz.byteLength + engineBytes,
        rawBytes: snap.state.byteLength,
        pausedMs: Math.round(snap.pausedMs),
        containers: snap.containers,
        running: snap.running,
      };
      await this.store.put({ meta, gz, engine: { format: SNAPSHOT_FORMAT, ...snap.engine }, channels: snap.channels });
      if (this.early?.id === id) this.early = null;
      this.set({ lastSaved: { at: meta.createdAt, bytes: meta.bytes, pausedMs: meta.pausedMs, kind } });
      return meta;
    } finally {
      this.set({ saving: false });
    }
  }

  /**
   * The snapshot `id` ready to restore into this site's machine: its raw v86
   * state and the rest. A snapshot that cannot be used is reported (status
   * `refused`) and null is returned: never half-restored.
   */
  async load(id: string): Promise<{ record: SnapshotRecord; state: ArrayBuffer } | null> {
    const m = this.machine.manifest();
    const early = this.early?.id === id ? this.early.read : null;
    this.early = null;
    const record = early ? (await early)?.record : await this.store.get(id);
    if (!record || !m) return null;
    const engine = record.engine as { format?: number } | null;
    const why = refusal({ ...record.meta.site, stateKey: record.meta.stateKey, format: engine?.format }, identityOf(m));
    if (why) {
      this.refuse(record.meta, why.reason, why.detail);
      return null;
    }
    try {
      const unpacked = early ? (await early)?.state : null;
      return { record, state: unpacked ?? (await gunzip(record.gz)) };
    } catch (e) {
      this.refuse(record.meta, 'corrupt', `its bytes cannot be read: ${(e as Error).message}`);
      return null;
    }
  }

  /** A snapshot read (and unpacked) ahead of the boot that will want it. */
  private early: { id: string; read: Promise<{ record: SnapshotRecord; state: ArrayBuffer | null } | null> } | null =
    null;

  /**
   * Starts reading snapshot `id` from storage and unpacking it now, while
   * the page and the emulator load: a resume then waits for neither. It is
   * checked against the site's machine when load() takes it.
   */
  readAhead(id: string): void {
    const read = this.store.get(id).then(async (record) => {
      if (!record) return null;
      const state = await gunzip(record.gz).catch(() => null);
      return { record, state };
    });
    read.catch(() => {});
    this.early = { id, read };
  }

  refuse(meta: SnapshotMeta, reason: NonNullable<PersistStatus['refused']>['reason'], detail: string): void {
    this.set({ refused: { reason, detail, savedAt: meta.createdAt, kind: meta.kind } });
  }

  resumed(meta: SnapshotMeta, r: { disconnected: number; adopted: number }): void {
    this.set({
      resumed: {
        savedAt: meta.createdAt,
        kind: meta.kind,
        label: meta.label,
        containers: meta.containers,
        running: r.adopted,
        disconnected: r.disconnected,
      },
    });
  }

  /** A machine that is not a snapshot's: the resume notice goes. */
  fresh(): void {
    this.set({ resumed: null });
  }

  /**
   * Before the machine is replaced ("Start fresh", opening a machine file):
   * it is saved as it is now, and that snapshot becomes a checkpoint
   * (`label`), so it can still be had back; nothing is thrown away unseen.
   */
  async setAsideResume(label: 'before-fresh' | 'before-open'): Promise<void> {
    await this.saveResume(label).catch(() => null);
    const rec = await this.store.get(RESUME_ID);
    if (!rec) return;
    const id = `cp:${label}:${rec.meta.createdAt}`;
    await this.store.put({ ...rec, meta: { ...rec.meta, id, kind: 'checkpoint', label } });
    await this.store.delete(RESUME_ID);
    const checkpoints = (await this.store.list()).filter((m) => m.kind === 'checkpoint');
    for (const old of checkpoints.slice(MAX_CHECKPOINTS)) await this.store.delete(old.id);
    this.dirty = false;
  }
}
