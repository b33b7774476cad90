import type { GuestExecOptions, GuestExecResult, GuestProcess } from '../engine/guest';
import { FrameWriter, WINDOW_BYTES } from './frameWriter';
import { concat } from '../engine/bytes';
import { EXEC_STDIN, FrameDecoder, FrameType, REQUEST_PART, encodeExec, encodeFrame, type Frame } from './protocol';

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
  stdout: Uint8Array[];
  stderr: Uint8Array[];
  opts: ExecOptions;
  resolve(r: ExecResult): void;
  reject(e: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

const SIGKILL = 9;
const STDIN_FRAME = REQUEST_PART;

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

  constructor(port: ChannelPort) {
    this.writer = new FrameWriter((bytes) => port.write(bytes));
    port.onData((bytes) => this.receive(bytes));
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
    const id = this.allocId();
    return new Promise<ExecResult>((resolve, reject) => {
      const p: Pending = { argv, stdout: [], stderr: [], opts, resolve, reject };
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
    let closed = false;
    const done = new Promise<ExecResult>((resolve, reject) => {
      this.pending.set(id, { argv, stdout: [], stderr: [], opts, resolve, reject });
    });
    this.sendExec(id, argv, EXEC_STDIN);
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

  /** Fail every waiting request: the guest went away. */
  close(reason: string): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ChannelClosedError(reason));
    }
    this.pending.clear();
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
    this.writer.send(frame, bulk);
  }

  private receive(bytes: Uint8Array): void {
    for (const f of this.decoder.push(bytes)) this.handle(f);
  }

  private handle(f: Frame): void {
    switch (f.type) {
      case FrameType.Credit:
        this.writer.credit(new DataView(f.payload.buffer).getUint32(0, true));
        return;
      case FrameType.Hello:
        this.agentVersion = new TextDecoder().decode(f.payload);
        this.writer.reset();
        for (const l of this.helloListeners.splice(0)) l(this.agentVersion);
        return;
      case FrameType.Pong:
        this.pings.get(f.id)?.(0);
        this.pings.delete(f.id);
        return;
    }
    const p = this.pending.get(f.id);
    if (!p) return;
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
