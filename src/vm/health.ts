import type { ControlChannel } from './controlChannel';

export interface HealthProblem {
  kind: 'panic' | 'hung';
  message: string;
}

const PANIC_MARK = 'Kernel panic - not syncing';
const HEARTBEAT_EVERY_MS = 1000;
/** A busy guest (a contained fork bomb) still answers within this. */
const HEARTBEAT_TIMEOUT_MS = 3000;
const MISSES_BEFORE_HUNG = 2;

/**
 * Watches a running guest: a kernel panic on the console, or a control
 * channel that stops answering heartbeats.
 */
export class HealthMonitor {
  private window = '';
  private timer: ReturnType<typeof setInterval> | null = null;
  private misses = 0;
  private inFlight = false;
  private panicReject!: (e: Error) => void;
  /** Rejects when the console shows a kernel panic (used during boot). */
  readonly panicked: Promise<never>;
  lastRttMs = 0;

  constructor(
    private readonly channel: ControlChannel,
    private readonly report: (p: HealthProblem) => Error,
  ) {
    this.panicked = new Promise<never>((_, reject) => (this.panicReject = reject));
    this.panicked.catch(() => {});
  }

  consoleByte(b: number): void {
    // Keep just enough console text to spot the panic line and its reason.
    this.window += String.fromCharCode(b);
    if (this.window.length > 512) this.window = this.window.slice(-256);
    if (b === 10 && this.window.includes(PANIC_MARK)) {
      const line = this.window.slice(this.window.indexOf(PANIC_MARK)).split('\n')[0]!.trim();
      this.window = '';
      this.panicReject(this.report({ kind: 'panic', message: `the guest kernel panicked: ${line}` }));
    }
  }

  start(): void {
    this.stop();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_EVERY_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async beat(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      this.lastRttMs = await this.channel.ping(HEARTBEAT_TIMEOUT_MS);
      this.misses = 0;
    } catch {
      this.misses++;
      if (this.misses >= MISSES_BEFORE_HUNG && this.timer) {
        this.stop();
        this.report({
          kind: 'hung',
          message: `the guest stopped answering (no heartbeat for ${(MISSES_BEFORE_HUNG * HEARTBEAT_TIMEOUT_MS) / 1000} s)`,
        });
      }
    } finally {
      this.inFlight = false;
    }
  }
}
