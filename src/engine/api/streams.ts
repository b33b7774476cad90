/** A container's output as Docker streams it: attach and logs (raw with a terminal, multiplexed without). */
import { END_OF_OUTPUT, type Engine, type LogEntry } from '../engine';
import { muxFrame, responseHead } from './http';
import type { ApiConnection } from './respond';

export const STREAM_HEADERS = { 'Content-Type': 'application/vnd.docker.raw-stream' };

export async function streamOutput(
  engine: Engine,
  id: string,
  conn: ApiConnection,
  o: { upgrade?: boolean; logs: boolean; follow: boolean; tail: string | null; stdout: boolean; stderr: boolean },
): Promise<number> {
  const c = engine.get(id);
  conn.write(responseHead(o.upgrade ? 101 : 200, o.upgrade ? { ...STREAM_HEADERS, Upgrade: 'tcp' } : STREAM_HEADERS));
  const enc = new TextEncoder();
  // A container with a terminal has one raw stream, as Docker sends it; others are multiplexed.
  const send = (stream: 'stdout' | 'stderr', text: string) => {
    if (!((stream === 'stdout' && o.stdout) || (stream === 'stderr' && o.stderr))) return;
    conn.write(c.Config.Tty ? enc.encode(text) : muxFrame(stream, enc.encode(text)));
  };
  // Subscribe first, then read the log: nothing written in between is lost,
  // and lines already in the log are not sent twice.
  const live: LogEntry[] = [];
  let replaying = o.logs;
  let finish!: () => void;
  const ended = new Promise<void>((r) => (finish = r));
  const off = o.follow
    ? engine.follow(c.Id, (e) => {
        if (e === END_OF_OUTPUT) finish();
        else if (replaying) live.push(e);
        else send(e.stream, e.text);
      })
    : () => {};
  if (o.logs) {
    const tail = o.tail && o.tail !== 'all' ? Number(o.tail) : undefined;
    const past = await engine.logs(c.Id, tail !== undefined ? { tail } : {});
    const lastTime = past.at(-1)?.time ?? '';
    for (const e of past) send(e.stream, e.text);
    for (const e of live) if (e.time > lastTime) send(e.stream, e.text);
    replaying = false;
  }
  if (o.follow && (c.State.Running || c.State.Status === 'created')) await ended;
  off();
  conn.end();
  return 200;
}
