/**
 * The last container start's record (runtime/startRecord.ts) for whoever
 * draws or prints it, with the API requests of the same container joined to
 * it as they finish (create and attach come before the start, wait after).
 */
import type { StartRecord } from '../runtime/startRecord';

type Request = StartRecord['api'][number];

/** Requests kept for containers that have not started (yet): a few dozen are plenty for one `docker run`. */
const KEEP = 64;

export class StartLog {
  private lastRecord: StartRecord | null = null;
  private readonly listeners = new Set<(r: StartRecord) => void>();
  private readonly requests = new Map<string, Request[]>();

  get last(): StartRecord | null {
    return this.lastRecord;
  }

  onStart(listener: (r: StartRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A start was made: its record, with the requests about its container so far (and to come). */
  record(r: Omit<StartRecord, 'api'>): StartRecord {
    const full: StartRecord = { ...r, api: this.requestsOf(r.containerId) };
    this.lastRecord = full;
    for (const l of this.listeners) l(full);
    return full;
  }

  /** An API request about a container finished. */
  noteRequest(containerId: string, request: Request): void {
    this.requestsOf(containerId).push(request);
  }

  private requestsOf(id: string): Request[] {
    let list = this.requests.get(id);
    if (!list) {
      this.requests.set(id, (list = []));
      if (this.requests.size > KEEP) this.requests.delete(this.requests.keys().next().value!);
    }
    return list;
  }
}
