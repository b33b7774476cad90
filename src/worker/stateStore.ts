/**
 * Saved machine states in IndexedDB, one per state key. A state made with
 * another image, device set or v86 build is never offered for restore.
 */
import { idbDatabase } from './idb';
import { dbName } from './storageScope';

const STORE = 'vm-states';
const run = idbDatabase(dbName('container-playground'), [STORE]);
const tx = <T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>) => run<T>(STORE, mode, fn);

interface StoredState {
  key: string;
  savedAt: number;
  /** gzip of the raw v86 state: mostly zero pages, it shrinks a lot. */
  gz: ArrayBuffer;
}

async function pipe(buf: ArrayBuffer, stream: CompressionStream | DecompressionStream): Promise<ArrayBuffer> {
  return new Response(new Blob([buf]).stream().pipeThrough(stream)).arrayBuffer();
}

export async function loadState(key: string): Promise<ArrayBuffer | null> {
  const rec = (await tx<StoredState | undefined>('readonly', (s) => s.get('current'))) ?? null;
  if (!rec || rec.key !== key) return null;
  return pipe(rec.gz, new DecompressionStream('gzip'));
}

export async function storedStateSize(key: string): Promise<number | null> {
  const rec = await tx<StoredState | undefined>('readonly', (s) => s.get('current'));
  return rec && rec.key === key ? rec.gz.byteLength : null;
}

export async function saveState(key: string, state: ArrayBuffer): Promise<number> {
  const gz = await pipe(state, new CompressionStream('gzip'));
  const rec: StoredState = { key, savedAt: Date.now(), gz };
  await tx('readwrite', (s) => s.put(rec, 'current'));
  return gz.byteLength;
}

export async function clearState(): Promise<void> {
  await tx('readwrite', (s) => s.delete('current'));
}
