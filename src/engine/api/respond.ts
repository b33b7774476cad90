/** The pieces every API handler answers with. */
import { responseHead } from './http';

export interface ApiConnection {
  write(bytes: Uint8Array): void;
  end(): void;
  /** Called when the client goes away before the answer ended. */
  onClose?(listener: () => void): void;
  /** Called when the client has sent all it will send (a half-close: the end of a piped stdin). */
  onEnd?(listener: () => void): void;
}

/** A whole JSON answer, then the end of the connection; returns the status for the traffic log. */
export function json(conn: ApiConnection, status: number, body?: unknown): number {
  const bytes = body === undefined ? new Uint8Array(0) : new TextEncoder().encode(JSON.stringify(body) + '\n');
  conn.write(
    responseHead(
      status,
      body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(bytes.length) },
    ),
  );
  if (bytes.length) conn.write(bytes);
  conn.end();
  return status;
}

export const bool = (v: string | null) => v === '1' || v === 'true';
