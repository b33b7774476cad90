/**
 * The daemon's HTTP face: Docker Engine API paths and JSON bodies, answered
 * by the Engine. Each connection carries one request; streaming answers
 * (attach, logs --follow, exec) write as output arrives and end by closing.
 * The paths are in one table per resource; errors become statuses in
 * errors.ts.
 */
import type { Engine } from '../engine';
import { buildRoutes } from './buildRoutes';
import { containerRoutes } from './containerRoutes';
import { distributionRoutes } from './distributionRoutes';
import { messageOf, statusOf } from './errors';
import { execRoutes } from './execRoutes';
import { parseRequest, type HttpRequest } from './http';
import { imageRoutes } from './imageRoutes';
import { networkRoutes } from './networkRoutes';
import { json, type ApiConnection } from './respond';
import { compile, match, type Call, type RequestContext } from './router';
import { systemRoutes } from './systemRoutes';

export type { ApiConnection };

/** What the UI can show of client → API → daemon traffic. */
export interface ApiTraffic {
  method: string;
  path: string;
  status: number;
  ms: number;
}

const TABLE = compile([
  ...systemRoutes,
  ...containerRoutes,
  ...execRoutes,
  ...imageRoutes,
  ...distributionRoutes,
  ...buildRoutes,
  ...networkRoutes,
]);

/**
 * One API connection: collects the request bytes, then answers. Returns the
 * function to feed incoming bytes to.
 */
export function serveConnection(engine: Engine, conn: ApiConnection, onTraffic?: (t: ApiTraffic) => void) {
  let buf = new Uint8Array(0);
  let done = false;
  // After an attach with stdin, the connection carries keystrokes for the container.
  let input: ((b: Uint8Array) => void) | null = null;
  const io: RequestContext = {
    onInput: (fn) => (input = fn),
    onInputEnd: (fn) => conn.onEnd?.(fn),
  };
  return (chunk: Uint8Array) => {
    if (done) {
      input?.(chunk);
      return;
    }
    const merged = new Uint8Array(buf.length + chunk.length);
    merged.set(buf);
    merged.set(chunk, buf.length);
    buf = merged;
    let req: HttpRequest | null;
    try {
      req = parseRequest(buf);
    } catch (e) {
      done = true;
      json(conn, statusOf(e), { message: messageOf(e) });
      return;
    }
    if (!req) return;
    done = true;
    const t0 = performance.now();
    const r = req;
    handle(engine, r, conn, io).then(
      (status) => onTraffic?.({ method: r.method, path: r.path, status, ms: performance.now() - t0 }),
      (e: unknown) => {
        const status = statusOf(e);
        json(conn, status, { message: messageOf(e) });
        onTraffic?.({ method: r.method, path: r.path, status, ms: performance.now() - t0 });
      },
    );
  };
}

async function handle(engine: Engine, req: HttpRequest, conn: ApiConnection, io: RequestContext): Promise<number> {
  const found = match(TABLE, req);
  if (!found) return json(conn, 404, { message: `page not found: ${req.method} ${req.path}` });
  const call: Call = { engine, req, conn, params: found.params, query: req.query, io };
  // Looked up first: after a --rm the container is gone by the time its wait is answered.
  if (found.params.id && req.path.startsWith('/containers/')) call.containerId = findContainer(engine, found.params.id);
  const t0 = performance.now();
  const note = (status: number) => {
    if (call.containerId) {
      engine.starts.noteRequest(call.containerId, {
        method: req.method,
        path: req.path,
        status,
        ms: performance.now() - t0,
      });
    }
  };
  try {
    const status = await found.route.handler(call);
    note(status);
    return status;
  } catch (e) {
    note(statusOf(e));
    throw e;
  }
}

function findContainer(engine: Engine, ref: string): string | undefined {
  try {
    // A full id names its container even once it is gone (the wait of a --rm run).
    return engine.containers.find(ref)?.Id ?? (/^[0-9a-f]{64}$/.test(ref) ? ref : undefined);
  } catch {
    return undefined;
  }
}
