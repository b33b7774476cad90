/**
 * Network namespaces made ahead of time, while the machine is idle.
 *
 * A container's network namespace is the largest single step of its start
 * (the kernel sets up loopback, routing, netfilter and conntrack for each new
 * one: ~12 ms warm, ~20–60 ms while v86 still translates that code). With a
 * couple made in the pauses between a student's commands, a start moves one
 * onto the container's path (a mount move) instead of making it. A pool
 * namespace has no process and no interface but loopback, and lives outside
 * /var/run/netns, so neither `ip netns` nor the pictures see it. Refilled
 * only after `idleMs` without a start: back-to-back starts make their own.
 */
import type { Guest } from '../guest';

export const NETNS_POOL_DIR = '/var/run/vmctr/netns-pool';

export class NetnsPool {
  private readonly ready: string[] = [];
  private readonly filling = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly guest: Guest,
    private readonly size = 2,
    private readonly idleMs = 500,
  ) {}

  /** A namespace made ahead (its path), or undefined; the pool refills once the machine is idle again. */
  take(): string | undefined {
    const path = this.ready.pop();
    this.refillWhenIdle();
    return path;
  }

  /** Namespaces ready now (for tests and the bench). */
  get available(): number {
    return this.ready.length;
  }

  /** (Re)starts the idle countdown after which the missing namespaces are made. */
  refillWhenIdle(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.fill(), this.idleMs);
    // In Node, a pending refill must not keep the process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Makes every missing namespace now (one guest program for all of them). */
  async fill(): Promise<void> {
    this.timer = null;
    const missing = Array.from({ length: this.size }, (_, i) => `${NETNS_POOL_DIR}/${i}`).filter(
      (p) => !this.ready.includes(p) && !this.filling.has(p),
    );
    if (!missing.length) return;
    for (const p of missing) this.filling.add(p);
    try {
      // netns: replaces whatever a saved machine left at the path, so nothing leaks across a restore.
      const r = await this.guest.exec(['vmctr', 'do', `mkdir:${NETNS_POOL_DIR}`, ...missing.map((p) => `netns:${p}`)]);
      if (r.exitCode === 0) this.ready.push(...missing);
    } catch {
      // The machine went away; a later start makes its own namespace.
    } finally {
      for (const p of missing) this.filling.delete(p);
    }
  }
}
