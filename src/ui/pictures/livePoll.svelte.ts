import { tick } from 'svelte';

/**
 * Keeps a picture's data fresh: reads it while the picture is on screen and
 * the page is visible, never two reads at once. Readings that show no change
 * (by `key`) stretch the wait, 1 s up to 8 s, so an idle machine costs almost
 * nothing; `refresh()` (called on daemon events) reads at once and shortens
 * it again (during a read, it asks for one more read right after, since the
 * read under way may have begun before the change). A hidden page or an unmounted picture costs the guest nothing.
 */
export class LivePoll<T> {
  value = $state<T | null>(null);
  error = $state<string | null>(null);
  /** When the last reading arrived (performance.now()). */
  at = $state(0);
  private timer: ReturnType<typeof setTimeout> | null = null;
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
    this.timer = null;
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
