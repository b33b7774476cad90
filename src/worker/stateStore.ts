/**
 * Machine snapshots in the browser: the resume snapshot (the student's
 * machine as it was last saved) and the checkpoints taken as exercises open.
 * Each is its listing record (small, in `meta`) and its bytes (in `data`):
 * the v86 state gzipped, the engine's state and the channels', which must be
 * restored together.
 *
 * Storage tells the truth: when IndexedDB is missing or a write fails (quota,
 * private mode, eviction), the snapshot is kept in this worker's memory
 * instead and `problem` says so; nothing is dropped without a word.
 */
import { idbDatabase, type IdbRun } from './idb';
import { dbName } from './storageScope';
import type { MachineChannels } from '../vm/vmHost';

export interface SnapshotMeta {
  /** 'resume' for the machine to resume; checkpoints have their own ids. */
  id: string;
  kind: 'resume' | 'checkpoint';
  /** A checkpoint's exercise ("lesson/exercise"), or why a resume snapshot was taken. */
  label: string;
  createdAt: number;
  /** The VM it fits (see stateKey in src/vm/manifest.ts); any other is refused. */
  stateKey: string;
  /** What made it, for the machine file's manifest and for messages. */
  site: { version: string; v86: string; image: string };
  /** Bytes stored (gzip of the v86 state, plus the engine's state) and of the raw v86 state. */
  bytes: number;
  rawBytes: number;
  /** How long the guest was stopped while its state was copied. */
  pausedMs: number;
  containers: number;
  running: number;
}

export interface SnapshotRecord {
  meta: SnapshotMeta;
  /** gzip of the raw v86 state. */
  gz: ArrayBuffer;
  /** The engine's state (src/engine/snapshot.ts), as plain data. */
  engine: unknown;
  channels: MachineChannels;
}

interface StoredData {
  gz: ArrayBuffer;
  engine: unknown;
  channels: MachineChannels;
}

export type StorageMode = 'indexeddb' | 'memory';

/** Why the browser's storage let a write down: the quota, or anything else (private mode, eviction …). */
export interface StorageProblem {
  kind: 'quota' | 'failed' | 'unavailable';
  message: string;
}

export async function gzip(buf: ArrayBuffer): Promise<ArrayBuffer> {
  return new Response(new Blob([buf]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
}

export async function gunzip(buf: ArrayBuffer): Promise<ArrayBuffer> {
  return new Response(new Blob([buf]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
}

export class SnapshotStore {
  private readonly run: IdbRun | null;
  /** Snapshots that could not be written to IndexedDB (or all of them, without it). */
  private readonly memory = new Map<string, SnapshotRecord>();
  mode: StorageMode;
  /** The last write that failed; null once a write succeeds again. */
  problem: StorageProblem | null = null;

  constructor(
    database = dbName('container-playground-machines'),
    hasIndexedDb = typeof indexedDB !== 'undefined',
    private readonly onChange: () => void = () => {},
  ) {
    this.run = hasIndexedDb ? idbDatabase(database, ['meta', 'data']) : null;
    this.mode = this.run ? 'indexeddb' : 'memory';
  }

  async list(): Promise<SnapshotMeta[]> {
    const stored = await this.idb(
      (run) => run<SnapshotMeta[]>('meta', 'readonly', (s) => s.getAll()),
      [] as SnapshotMeta[],
    );
    const byId = new Map(stored.map((m) => [m.id, m]));
    for (const [id, r] of this.memory) byId.set(id, r.meta);
    return [...byId.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  async get(id: string): Promise<SnapshotRecord | null> {
    const mem = this.memory.get(id);
    if (mem) return mem;
    return this.idb(async (run) => {
      const meta = await run<SnapshotMeta | undefined>('meta', 'readonly', (s) => s.get(id));
      const data = await run<StoredData | undefined>('data', 'readonly', (s) => s.get(id));
      return meta && data ? { meta, ...data } : null;
    }, null);
  }

  /**
   * Stores a snapshot. If IndexedDB refuses it, it stays in memory (so this
   * page can still restore it and download it) and `problem` says why.
   */
  async put(rec: SnapshotRecord): Promise<void> {
    if (!this.run || this.mode === 'memory') {
      this.memory.set(rec.meta.id, rec);
      this.onChange();
      return;
    }
    try {
      const data: StoredData = { gz: rec.gz, engine: rec.engine, channels: rec.channels };
      await this.run('data', 'readwrite', (s) => s.put(data, rec.meta.id));
      await this.run('meta', 'readwrite', (s) => s.put(rec.meta, rec.meta.id));
      this.memory.delete(rec.meta.id);
      this.problem = null;
    } catch (e) {
      this.memory.set(rec.meta.id, rec);
      this.problem = describeFailure(e);
      // Half written: the listing must not name bytes that are not there.
      await this.run('meta', 'readwrite', (s) => s.delete(rec.meta.id)).catch(() => {});
    }
    this.onChange();
  }

  async delete(id: string): Promise<void> {
    this.memory.delete(id);
    await this.idb(async (run) => {
      await run('meta', 'readwrite', (s) => s.delete(id));
      await run('data', 'readwrite', (s) => s.delete(id));
    }, undefined);
  }

  async clear(): Promise<void> {
    this.memory.clear();
    await this.idb(async (run) => {
      await run('meta', 'readwrite', (s) => s.clear());
      await run('data', 'readwrite', (s) => s.clear());
    }, undefined);
  }

  /** An IndexedDB operation; if the database cannot be used at all, memory mode from then on. */
  private async idb<T>(fn: (run: IdbRun) => Promise<T>, fallback: T): Promise<T> {
    if (!this.run || this.mode === 'memory') return fallback;
    try {
      return await fn(this.run);
    } catch (e) {
      this.problem = describeFailure(e);
      if (!(e instanceof DOMException && e.name === 'QuotaExceededError')) {
        this.mode = 'memory';
        this.problem = { kind: 'unavailable', message: this.problem.message };
      }
      this.onChange();
      return fallback;
    }
  }
}

export function describeFailure(e: unknown): StorageProblem {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  const message = e instanceof Error || e instanceof DOMException ? `${name}: ${e.message}` : String(e);
  return { kind: name === 'QuotaExceededError' ? 'quota' : 'failed', message };
}
