/**
 * Writes frames to a virtio console port without overrunning the guest.
 *
 * v86 hands each host write to one guest receive buffer (one page) and drops
 * the write when the guest has none free; a port has 16. So the writer keeps
 * the bytes and the number of writes the guest program has not read yet under
 * a window, and the guest returns credit frames as it reads. Frames queued in
 * one tick share writes; frames are never interleaved; bulk frames (stdin
 * uploads) wait behind everything else so they cannot starve a heartbeat.
 */

/** v86 hands each host write to one guest receive buffer of one page. */
export const MAX_WRITE = 4096;
/** Exported for the frame-size check: a frame larger than this could never be credited. */
export const WINDOW_BYTES = 16 * 1024;
const WINDOW_WRITES = 8;

export class FrameWriter {
  /** Sizes of the writes the guest has not fully read yet, oldest first. */
  private readonly unread: number[] = [];
  private unreadBytes = 0;
  private readonly queue: Uint8Array[] = [];
  private readonly bulkQueue: Uint8Array[] = [];
  private current: Uint8Array | null = null;
  private scheduled = false;

  constructor(private readonly write: (bytes: Uint8Array) => void) {}

  send(frame: Uint8Array, bulk = false): void {
    (bulk ? this.bulkQueue : this.queue).push(frame);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        this.pump();
      });
    }
  }

  /** The guest program read this many more bytes. */
  credit(bytes: number): void {
    this.unreadBytes = Math.max(0, this.unreadBytes - bytes);
    let left = bytes;
    while (this.unread.length && left > 0) {
      if (this.unread[0]! <= left) left -= this.unread.shift()!;
      else {
        this.unread[0]! -= left;
        left = 0;
      }
    }
    this.pump();
  }

  /** A (re)started guest program has read nothing sent before it. */
  reset(): void {
    this.unread.length = 0;
    this.unreadBytes = 0;
    this.pump();
  }

  clear(): void {
    this.queue.length = 0;
    this.bulkQueue.length = 0;
    this.current = null;
  }

  private pump(): void {
    while (this.hasOutput() && this.unread.length < WINDOW_WRITES && this.unreadBytes < WINDOW_BYTES) {
      const chunk = this.take(Math.min(MAX_WRITE, WINDOW_BYTES - this.unreadBytes));
      this.unread.push(chunk.length);
      this.unreadBytes += chunk.length;
      this.write(chunk);
    }
  }

  private hasOutput(): boolean {
    return !!this.current || this.queue.length > 0 || this.bulkQueue.length > 0;
  }

  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      this.current ??= this.queue.shift() ?? this.bulkQueue.shift() ?? null;
      if (!this.current) break;
      const take = Math.min(this.current.length, n - off);
      out.set(this.current.subarray(0, take), off);
      off += take;
      this.current = take === this.current.length ? null : this.current.subarray(take);
    }
    return out.subarray(0, off);
  }
}
