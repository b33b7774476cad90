/**
 * Host side of the Docker API port (virtio console port 1): the guest's
 * docker-api-relay (vm-image/guest/apirelay.c) opens one stream per docker
 * CLI connection to /var/run/docker.sock; each arrives here as a connection
 * to hand to the engine's HTTP handler.
 */
import type { ChannelPort } from './controlChannel';
import { FrameWriter } from './frameWriter';
import { FrameDecoder, HEADER_SIZE, encodeFrame } from './protocol';

/** Eof: the client shut its sending side (a piped stdin ended); the answer may go on. */
export const ApiFrame = { Open: 0x21, Data: 0x22, Close: 0x23, Eof: 0x24, Credit: 0x85, Hello: 0x86 } as const;

/** Largest DATA frame sent to the guest: small frames keep connections fair. */
const DATA_FRAME = 16 * 1024;

export interface ApiStream {
  readonly id: number;
  write(bytes: Uint8Array): void;
  end(): void;
  /** The client went away (a streaming answer should stop). */
  onClose(listener: () => void): void;
  /** The client has sent all it will send. */
  onEnd(listener: () => void): void;
}

export type ApiHandler = (stream: ApiStream) => (data: Uint8Array) => void;

/** The connections open when a machine was saved: the restored page cannot answer them, so it closes them. */
export interface ApiSnapshot {
  open: number[];
}

export class ApiChannel {
  private readonly decoder = new FrameDecoder();
  private readonly writer: FrameWriter;
  private readonly open = new Map<number, (data: Uint8Array) => void>();
  private readonly closeListeners = new Map<number, () => void>();
  private readonly endListeners = new Map<number, () => void>();
  private handler: ApiHandler | null = null;
  proxyVersion: string | null = null;
  /** Connections of a saved machine that no one here answers (see closeStale). */
  private stale: number[];
  private readonly bytes = { queued: 0, written: 0, credited: 0, received: 0, parsed: 0 };

  constructor(port: ChannelPort, restored?: ApiSnapshot) {
    this.stale = restored ? [...restored.open] : [];
    this.writer = new FrameWriter((b) => {
      this.bytes.written += b.length;
      port.write(b);
    });
    port.onData((bytes) => {
      this.bytes.received += bytes.length;
      for (const f of this.decoder.push(bytes)) {
        this.bytes.parsed += HEADER_SIZE + f.payload.length;
        this.frame(f.type, f.id, f.payload);
      }
    });
  }

  /** Nothing half-way on the wire in either direction (as ControlChannel.quiet). */
  get quiet(): boolean {
    const b = this.bytes;
    return b.queued === b.written && b.credited >= b.written && b.received === b.parsed + this.decoder.skippedBytes;
  }

  snapshot(): ApiSnapshot {
    return { open: [...this.open.keys(), ...this.stale] };
  }

  /**
   * Closes the connections a restored machine's clients still hold (a
   * `docker run -it` attached, `logs -f`): their daemon side is gone with the
   * old page, so the clients end instead of waiting forever. Returns how many.
   */
  closeStale(): number {
    const n = this.stale.length;
    for (const id of this.stale.splice(0)) this.send(encodeFrame(ApiFrame.Close, id));
    return n;
  }

  private send(frame: Uint8Array): void {
    this.bytes.queued += frame.length;
    this.writer.send(frame);
  }

  /** Who answers the guest's connections; until set, they are closed at once. */
  serve(handler: ApiHandler): void {
    this.handler = handler;
  }

  get connections(): number {
    return this.open.size;
  }

  private frame(type: number, id: number, payload: Uint8Array): void {
    switch (type) {
      case ApiFrame.Credit: {
        const n = new DataView(payload.buffer, payload.byteOffset).getUint32(0, true);
        this.bytes.credited += n;
        this.writer.credit(n);
        return;
      }
      case ApiFrame.Hello:
        this.proxyVersion = new TextDecoder().decode(payload);
        this.writer.reset();
        this.bytes.credited = this.bytes.written;
        return;
      case ApiFrame.Open: {
        if (!this.handler) {
          this.send(encodeFrame(ApiFrame.Close, id));
          return;
        }
        let closed = false;
        const stream: ApiStream = {
          id,
          write: (bytes) => {
            if (closed) return;
            for (let off = 0; off < bytes.length; off += DATA_FRAME) {
              this.send(encodeFrame(ApiFrame.Data, id, bytes.subarray(off, off + DATA_FRAME)));
            }
          },
          end: () => {
            if (closed) return;
            closed = true;
            this.open.delete(id);
            this.closeListeners.delete(id);
            this.endListeners.delete(id);
            this.send(encodeFrame(ApiFrame.Close, id));
          },
          onClose: (listener) => this.closeListeners.set(id, listener),
          onEnd: (listener) => this.endListeners.set(id, listener),
        };
        this.open.set(id, this.handler(stream));
        return;
      }
      case ApiFrame.Data:
        this.open.get(id)?.(payload);
        return;
      case ApiFrame.Eof:
        this.endListeners.get(id)?.();
        this.endListeners.delete(id);
        return;
      case ApiFrame.Close:
        this.open.delete(id);
        this.endListeners.delete(id);
        this.closeListeners.get(id)?.();
        this.closeListeners.delete(id);
        return;
    }
  }
}
