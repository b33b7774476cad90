/**
 * The student's work that lives in this browser's storage (lesson progress,
 * editor files, loaded lessons, settings: every key under "playground."),
 * as a file to keep or move to another browser, and back. Images and the
 * machine are not in the file: they can be rebuilt, and would make it large.
 */
const PREFIX = 'playground.';
export const FORMAT = 'container-playground-work';

export interface WorkFile {
  format: typeof FORMAT;
  version: 1;
  savedAt: string;
  entries: Record<string, string>;
}

/** The playground's keys in this storage. */
function workKeys(storage: Storage): string[] {
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    if (k?.startsWith(PREFIX)) keys.push(k);
  }
  return keys;
}

export function exportWork(storage: Storage): WorkFile {
  const entries = Object.fromEntries(workKeys(storage).map((k) => [k, storage.getItem(k) ?? '']));
  return { format: FORMAT, version: 1, savedAt: new Date().toISOString(), entries };
}

export class WorkFileError extends Error {}

/** Checks a file before anything is replaced; the keys it holds overwrite this browser's. */
export function importWork(storage: Storage, text: string): number {
  let file: Partial<WorkFile>;
  try {
    file = JSON.parse(text) as Partial<WorkFile>;
  } catch {
    throw new WorkFileError('this file is not JSON');
  }
  if (file.format !== FORMAT || file.version !== 1 || !file.entries || typeof file.entries !== 'object') {
    throw new WorkFileError('this file is not a playground work file');
  }
  const entries = Object.entries(file.entries);
  for (const [k, v] of entries) {
    if (!k.startsWith(PREFIX) || typeof v !== 'string') throw new WorkFileError(`unexpected entry ${k} in the file`);
  }
  for (const [k, v] of entries) storage.setItem(k, v);
  return entries.length;
}

/** Forgets this browser's playground storage (the page reloads afterwards). */
export function forgetWork(storage: Storage): void {
  for (const k of workKeys(storage)) storage.removeItem(k);
}
