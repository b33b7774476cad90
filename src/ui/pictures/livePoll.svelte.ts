import { tick } from 'svelte';

/**
 * Keeps a picture's data fresh: reads it while the picture is on screen and
 * the page is visible, never two reads at once. Readings that show no change
 * (by `key`) stretch the wait, 1 s up to 8 s, so an idle machine costs almost
 * nothing; `refresh()` reads at once and shortens it again (during a read,
 * it asks for one more read right after, since the read under way may have
 * begun before the change); `changed()` (daemon events, typed commands) does
 * the same once the daemon has been quiet for QUIET_MS. A hidden page or an unmounted picture costs the guest nothing.
 */
/**
 * A daemon event or a typed command asks for a read once things have been
 * quiet this long: a `docker run` is four events within a tenth of a second,
 * and reading the guest at each of them (the namespace picture walks every
 * process's /proc entries) took CPU from the run itself: in the page, a warm
 * `docker run --rm busybox true` took 130-140 ms with the page reacting to
 * every event at once (this read among it), 70-80 ms without.
 */
export const QUIET_MS = 250;
/** However busy the daemon stays, a picture is at most this late. */
export const MAX_LATE_MS = 1000;

export class LivePoll<T> {
  value = $state<T | null>(null);
  error = $state<string | null>(null);
  /** When the last reading arrived (performance.now()). */
  at = $state(0);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private settle: ReturnType<typeof setTimeout> | null = null;
  /** When the first change of the burst now waiting was announced. */
  private burstFrom: number | null = null;
  private stopped = true;
  private reading = false;
  /** A refresh asked for while a read was under way: read again as soon as it ends. */
  private again = false;
  private wait: number;
  private lastKey = '';

  constructor(
    private readonly read: () => Promise<T>,
    private readonly opts: { minMs?: number; maxMs?: number; key?: (v: T) => string } = {},
  ) {
    this.wait = opts.minMs ?? 1000;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.settle) clearTimeout(this.settle);
    this.timer = this.settle = null;
    this.burstFrom = null;
  }

  /** The daemon did something: refresh once it has been quiet for QUIET_MS (at most MAX_LATE_MS after the first). */
  changed(): void {
    if (this.stopped) return;
    const now = performance.now();
    this.burstFrom ??= now;
    if (this.settle) clearTimeout(this.settle);
    const delay = Math.max(0, Math.min(QUIET_MS, this.burstFrom + MAX_LATE_MS - now));
    this.settle = setTimeout(() => {
      this.settle = null;
      this.burstFrom = null;
      void this.refresh();
    }, delay);
  }

  /** Something changed that the page knows about: read now, and keep reading often for a while. */
  async refresh(): Promise<void> {
    this.wait = this.opts.minMs ?? 1000;
    // The read under way may have started before the change: one more right after it.
    if (this.reading) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    await this.tick();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    if (typeof document === 'undefined' || document.visibilityState === 'visible') {
      this.reading = true;
      this.again = false;
      try {
        const v = await this.read();
        const key = this.opts.key ? this.opts.key(v) : JSON.stringify(v);
        const min = this.opts.minMs ?? 1000;
        this.wait = key === this.lastKey ? Math.min(this.wait * 2, this.opts.maxMs ?? 8000) : min;
        this.lastKey = key;
        const t0 = performance.now();
        this.value = v;
        this.error = null;
        this.at = t0;
        // What drawing this reading cost the page (the bench reads these marks).
        void tick().then(() => {
          if (performance.getEntriesByName?.('picture-render').length > 200)
            performance.clearMeasures('picture-render');
          performance.measure?.('picture-render', { start: t0 });
        });
      } catch (e) {
        this.error = (e as Error).message;
      } finally {
        this.reading = false;
      }
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.again ? 0 : this.wait);
  }
}
