/**
 * One machine per site in a browser: the tab holding the Web Lock runs it
 * (and is the only one writing its snapshots and the image store). Another
 * tab asks the student first; "take it over" asks the holder, over a
 * BroadcastChannel, to save and let go; it answers at once and lets go once
 * its machine is saved. A holder that does not answer within a few seconds
 * (a frozen or discarded tab) is overruled (steal).
 */
const LOCK = 'container-playground-machine';
/** How long the holder has to say it is handing over, and then to save and let go. */
const ACK_TIMEOUT_MS = 3000;
const HANDOVER_TIMEOUT_MS = 60_000;

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
  let acked: (() => void) | null = null;

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
    if (e.data?.type === 'handing-over') acked?.();
    if (e.data?.type !== 'take-over' || !release) return;
    const done = release;
    release = null;
    channel.postMessage({ type: 'handing-over' });
    void hooks.handOver().finally(done);
  });

  return {
    tryAcquire: () => hold({ ifAvailable: true }),
    async takeOver() {
      if (release) return;
      const giveUp = new AbortController();
      let timer = setTimeout(() => giveUp.abort(), ACK_TIMEOUT_MS);
      // The holder answers at once; then it may take a while to save.
      acked = () => {
        clearTimeout(timer);
        timer = setTimeout(() => giveUp.abort(), HANDOVER_TIMEOUT_MS);
      };
      channel?.postMessage({ type: 'take-over' });
      const handedOver = await hold({ signal: giveUp.signal });
      clearTimeout(timer);
      acked = null;
      if (!handedOver) await hold({ steal: true });
    },
  };
}
