/**
 * One machine per site in a browser: the tab holding the Web Lock runs it
 * (and is the only one writing its snapshots and the image store). Another
 * tab asks the student first; "take it over" asks the holder, over a
 * BroadcastChannel, to save and let go, and overrules it (steal) if it does
 * not answer within a few seconds (a frozen or discarded tab).
 */
const LOCK = 'container-playground-machine';
const HANDOVER_TIMEOUT_MS = 6000;

export interface MachineClaim {
  /** True if this tab now holds the machine; false if another tab does. */
  tryAcquire(): Promise<boolean>;
  /** Gets the machine from whichever tab holds it. */
  takeOver(): Promise<void>;
}

interface Hooks {
  /** Another tab asks for the machine: save and stop it; the lock is released when this resolves. */
  handOver(): Promise<void>;
  /** The lock was taken by force: the machine is no longer this tab's. */
  lost(): void;
}

export function claimMachine(hooks: Hooks, name = LOCK): MachineClaim {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  const channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel(name) : null;
  let release: (() => void) | null = null;

  /** Holds the lock until handed over; `steal` overrules the holder. */
  const hold = (opts: LockOptions): Promise<boolean> =>
    new Promise<boolean>((granted) => {
      if (!locks) return granted(true); // no Web Locks: every tab has its own machine, as before
      let held = false;
      locks
        .request(name, opts, (lock) => {
          if (!lock) {
            granted(false);
            return;
          }
          held = true;
          granted(true);
          return new Promise<void>((r) => (release = r));
        })
        .catch(() => {
          if (!held) return granted(false); // the wait was given up
          // Another tab stole the lock.
          release = null;
          hooks.lost();
        });
    });

  channel?.addEventListener('message', (e: MessageEvent<{ type: string }>) => {
    if (e.data?.type !== 'take-over' || !release) return;
    const done = release;
    release = null;
    void hooks.handOver().finally(done);
  });

  return {
    tryAcquire: () => hold({ ifAvailable: true }),
    async takeOver() {
      if (release) return;
      channel?.postMessage({ type: 'take-over' });
      const giveUp = new AbortController();
      const timer = setTimeout(() => giveUp.abort(), HANDOVER_TIMEOUT_MS);
      const handedOver = await hold({ signal: giveUp.signal });
      clearTimeout(timer);
      if (!handedOver) await hold({ steal: true });
    },
  };
}
