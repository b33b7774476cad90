/**
 * Keeps a picture's data fresh: reads it about once a second while the
 * picture is on screen and the page is visible, never two reads at once.
 * A hidden page or an unmounted picture costs the guest nothing.
 */
export class LivePoll<T> {
  value = $state<T | null>(null);
  error = $state<string | null>(null);
  /** When the last reading arrived (performance.now()). */
  at = $state(0);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly intervalMs = 1000,
  ) {}

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

  /** Reads now (a change the page knows about), instead of waiting for the next tick. */
  async refresh(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.tick();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    if (typeof document === 'undefined' || document.visibilityState === 'visible') {
      try {
        this.value = await this.read();
        this.error = null;
        this.at = performance.now();
      } catch (e) {
        this.error = (e as Error).message;
      }
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.intervalMs);
  }
}
