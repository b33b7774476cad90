/**
 * Whether the page's own storage (localStorage: progress, editor files,
 * settings) keeps what it is given. A write the browser refuses is reported
 * here, once, and the page keeps the data in memory; the banner says so.
 */
export class StorageHealth {
  /** The last refused write: what it was for and the browser's reason. */
  failed = $state<{ what: string; message: string; quota: boolean } | null>(null);

  report(what: string, e: unknown): void {
    const name = e instanceof DOMException || e instanceof Error ? e.name : '';
    const message = e instanceof Error || e instanceof DOMException ? e.message : String(e);
    this.failed = { what, message, quota: name === 'QuotaExceededError' || /quota/i.test(message) };
  }

  dismiss(): void {
    this.failed = null;
  }
}

export const storageHealth = new StorageHealth();

/**
 * Writes a key; a refusal is reported (and returns false) instead of thrown.
 * Callers keep their data in memory either way.
 */
export function writeItem(storage: Pick<Storage, 'setItem'> | null, key: string, value: string, what: string): boolean {
  if (!storage) return false;
  try {
    storage.setItem(key, value);
    return true;
  } catch (e) {
    storageHealth.report(what, e);
    return false;
  }
}
