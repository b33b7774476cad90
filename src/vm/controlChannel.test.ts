import { describe, expect, it } from 'vitest';
import { ControlChannel, ExecTimeoutError, type ChannelPort } from './controlChannel';
import { FrameDecoder, FrameType, HEADER_SIZE, REQUEST_PART, encodeFrame, type Frame } from './protocol';

/**
 * A stand-in for the guest agent that speaks the wire protocol, so the host
 * side's framing, concurrency and flow control can be tested without a VM.
 */
class FakeAgent implements ChannelPort {
  private listener: (b: Uint8Array) => void = () => {};
  private readonly decoder = new FrameDecoder();
  readonly received: Frame[] = [];
  /** Bytes written by the host that the agent has not credited yet. */
  unacked = 0;
  maxUnacked = 0;
  holdCredits = false;
  /** As vmagent: bytes are credited only when the frame they belong to has arrived whole. */
  creditWholeFramesOnly = false;
  private framedBytes = 0;
  writes: number[] = [];

  onData(listener: (b: Uint8Array) => void): void {
    this.listener = listener;
  }

  write(bytes: Uint8Array): void {
    this.writes.push(bytes.length);
    this.unacked += bytes.length;
    this.maxUnacked = Math.max(this.maxUnacked, this.unacked);
    for (const f of this.decoder.push(bytes)) {
      this.received.push(f);
      this.framedBytes += HEADER_SIZE + f.payload.length;
    }
    if (!this.holdCredits) this.releaseCredits();
  }

  releaseCredits(): void {
    const n = this.creditWholeFramesOnly ? this.framedBytes : this.unacked;
    this.unacked -= n;
    this.framedBytes = 0;
    if (n === 0) return;
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    queueMicrotask(() => this.emit(encodeFrame(FrameType.Credit, 0, b)));
  }

  emit(bytes: Uint8Array): void {
    this.listener(bytes);
  }

  reply(id: number, stdout: Uint8Array, code: number): void {
    const exit = new Uint8Array(8);
    new DataView(exit.buffer).setInt32(0, code, true);
    const all = new Uint8Array([
      ...encodeFrame(FrameType.Stdout, id, stdout),
      ...encodeFrame(FrameType.Exit, id, exit),
    ]);
    // Deliver in awkward pieces, as a virtio queue may.
    for (let i = 0; i < all.length; i += 7) this.emit(all.subarray(i, i + 7));
  }
}

const tick = () => new Promise<void>((r) => queueMicrotask(r));
const argvOf = (f: Frame) => new TextDecoder().decode(f.payload).split('\0').slice(0, -1);

describe('ControlChannel', () => {
  it('runs a command and returns binary-safe stdout and the exit code', async () => {
    const agent = new FakeAgent();
    const ch = new ControlChannel(agent);
    const p = ch.exec(['cat', '/bin/busybox']);
    await Promise.resolve();
    const exec = agent.received.find((f) => f.type === FrameType.Exec)!;
    expect(argvOf(exec)).toEqual(['cat', '/bin/busybox']);
    const binary = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff);
    agent.reply(exec.id, binary, 3);
    const r = await p;
    expect(r.exitCode).toBe(3);
    expect([...r.stdout]).toEqual([...binary]);
  });

  it('keeps concurrent requests apart by id, whatever order they finish in', async () => {
    const agent = new FakeAgent();
    const ch = new ControlChannel(agent);
    const a = ch.sh('echo a');
    const b = ch.sh('echo b');
    await tick();
    const [fa, fb] = agent.received.filter((f) => f.type === FrameType.Exec);
    agent.reply(fb!.id, new TextEncoder().encode('B'), 0);
    agent.reply(fa!.id, new TextEncoder().encode('A'), 1);
    expect(new TextDecoder().decode((await a).stdout)).toBe('A');
    expect(new TextDecoder().decode((await b).stdout)).toBe('B');
    expect((await a).exitCode).toBe(1);
  });

  it('never has more than its window of unread bytes in flight, and no write over a page', async () => {
    const agent = new FakeAgent();
    agent.holdCredits = true;
    const ch = new ControlChannel(agent);
    void ch.exec(['cat'], { stdin: new Uint8Array(100_000).fill(65) });
    await tick();
    expect(agent.maxUnacked).toBeLessThanOrEqual(16 * 1024);
    const before = agent.writes.length;
    agent.releaseCredits();
    await new Promise((r) => setTimeout(r, 0));
    expect(agent.writes.length).toBeGreaterThan(before);
    expect(agent.maxUnacked).toBeLessThanOrEqual(16 * 1024);
    expect(Math.max(...agent.writes)).toBeLessThanOrEqual(4096);
  });

  it('packs requests made together into few writes: each write takes one guest buffer', async () => {
    const agent = new FakeAgent();
    agent.holdCredits = true;
    const ch = new ControlChannel(agent);
    for (let i = 0; i < 40; i++) void ch.sh(`echo ${i}`);
    await tick();
    expect(agent.writes.length).toBe(1);
    expect(agent.received.filter((f) => f.type === FrameType.Exec)).toHaveLength(40);
  });

  it('keeps at most 8 writes unread by the agent, even when each is small', async () => {
    const agent = new FakeAgent();
    agent.holdCredits = true;
    const ch = new ControlChannel(agent);
    for (let i = 0; i < 20; i++) {
      void ch.sh(`echo ${i}`);
      await tick();
    }
    expect(agent.writes.length).toBe(8);
    agent.releaseCredits();
    await new Promise((r) => setTimeout(r, 0));
    expect(agent.received.filter((f) => f.type === FrameType.Exec)).toHaveLength(20);
  });

  it('times out a command and sends SIGKILL to it', async () => {
    const agent = new FakeAgent();
    const ch = new ControlChannel(agent);
    const p = ch.sh('sleep 100', { timeoutMs: 20 });
    await expect(p).rejects.toBeInstanceOf(ExecTimeoutError);
    const sig = agent.received.find((f) => f.type === FrameType.Signal)!;
    expect(sig.payload[0]).toBe(9);
  });

  it('fails every waiting request when the channel closes', async () => {
    const agent = new FakeAgent();
    const ch = new ControlChannel(agent);
    const p = ch.sh('true');
    ch.close('the guest kernel panicked');
    await expect(p).rejects.toThrow('panicked');
    await expect(ch.sh('true')).rejects.toThrow('panicked');
  });
});

