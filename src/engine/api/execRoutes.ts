/** Docker's exec API: an exec is made on a container, then started (streaming) and inspected by its own id. */
import { muxFrame, responseHead } from './http';
import { json } from './respond';
import type { Call, Route } from './router';
import { boolean, list, number, object, optional, parseBody, string } from './schema';
import { STREAM_HEADERS } from './streams';

export const execRoutes: Route[] = [
  { method: 'POST', path: '/containers/{id}/exec', handler: createExec },
  { method: 'POST', path: '/exec/{id}/start', handler: startExec },
  { method: 'GET', path: '/exec/{id}/json', handler: inspectExec },
];

const ExecBody = object({
  Cmd: optional(list(string)),
  Env: optional(list(string)),
  WorkingDir: optional(string),
  User: optional(string),
  Tty: optional(boolean),
  ConsoleSize: optional(list(number)),
});

function createExec({ engine, req, conn, params }: Call): number {
  const b = parseBody(req, ExecBody);
  const id = engine.createExec(params.id!, b.Cmd ?? [], {
    env: b.Env,
    workdir: b.WorkingDir,
    user: b.User,
    ...(b.Tty ? { tty: { rows: b.ConsoleSize?.[0] ?? 24, cols: b.ConsoleSize?.[1] ?? 80 } } : {}),
  });
  return json(conn, 201, { Id: id });
}

async function startExec({ engine, req, conn, params, io }: Call): Promise<number> {
  const e = engine.execInfo(params.id!); // 404 before any stream starts
  const upgrade = /upgrade/i.test(req.headers['connection'] ?? '');
  conn.write(responseHead(upgrade ? 101 : 200, upgrade ? { ...STREAM_HEADERS, Upgrade: 'tcp' } : STREAM_HEADERS));
  // With a terminal the stream is raw, as Docker sends it; without, multiplexed.
  const tty = !!e.opts.tty;
  await engine.startExec(
    e.id,
    (stream, chunk) => conn.write(tty ? chunk : muxFrame(stream, chunk)),
    (write) => io.onInput(write),
  );
  conn.end();
  return 200;
}

function inspectExec({ engine, conn, params }: Call): number {
  const e = engine.execInfo(params.id!);
  return json(conn, 200, { ID: e.id, Running: e.running, ExitCode: e.exitCode, ContainerID: e.containerId });
}
