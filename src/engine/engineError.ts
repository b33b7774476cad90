/**
 * An error the daemon reports in Docker's own words, with its kind (as moby's
 * errdefs): the API layer turns the kind into an HTTP status in one place
 * (api/errors.ts); nothing below it knows about status codes.
 */
export type ErrorKind =
  'invalidParameter' | 'unauthorized' | 'forbidden' | 'notFound' | 'conflict' | 'notModified' | 'system';

export class EngineError extends Error {
  constructor(
    message: string,
    readonly kind: ErrorKind,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** The thing asked for does not exist (no such container, image, network, exec). */
export const notFound = (message: string) => new EngineError(message, 'notFound');
/** The request clashes with the current state (a name in use, a container not running). */
export const conflict = (message: string) => new EngineError(message, 'conflict');
/** The request itself is wrong (a bad name, flag value or body); retrying it unchanged cannot work. */
export const invalidParameter = (message: string) => new EngineError(message, 'invalidParameter');
/** Understood and refused (a predefined network, an overlapping pool). */
export const forbidden = (message: string) => new EngineError(message, 'forbidden');
export const unauthorized = (message: string) => new EngineError(message, 'unauthorized');
/** The daemon or the guest failed: not the client's fault. */
export const systemError = (message: string) => new EngineError(message, 'system');

/** Whether `e` is an EngineError of this kind. */
export function isKind(e: unknown, kind: ErrorKind): e is EngineError {
  return e instanceof EngineError && e.kind === kind;
}
