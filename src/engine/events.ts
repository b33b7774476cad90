/** What the engine tells the UI, as Docker's events API does (type, action, actor, time). */
export interface EngineEvent {
  Type: 'container' | 'image' | 'network';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  /** Unix time in seconds, and in nanoseconds (timeNano), as Docker reports them. */
  time: number;
  timeNano: number;
}

export class EventLog {
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  readonly recent: EngineEvent[] = [];

  emit(type: EngineEvent['Type'], action: string, id: string, attributes: Record<string, string> = {}): void {
    const ms = Date.now();
    const e: EngineEvent = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      time: Math.floor(ms / 1000),
      timeNano: ms * 1e6,
    };
    this.recent.push(e);
    if (this.recent.length > 1000) this.recent.shift();
    for (const l of this.listeners) l(e);
  }

  subscribe(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
