/** The one place where an error's kind becomes an HTTP status (moby's httpstatus.FromError). */
import { EngineError, type ErrorKind } from '../engineError';
import { HttpParseError } from './http';

const STATUS: Record<ErrorKind, number> = {
  invalidParameter: 400,
  unauthorized: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  notModified: 304,
  system: 500,
};

export function statusOf(e: unknown): number {
  if (e instanceof EngineError) return STATUS[e.kind];
  if (e instanceof HttpParseError) return 400;
  // Anything else is a fault of the daemon or the guest, never of the request.
  return 500;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