describe('FrameDecoder', () => {
  it('skips noise before a frame and reassembles split frames', () => {
    const d = new FrameDecoder();
    const f = encodeFrame(FrameType.Stdout, 7, new TextEncoder().encode('hello'));
    expect(d.push(new Uint8Array([1, 2, 3, ...f.subarray(0, 5)]))).toEqual([]);
    const out = d.push(f.subarray(5));
    expect(out).toHaveLength(1);
    expect(out[0]!.id).toBe(7);
    expect(new TextDecoder().decode(out[0]!.payload)).toBe('hello');
    expect(d.skippedBytes).toBe(3);
  });
});

describe('ControlChannel priorities', () => {
  it('lets a heartbeat overtake a large stdin upload', async () => {
    const agent = new FakeAgent();
    agent.holdCredits = true;
    const ch = new ControlChannel(agent);
    void ch.exec(['md5sum'], { stdin: new Uint8Array(1_000_000) });
    await tick();
    void ch.ping(1000).catch(() => {});
    agent.releaseCredits();
    await new Promise((r) => setTimeout(r, 0));
    // The ping went out right after the first window, long before the upload ends.
    expect(agent.received.some((f) => f.type === FrameType.Ping)).toBe(true);
  });
});

describe('ControlChannel snapshots', () => {
  const enc = new TextEncoder();
  const exitFrame = (id: number, code: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setInt32(0, code, true);
    return encodeFrame(FrameType.Exit, id, b);
  };

  it("hands a saved machine's running request to whoever adopts it in the restored channel", async () => {
    const before = new FakeAgent();
    const ch = new ControlChannel(before);
    void ch.spawn(['sh', '-c', 'run container'], { tag: 'run:c1' }).done.catch(() => {});
    void ch.exec(['sleep', '100']).catch(() => {});
    await tick();
    const [run, sleep] = before.received.filter((f) => f.type === FrameType.Exec);
    const snap = ch.snapshot();
    expect(snap.requests).toEqual([
      { id: run!.id, tag: 'run:c1', stdin: false },
      { id: sleep!.id, tag: null, stdin: false },
    ]);
    expect(ch.untaggedRequests).toBe(1);

    // A new page: a new channel on the restored guest, which goes on with both requests.
    const after = new FakeAgent();
    const restored = new ControlChannel(after, JSON.parse(JSON.stringify(snap)));
    // Output that arrives before the engine adopts the run is kept for it.
    after.emit(encodeFrame(FrameType.Stdout, run!.id, enc.encode('early\n')));
    const seen: string[] = [];
    const p = restored.adopt('run:c1', { onStdout: (b) => seen.push(new TextDecoder().decode(b)) })!;
    expect(p).not.toBeNull();
    expect(restored.adopt('run:c1')).toBeNull(); // adopted once
    after.emit(encodeFrame(FrameType.Stdout, run!.id, enc.encode('late\n')));
    p.write(enc.encode('typed'));
    after.emit(exitFrame(run!.id, 7));
    const r = await p.done;
    expect(r.exitCode).toBe(7);
    expect(seen).toEqual(['early\n', 'late\n']);
    await tick();
    const stdin = after.received.find((f) => f.type === FrameType.Stdin)!;
    expect(stdin.id).toBe(run!.id);

    // The request no one adopted is ended in the guest.
    expect(restored.releaseOrphans()).toBe(1);
    await tick();
    const kill = after.received.find((f) => f.type === FrameType.Signal)!;
    expect([kill.id, kill.payload[0]]).toEqual([sleep!.id, 9]);

    // New requests never reuse an id the guest may still know.
    void restored.sh('true').catch(() => {});
    await tick();
    const next = after.received.filter((f) => f.type === FrameType.Exec).at(-1)!;
    expect(next.id).toBeGreaterThan(Math.max(run!.id, sleep!.id));
  });

  it('is quiet only when no frame is half-way on the wire in either direction', async () => {
    const agent = new FakeAgent();
    agent.holdCredits = true;
    const ch = new ControlChannel(agent);
    expect(ch.quiet).toBe(true);
    void ch.sh('echo x').catch(() => {});
    expect(ch.quiet).toBe(false); // queued, not yet written
    await tick();
    expect(ch.quiet).toBe(false); // written, not yet read by the agent
    agent.releaseCredits();
    await tick();
    await tick();
    expect(ch.quiet).toBe(true);
    const half = encodeFrame(FrameType.Stdout, 1, enc.encode('hello'));
    agent.emit(half.subarray(0, 6));
    expect(ch.quiet).toBe(false); // the guest is in the middle of a frame
    agent.emit(half.subarray(6));
    expect(ch.quiet).toBe(true);
  });
});

