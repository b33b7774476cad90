/**
 * One IndexedDB database with its object stores, opened once per worker and
 * shared by every request; `run` performs one request in its own transaction
 * and resolves when that transaction has committed.
 */
export type IdbRun = <T>(
  store: string,
  mode: IDBTransactionMode,
  fn: (s: IDBObjectStore) => IDBRequest<T>,
) => Promise<T>;

export function idbDatabase(name: string, stores: readonly string[]): IdbRun {
  let db: Promise<IDBDatabase> | null = null;
  const open = () =>
    new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => stores.forEach((s) => req.result.createObjectStore(s));
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  return <T>(store: string, mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>) => {
    db ??= open();
    db.catch(() => (db = null));
    return db.then(
      (d) =>
        new Promise<T>((resolve, reject) => {
          const t = d.transaction(store, mode);
          const req = fn(t.objectStore(store));
          t.oncomplete = () => resolve(req.result);
          t.onerror = () => reject(t.error);
          t.onabort = () => reject(t.error);
        }),
    );
  };
}
