/**
 * dockerfile-ast looks for a UTF-8 byte order mark with Node's
 * `Buffer.from(text, "UTF-8")`, the one Node API it uses. The page and the
 * worker have no Buffer; this gives that call what it needs (UTF-8 bytes),
 * and nothing more. Imported first by each browser entry point.
 */
const g = globalThis as unknown as { Buffer?: unknown };
g.Buffer ??= { from: (text: string) => new TextEncoder().encode(text) };

export {};