describe('ControlChannel hold', () => {
  it('keeps new untagged requests back until released, so the channel can become quiet', async () => {
    const agent = new FakeAgent();
    const ch = new ControlChannel(agent);
    const running = ch.sh('echo before');
    await tick();
    const release = ch.hold();
    const later = ch.sh('echo later');
    void ch.spawn(['sh'], { tag: 'run:c' }).done.catch(() => {});
    await tick();
    const execs = () => agent.received.filter((f) => f.type === FrameType.Exec);
    expect(execs().map((f) => argvOf(f).at(-1))).toEqual(['echo before', 'sh']);
    agent.reply(execs()[0]!.id, new Uint8Array(0), 0);
    await running;
    expect(ch.untaggedRequests).toBe(0);
    release();
    await tick();
    const sent = execs().at(-1)!;
    expect(argvOf(sent).at(-1)).toBe('echo later');
    agent.reply(sent.id, new TextEncoder().encode('L'), 0);
    expect(new TextDecoder().decode((await later).stdout)).toBe('L');
  });
});

describe('ControlChannel large requests', () => {
  // A script or argv larger than the window once made one frame the agent could
  // never take whole: no credit came back, and the heartbeat stalled behind it.
  it('sends a 100 KB script in frames the agent can take, and a heartbeat passes between them', async () => {
    const agent = new FakeAgent();
    agent.creditWholeFramesOnly = true;
    const ch = new ControlChannel(agent);
    const script = 'echo ' + 'x'.repeat(100_000);
    void ch.sh(script);
    void ch.ping(1000).catch(() => {});
    for (let i = 0; i < 200 && !agent.received.some((f) => f.type === FrameType.Exec); i++) {
      await new Promise((r) => setTimeout(r, 0));
    }
    const parts = agent.received.filter((f) => f.type === FrameType.ExecPart);
    const exec = agent.received.find((f) => f.type === FrameType.Exec)!;
    expect(exec).toBeDefined();
    expect(parts.length).toBeGreaterThan(10);
    expect(Math.max(...parts.map((f) => f.payload.length))).toBeLessThanOrEqual(REQUEST_PART);
    const whole = new Uint8Array([...parts.flatMap((f) => [...f.payload]), ...exec.payload]);
    expect(new TextDecoder().decode(whole).split('\0').slice(0, -1)).toEqual(['/bin/sh', '-c', script]);
    const pingAt = agent.received.findIndex((f) => f.type === FrameType.Ping);
    expect(pingAt).toBeLessThan(agent.received.indexOf(exec));
  });

  it('sends an argv of 64 KB in many arguments the same way', async () => {
    const agent = new FakeAgent();
    agent.creditWholeFramesOnly = true;
    const ch = new ControlChannel(agent);
    const argv = ['printf', '%s\n', ...Array.from({ length: 1024 }, (_, i) => `${i}`.padEnd(63, '.'))];
    void ch.exec(argv);
    for (let i = 0; i < 200 && !agent.received.some((f) => f.type === FrameType.Exec); i++) {
      await new Promise((r) => setTimeout(r, 0));
    }
    const frames = agent.received.filter((f) => f.type === FrameType.ExecPart || f.type === FrameType.Exec);
    expect(frames.at(-1)!.type).toBe(FrameType.Exec);
    const whole = new Uint8Array(frames.flatMap((f) => [...f.payload]));
    expect(argvOf({ type: 0, flags: 0, id: 0, payload: whole })).toEqual(argv);
  });

  it('keeps a short request in one Exec frame', async () => {
    const agent = new FakeAgent();
    const ch = new ControlChannel(agent);
    void ch.sh('true');
    await tick();
    expect(agent.received.map((f) => f.type)).toEqual([FrameType.Exec]);
  });
});
