/**
 * A small shape check for JSON request bodies: each route says what it
 * accepts, and a body of the wrong shape is a 400 that names the field,
 * instead of a cast that lets a number through where a list was meant.
 * Unknown fields are ignored and null counts as absent, as Go's decoder
 * treats the Docker CLI's bodies.
 */
import { invalidParameter } from '../engineError';
import type { HttpRequest } from './http';

export type Check<T> = (v: unknown, at: string) => T;
export type Infer<C> = C extends Check<infer T> ? T : never;

function fail(at: string, want: string, v: unknown): never {
  const got = v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v;
  throw invalidParameter(`invalid request body: ${at || 'the body'} must be ${want}, not ${got}`);
}

export const string: Check<string> = (v, at) => (typeof v === 'string' ? v : fail(at, 'a string', v));
export const number: Check<number> = (v, at) =>
  typeof v === 'number' && Number.isFinite(v) ? v : fail(at, 'a number', v);
export const boolean: Check<boolean> = (v, at) => (typeof v === 'boolean' ? v : fail(at, 'true or false', v));

export function list<T>(item: Check<T>): Check<T[]> {
  return (v, at) => (Array.isArray(v) ? v.map((x, i) => item(x, `${at}[${i}]`)) : fail(at, 'a list', v));
}

/** A JSON object used as a map (Labels, PortBindings). */
export function record<T>(value: Check<T>): Check<Record<string, T>> {
  return (v, at) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(at, 'an object', v);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x, `${at}.${k}`)]));
  };
}

/** Absent or null: undefined. */
export function optional<T>(c: Check<T>): Check<T | undefined> {
  return (v, at) => (v === undefined || v === null ? undefined : c(v, at));
}

type Shape = Record<string, Check<unknown>>;
type Flat<T> = { [K in keyof T]: T[K] };
/** Fields whose check may give undefined are optional keys. */
type Out<S extends Shape> = Flat<
  { [K in keyof S as undefined extends Infer<S[K]> ? K : never]?: Exclude<Infer<S[K]>, undefined> } & {
    [K in keyof S as undefined extends Infer<S[K]> ? never : K]: Infer<S[K]>;
  }
>;

export function object<S extends Shape>(shape: S): Check<Out<S>> {
  return (v, at) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(at, 'an object', v);
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, c] of Object.entries(shape)) {
      const x = c(o[k], at ? `${at}.${k}` : k);
      if (x !== undefined) out[k] = x;
    }
    return out as Out<S>;
  };
}

/** The request's JSON body checked against `shape`; an empty body is `{}`. */
export function parseBody<T>(req: HttpRequest, check: Check<T>): T {
  let v: unknown = {};
  if (req.body.length) {
    try {
      v = JSON.parse(new TextDecoder().decode(req.body));
    } catch (e) {
      throw invalidParameter(`invalid JSON in the request body: ${(e as Error).message}`);
    }
  }
  return check(v, '');
}
