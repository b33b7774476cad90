/**
 * The control channel's wire format, shared by the host (this file) and the
 * guest agent (vm-image/guest/agent.c).
 *
 * Every frame: 'V' 'K' | type u8 | flags u8 | id u32le | length u32le | payload.
 * Requests go host → guest, replies guest → host, tagged with the request id,
 * so several requests can be in flight at once.
 *
 * The guest credits a frame's bytes only once the whole frame has arrived,
 * and the host sends at most a window of uncredited bytes (frameWriter.ts):
 * so no request frame may be larger than that window. A long argv (a script
 * of 100 KB) goes as ExecPart frames of at most REQUEST_PART bytes, then the
 * Exec frame with the rest; a heartbeat can pass between them.
 */

import { concat } from '../engine/bytes';

export const HEADER_SIZE = 12;
export const MAX_PAYLOAD = 1 << 20;
/** The largest payload of a host → guest frame: well inside the writer's window. */
export const REQUEST_PART = 8 * 1024;

export const FrameType = {
  // host → guest
  Exec: 1,
  Stdin: 2,
  StdinEof: 3,
  Signal: 4,
  Ping: 5,
  Resize: 6,
  SetTime: 7,
  /** The first bytes of an Exec's argv; the Exec frame with the same id carries the rest. */
  ExecPart: 8,
  /** Random bytes from the host, credited to the guest kernel's entropy pool (it has no source of its own). */
  Seed: 9,
  // guest → host
  Stdout: 0x81,
  Stderr: 0x82,
  Exit: 0x83,
  Pong: 0x84,
  Credit: 0x85,
  Hello: 0x86,
  Error: 0x87,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** Exec flag: keep a stdin pipe open for Stdin frames (otherwise /dev/null). */
export const EXEC_STDIN = 1;

export interface Frame {
  type: number;
  flags: number;
  id: number;
  payload: Uint8Array;
}

export function encodeFrame(type: number, id: number, payload: Uint8Array = new Uint8Array(0), flags = 0): Uint8Array {
  if (payload.length > MAX_PAYLOAD) throw new RangeError(`frame payload ${payload.length} exceeds ${MAX_PAYLOAD}`);
  const out = new Uint8Array(HEADER_SIZE + payload.length);
  const view = new DataView(out.buffer);
  out[0] = 0x56; // 'V'
  out[1] = 0x4b; // 'K'
  out[2] = type;
  out[3] = flags;
  view.setUint32(4, id >>> 0, true);
  view.setUint32(8, payload.length, true);
  out.set(payload, HEADER_SIZE);
  return out;
}

/** argv as the agent expects it: NUL-terminated strings back to back. */
export function encodeArgv(argv: readonly string[]): Uint8Array {
  const enc = new TextEncoder();
  const parts = argv.map((a) => {
    if (a.includes('\0')) throw new Error('an argument cannot contain a NUL byte');
    return enc.encode(a + '\0');
  });
  return concat(parts);
}

/**
 * An Exec request as frames the guest can take: the argv split into ExecPart
 * frames of REQUEST_PART bytes, the last piece in the Exec frame itself.
 */
export function encodeExec(id: number, argv: readonly string[], flags = 0): Uint8Array[] {
  const bytes = encodeArgv(argv);
  const frames: Uint8Array[] = [];
  let off = 0;
  for (; bytes.length - off > REQUEST_PART; off += REQUEST_PART) {
    frames.push(encodeFrame(FrameType.ExecPart, id, bytes.subarray(off, off + REQUEST_PART)));
  }
  frames.push(encodeFrame(FrameType.Exec, id, bytes.subarray(off), flags));
  return frames;
}

/**
 * Accumulates bytes from the channel and yields whole frames. Bytes that are
 * not a frame header (there should be none) are skipped up to the next magic,
 * and counted so a caller can report them.
 */
export class FrameDecoder {
  private buf = new Uint8Array(0);
  skippedBytes = 0;

  push(chunk: Uint8Array): Frame[] {
    const merged = new Uint8Array(this.buf.length + chunk.length);
    merged.set(this.buf);
    merged.set(chunk, this.buf.length);
    const frames: Frame[] = [];
    let off = 0;
    const view = new DataView(merged.buffer);
    for (;;) {
      while (off + 1 < merged.length && !(merged[off] === 0x56 && merged[off + 1] === 0x4b)) {
        off++;
        this.skippedBytes++;
      }
      if (merged.length - off < HEADER_SIZE) break;
      const len = view.getUint32(off + 8, true);
      if (len > MAX_PAYLOAD) {
        off += 2;
        this.skippedBytes += 2;
        continue;
      }
      if (merged.length - off < HEADER_SIZE + len) break;
      frames.push({
        type: merged[off + 2]!,
        flags: merged[off + 3]!,
        id: view.getUint32(off + 4, true),
        payload: merged.slice(off + HEADER_SIZE, off + HEADER_SIZE + len),
      });
      off += HEADER_SIZE + len;
    }
    this.buf = merged.slice(off);
    return frames;
  }
}
