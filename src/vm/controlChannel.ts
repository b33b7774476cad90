import type { GuestExecOptions, GuestExecResult, GuestProcess } from '../engine/guest';
import { FrameWriter, WINDOW_BYTES } from './frameWriter';
import { concat } from '../engine/bytes';
import {
  EXEC_STDIN,
  FrameDecoder,
  FrameType,
  HEADER_SIZE,
  REQUEST_PART,
  encodeExec,
  encodeFrame,
  type Frame,
} from './protocol';

/** The byte pipe the channel runs over (a virtio console port in v86). */
export interface ChannelPort {
  write(bytes: Uint8Array): void;
  onData(listener: (bytes: Uint8Array) => void): void;
}

/** The channel runs programs exactly as the engine's Guest interface describes. */
export type ExecOptions = GuestExecOptions;
export type ExecResult = GuestExecResult;
export type GuestProcessHandle = GuestProcess;

export class ChannelClosedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ChannelClosedError';
  }
}

export class ExecTimeoutError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly timeoutMs: number,
  ) {
    super(`command did not finish within ${timeoutMs} ms: ${argv.join(' ')}`);
    this.name = 'ExecTimeoutError';
  }
}

interface Pending {
  argv: readonly string[];
  /** The caller's name for a long-lived request (a container's run), kept in a snapshot. */
  tag?: string;
  stdout: Uint8Array[];
  stderr: Uint8Array[];
  opts: ExecOptions;
  resolve(r: ExecResult): void;
  reject(e: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

/** A request waiting for its answer, its output gathered as it comes. */
function pendingRequest(
  argv: readonly string[],
  opts: ExecOptions,
  resolve: Pending['resolve'],
  reject: Pending['reject'],
): Pending {
  return { argv, stdout: [], stderr: [], opts, resolve, reject, ...(opts.tag ? { tag: opts.tag } : {}) };
}

const SIGKILL = 9;
const STDIN_FRAME = REQUEST_PART;
/** Frames kept for a request no one has adopted yet (after a restore), at most. */
const ORPHAN_FRAMES = 256;

/**
 * The host side of the channel at one instant, for a machine snapshot: the
 * guest keeps running these requests inside the saved state, and a channel
 * made from this (see ControlChannel's constructor) hands their frames to
 * whoever adopts them. Plain data (structured-clone and JSON safe).
 */
export interface ChannelSnapshot {
  /** The next request id: a restored channel must not reuse one the guest still runs. */
  nextId: number;
  /** Requests in flight, with the tag their caller gave them (null: none). */
  requests: { id: number; tag: string | null; stdin: boolean }[];
}

/** A request the guest runs that this channel has inherited from a snapshot and no one has adopted yet. */
interface Orphan {
  tag: string | null;
  frames: Frame[];
}

/**
 * Host side of the control channel: runs commands in the guest, concurrently,
 * with binary-safe output and flow control on what it sends.
 */
export class ControlChannel {
  private readonly decoder = new FrameDecoder();
  private readonly pending = new Map<number, Pending>();
  private readonly pings = new Map<number, (rtt: number) => void>();
  private nextId = 1;
  private readonly writer: FrameWriter;
  private closedReason: string | null = null;
  private helloListeners: ((version: string) => void)[] = [];
  /** The agent's version string, once it said hello. */
  agentVersion: string | null = null;
  /** Requests inherited from a snapshot, by id, until adopted or released. */
  private readonly orphans = new Map<number, Orphan>();
  /** Requests made while the channel is held (see hold), sent on release. */
  private held: (() => void)[] | null = null;
  /** Byte counts that tell whether both ends sit at a frame boundary (see `quiet`). */
  private readonly bytes = { queued: 0, written: 0, credited: 0, received: 0, parsed: 0 };

  /**
   * @param restored the channel of a saved machine, as `snapshot()` gave it:
   *   its request ids continue, and its requests' frames wait for `adopt`.
   */
  constructor(port: ChannelPort, restored?: ChannelSnapshot) {
    this.writer = new FrameWriter((bytes) => {
      this.bytes.written += bytes.length;
      port.write(bytes);
    });
    if (restored) {
      this.nextId = restored.nextId;
      for (const r of restored.requests) this.orphans.set(r.id, { tag: r.tag, frames: [] });
    }
    port.onData((bytes) => this.receive(bytes));
  }

  /**
   * True when nothing is half-way on the wire in either direction: the agent
   * has read every byte sent to it, nothing waits to be sent, and the host has
   * parsed every byte received into whole frames. Only then does a snapshot of
   * this channel match the guest's memory exactly.
   */
  get quiet(): boolean {
    const b = this.bytes;
    return b.queued === b.written && b.credited >= b.written && b.received === b.parsed + this.decoder.skippedBytes;
  }

  /** Requests in flight that carry no tag: a snapshot taken now would cut them off. */
  get untaggedRequests(): number {
    let n = 0;
    for (const p of this.pending.values()) if (!p.tag) n++;
    return n;
  }

  /**
   * Keeps new untagged requests (exec without a tag) from going out until the
   * returned function is called, so the ones in flight can finish and the
   * channel become quiet for a snapshot. Tagged requests, spawns, signals
   * and heartbeats still go.
   */
  hold(): () => void {
    this.held ??= [];
    return () => {
      const queued = this.held ?? [];
      this.held = null;
      for (const send of queued) send();
    };
  }

  /** The channel's state for a machine snapshot; take it in the same task as the guest's state. */
  snapshot(): ChannelSnapshot {
    return {
      nextId: this.nextId,
      requests: [
        ...[...this.pending].map(([id, p]) => ({ id, tag: p.tag ?? null, stdin: !!p.opts.stdin })),
        // Inherited and still not adopted: a snapshot of a restored machine keeps them too.
        ...[...this.orphans].map(([id, o]) => ({ id, tag: o.tag, stdin: false })),
      ],
    };
  }

  /**
   * Takes over a request the guest was running when the machine was saved
   * (its tag as given to exec or spawn): its output and exit from now on, and
   * what it sent since the restore, reach `opts`. Null if there is none.
   */
  adopt(tag: string, opts: Omit<ExecOptions, 'stdin'> = {}): GuestProcessHandle | null {
    const found = [...this.orphans].find(([, o]) => o.tag === tag);
    if (!found || this.closedReason) return null;
    const [id, orphan] = found;
    this.orphans.delete(id);
    const done = new Promise<ExecResult>((resolve, reject) => {
      this.pending.set(id, { argv: [`(adopted ${tag})`], tag, stdout: [], stderr: [], opts, resolve, reject });
    });
    for (const f of orphan.frames) this.handle(f);
    return this.handleFor(id, done);
  }

  /** Ends the inherited requests no one adopted (their process groups get SIGKILL) and forgets them. */
  releaseOrphans(): number {
    const n = this.orphans.size;
    for (const id of this.orphans.keys()) this.signal(id, SIGKILL);
    this.orphans.clear();
    return n;
  }

  /** Resolves when the agent announces itself (at its start). */
  waitForHello(): Promise<string> {
    if (this.agentVersion) return Promise.resolve(this.agentVersion);
    return new Promise((resolve) => this.helloListeners.push(resolve));
  }

  /** Treat the agent as present (after restoring a state saved while it ran). */
  assumeReady(version: string): void {
    this.agentVersion = version;
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  sh(script: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.exec(['/bin/sh', '-c', script], opts);
  }

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.closedReason) return Promise.reject(new ChannelClosedError(this.closedReason));
    if (this.held && !opts.tag) {
      const queue = this.held;
      return new Promise<ExecResult>((resolve, reject) =>
        queue.push(() => this.exec(argv, opts).then(resolve, reject)),
      );
    }
    const id = this.allocId();
    return new Promise<ExecResult>((resolve, reject) => {
      const p = pendingRequest(argv, opts, resolve, reject);
      this.pending.set(id, p);
      if (opts.timeoutMs !== undefined) {
        p.timer = setTimeout(() => {
          this.signal(id, SIGKILL);
          this.pending.delete(id);
          reject(new ExecTimeoutError(argv, opts.timeoutMs!));
        }, opts.timeoutMs);
      }
      const hasStdin = opts.stdin !== undefined;
      this.sendExec(id, argv, hasStdin ? EXEC_STDIN : 0);
      if (hasStdin) {
        const data = typeof opts.stdin === 'string' ? new TextEncoder().encode(opts.stdin) : opts.stdin!;
        for (let off = 0; off < data.length; off += STDIN_FRAME) {
          this.send(encodeFrame(FrameType.Stdin, id, data.subarray(off, off + STDIN_FRAME)), true);
        }
        this.send(encodeFrame(FrameType.StdinEof, id), true);
      }
    });
  }

  /**
   * Starts a program whose stdin stays open: what is written reaches it as it
   * is written (a terminal session). `done` settles when it exits.
   */
  spawn(argv: readonly string[], opts: Omit<ExecOptions, 'stdin'> = {}): GuestProcessHandle {
    if (this.closedReason) throw new ChannelClosedError(this.closedReason);
    const id = this.allocId();
    const done = new Promise<ExecResult>((resolve, reject) => {
      this.pending.set(id, pendingRequest(argv, opts, resolve, reject));
    });
    this.sendExec(id, argv, EXEC_STDIN);
    return this.handleFor(id, done);
  }

  private handleFor(id: number, done: Promise<ExecResult>): GuestProcessHandle {
    let closed = false;
    return {
      write: (data) => {
        if (closed || this.closedReason) return;
        for (let off = 0; off < data.length; off += STDIN_FRAME) {
          this.send(encodeFrame(FrameType.Stdin, id, data.subarray(off, off + STDIN_FRAME)));
        }
      },
      closeStdin: () => {
        if (closed) return;
        closed = true;
        this.send(encodeFrame(FrameType.StdinEof, id));
      },
      kill: (sig = SIGKILL) => this.signal(id, sig),
      done,
    };
  }

  /** Round trip of a heartbeat in ms; rejects after timeoutMs without answer. */
  ping(timeoutMs: number): Promise<number> {
    if (this.closedReason) return Promise.reject(new ChannelClosedError(this.closedReason));
    const id = this.allocId();
    const started = performance.now();
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pings.delete(id);
        reject(new Error(`no heartbeat answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pings.set(id, () => {
        clearTimeout(timer);
        resolve(performance.now() - started);
      });
      this.send(encodeFrame(FrameType.Ping, id));
    });
  }

  resizeConsole(rows: number, cols: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint16(0, rows, true);
    new DataView(b.buffer).setUint16(2, cols, true);
    this.send(encodeFrame(FrameType.Resize, 0, b));
  }

  setTime(epochMs: number): void {
    const b = new Uint8Array(8);
    const v = new DataView(b.buffer);
    v.setUint32(0, epochMs % 2 ** 32, true);
    v.setUint32(4, Math.floor(epochMs / 2 ** 32), true);
    this.send(encodeFrame(FrameType.SetTime, 0, b));
  }

  /**
   * Gives the guest kernel's random number generator fresh seed from the host.
   * An emulated PC has no hardware source, so the kernel's generator never
   * counted itself seeded and ran its slow path (a BLAKE2s hash of the whole
   * pool) at every exec, fork and namespace; and each copy restored from one
   * saved state would otherwise continue the same stream.
   */
  seedRandom(bytes: Uint8Array): void {
    this.send(encodeFrame(FrameType.Seed, 0, bytes));
  }

  /** Fail every waiting request: the guest went away. */
  close(reason: string): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ChannelClosedError(reason));
    }
    this.pending.clear();
    this.orphans.clear();
    this.pings.clear();
    this.writer.clear();
  }

  private signal(id: number, sig: number): void {
    this.send(encodeFrame(FrameType.Signal, id, Uint8Array.of(sig)));
  }

  private allocId(): number {
    const id = this.nextId;
    this.nextId = this.nextId >= 0x7fffffff ? 1 : this.nextId + 1;
    return id;
  }

  /** A long argv goes as bulk parts, so heartbeats pass between them; a short one as one frame. */
  private sendExec(id: number, argv: readonly string[], flags: number): void {
    const frames = encodeExec(id, argv, flags);
    for (const f of frames) this.send(f, frames.length > 1);
  }

  private send(frame: Uint8Array, bulk = false): void {
    // vmagent credits a frame once all of it has arrived: one larger than the
    // writer's window would wait for credit that never comes, and stall every request.
    if (frame.length > WINDOW_BYTES)
      throw new RangeError(`frame of ${frame.length} bytes exceeds the ${WINDOW_BYTES}-byte window`);
    this.bytes.queued += frame.length;
    this.writer.send(frame, bulk);
  }

  private receive(bytes: Uint8Array): void {
    this.bytes.received += bytes.length;
    for (const f of this.decoder.push(bytes)) {
      this.bytes.parsed += HEADER_SIZE + f.payload.length;
      this.handle(f);
    }
  }

  private handle(f: Frame): void {
    switch (f.type) {
      case FrameType.Credit: {
        const n = new DataView(f.payload.buffer).getUint32(0, true);
        this.bytes.credited += n;
        this.writer.credit(n);
        return;
      }
      case FrameType.Hello:
        this.agentVersion = new TextDecoder().decode(f.payload);
        this.writer.reset();
        this.bytes.credited = this.bytes.written;
        for (const l of this.helloListeners.splice(0)) l(this.agentVersion);
        return;
      case FrameType.Pong:
        this.pings.get(f.id)?.(0);
        this.pings.delete(f.id);
        return;
    }
    const p = this.pending.get(f.id);
    if (!p) {
      const orphan = this.orphans.get(f.id);
      // Output beyond the bound is dropped (the container's log file has it); its exit never is.
      const output = f.type === FrameType.Stdout || f.type === FrameType.Stderr;
      if (orphan && (!output || orphan.frames.length < ORPHAN_FRAMES)) orphan.frames.push(f);
      return;
    }
    switch (f.type) {
      case FrameType.Stdout:
        p.stdout.push(f.payload);
        p.opts.onStdout?.(f.payload);
        break;
      case FrameType.Stderr:
        p.stderr.push(f.payload);
        p.opts.onStderr?.(f.payload);
        break;
      case FrameType.Exit: {
        const v = new DataView(f.payload.buffer);
        this.pending.delete(f.id);
        clearTimeout(p.timer);
        p.resolve({
          stdout: concat(p.stdout),
          stderr: concat(p.stderr),
          exitCode: v.getInt32(0, true),
          signal: v.getInt32(4, true),
        });
        break;
      }
      case FrameType.Error:
        this.pending.delete(f.id);
        clearTimeout(p.timer);
        p.reject(new Error(`guest could not run ${p.argv.join(' ')}: ${new TextDecoder().decode(f.payload)}`));
        break;
    }
  }
}
