/**
 * Routes as tables, one per resource (moby's api/server/router/<resource>):
 * a method, a path with {params}, a handler. `{name*}` takes slashes too
 * (image names such as localhost:5000/team/app).
 */
import type { Engine } from '../engine';
import type { HttpRequest } from './http';
import type { ApiConnection } from './respond';

/** What a handler gets besides the request. */
export interface RequestContext {
  /** Takes the bytes the client sends after its request (a hijacked attach). */
  onInput(fn: (b: Uint8Array) => void): void;
  /** Called once the client has no more to send. */
  onInputEnd(fn: () => void): void;
}

export interface Call {
  engine: Engine;
  req: HttpRequest;
  conn: ApiConnection;
  params: Record<string, string>;
  query: URLSearchParams;
  io: RequestContext;
  /** The container the request is about, for the start record (set from {id}, or by create once it made one). */
  containerId?: string;
}

/** Answers the request; returns the status it answered with. */
export type Handler = (call: Call) => Promise<number> | number;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  path: string;
  handler: Handler;
  /** When one path means two things by its query (POST /images/create: pull or import). */
  when?: (query: URLSearchParams) => boolean;
}

interface Compiled extends Route {
  pattern: RegExp;
  names: string[];
}

export function compile(routes: readonly Route[]): Compiled[] {
  return routes.map((r) => {
    const names: string[] = [];
    const source = r.path
      .split(/(\{\w+\*?\})/)
      .map((part) => {
        const param = /^\{(\w+)(\*?)\}$/.exec(part);
        if (!param) return part.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
        names.push(param[1]!);
        return param[2] ? '(.+)' : '([^/]+)';
      })
      .join('');
    return { ...r, pattern: new RegExp(`^${source}$`), names };
  });
}

export function match(
  table: readonly Compiled[],
  req: HttpRequest,
): { route: Compiled; params: Record<string, string> } | null {
  for (const route of table) {
    if (route.method !== req.method) continue;
    const m = route.pattern.exec(req.path);
    if (!m || (route.when && !route.when(req.query))) continue;
    const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
    return { route, params };
  }
  return null;
}

/** The same handler, after the base images are in the store (what every image path needs first). */
export function withImages(handler: Handler): Handler {
  return async (call) => {
    await call.engine.ensureImages();
    return handler(call);
  };
}
