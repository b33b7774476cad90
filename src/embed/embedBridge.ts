/**
 * The frame's postMessage API. Out (to the embedding page): ready,
 * exercise-passed, lesson-completed, error. In: go-to-step, run-command,
 * reset. A message is obeyed only when it comes from the window that holds
 * the frame (`event.source === window.parent`, and there is a parent) and
 * from an allowed origin; reports go only to that parent, at allowed origins.
 * So neither another page nor a window that opened the playground as a popup
 * can drive the terminal or read what the student does. Documented in
 * docs/embedding.md.
 */
export type OutMessage =
  | { type: 'ready'; lesson: string | null; step: number }
  | { type: 'exercise-passed'; lesson: string; exercise: string }
  | { type: 'lesson-completed'; lesson: string }
  | { type: 'error'; message: string };

export type InMessage =
  { type: 'go-to-step'; step: number } | { type: 'run-command'; command: string } | { type: 'reset' };

/** Every message carries this, so a host page can tell the playground's from others. */
export const SOURCE = 'container-playground';

export interface BridgeHandlers {
  goToStep(step: number): void;
  runCommand(command: string): void;
  reset(): void;
}

/** A message's payload if it is one of ours and well formed; null otherwise. */
export function readInMessage(data: unknown): InMessage | null {
  if (!data || typeof data !== 'object') return null;
  const m = data as Record<string, unknown>;
  if (m['type'] === 'go-to-step' && Number.isInteger(m['step']) && (m['step'] as number) >= 1) {
    return { type: 'go-to-step', step: m['step'] as number };
  }
  if (m['type'] === 'run-command' && typeof m['command'] === 'string' && m['command'].length <= 4096) {
    return { type: 'run-command', command: m['command'] };
  }
  if (m['type'] === 'reset') return { type: 'reset' };
  return null;
}

export class EmbedBridge {
  /** Messages ignored, by reason, for the curious and the tests. */
  readonly ignored = { source: 0, origin: 0, shape: 0 };

  /**
   * `parent`: the window holding the frame, or null when the frame is a
   * top-level window (then nothing is obeyed and nothing is reported).
   */
  constructor(
    private readonly allowed: readonly string[],
    private readonly post: (message: OutMessage & { source: typeof SOURCE }, targetOrigin: string) => void,
    private readonly handlers: BridgeHandlers,
    private readonly parent: unknown,
  ) {}

  /** A message event arrived; returns whether it was obeyed. */
  receive(event: { origin: string; data: unknown; source: unknown }): boolean {
    if (this.parent === null || this.parent === undefined || event.source !== this.parent) {
      this.ignored.source++;
      return false;
    }
    if (!this.allowed.includes(event.origin)) {
      this.ignored.origin++;
      return false;
    }
    const m = readInMessage(event.data);
    if (!m) {
      this.ignored.shape++;
      return false;
    }
    if (m.type === 'go-to-step') this.handlers.goToStep(m.step - 1);
    else if (m.type === 'run-command') this.handlers.runCommand(m.command);
    else this.handlers.reset();
    return true;
  }

  emit(message: OutMessage): void {
    if (this.parent === null || this.parent === undefined) return;
    for (const origin of this.allowed) this.post({ ...message, source: SOURCE }, origin);
  }
}
