/**
 * Host side of the Docker API port (virtio console port 1): the guest's
 * docker-api-relay (vm-image/guest/apirelay.c) opens one stream per docker
 * CLI connection to /var/run/docker.sock; each arrives here as a connection
 * to hand to the engine's HTTP handler.
 */
import type { ChannelPort } from './controlChannel';
import { FrameWriter } from './frameWriter';
import { FrameDecoder, encodeFrame } from './protocol';

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

export class ApiChannel {
  private readonly decoder = new FrameDecoder();
  private readonly writer: FrameWriter;
  private readonly open = new Map<number, (data: Uint8Array) => void>();
  private readonly closeListeners = new Map<number, () => void>();
  private readonly endListeners = new Map<number, () => void>();
  private handler: ApiHandler | null = null;
  proxyVersion: string | null = null;

  constructor(port: ChannelPort) {
    this.writer = new FrameWriter((b) => port.write(b));
    port.onData((bytes) => {
      for (const f of this.decoder.push(bytes)) this.frame(f.type, f.id, f.payload);
    });
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
      case ApiFrame.Credit:
        this.writer.credit(new DataView(payload.buffer, payload.byteOffset).getUint32(0, true));
        return;
      case ApiFrame.Hello:
        this.proxyVersion = new TextDecoder().decode(payload);
        this.writer.reset();
        return;
      case ApiFrame.Open: {
        if (!this.handler) {
          this.writer.send(encodeFrame(ApiFrame.Close, id));
          return;
        }
        let closed = false;
        const stream: ApiStream = {
          id,
          write: (bytes) => {
            if (closed) return;
            for (let off = 0; off < bytes.length; off += DATA_FRAME) {
              this.writer.send(encodeFrame(ApiFrame.Data, id, bytes.subarray(off, off + DATA_FRAME)));
            }
          },
          end: () => {
            if (closed) return;
            closed = true;
            this.open.delete(id);
            this.closeListeners.delete(id);
            this.endListeners.delete(id);
            this.writer.send(encodeFrame(ApiFrame.Close, id));
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
