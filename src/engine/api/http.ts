/**
 * Just enough HTTP/1.1 for the Docker API as the guest's CLI speaks it: one
 * request per connection (the CLI sends `Connection: close`), bodies sized by
 * Content-Length, responses ended by closing the connection.
 */

export interface HttpRequest {
  method: string;
  /** The path without the API version prefix (/v1.43/containers/json → /containers/json). */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Uint8Array;
}

export class HttpParseError extends Error {}

const HEADER_END = [13, 10, 13, 10];

function indexOfHeaderEnd(b: Uint8Array): number {
  outer: for (let i = 0; i + 3 < b.length; i++) {
    for (let k = 0; k < 4; k++) if (b[i + k] !== HEADER_END[k]) continue outer;
    return i;
  }
  return -1;
}

/** A whole request from the bytes received so far, or null if more are needed. */
export function parseRequest(bytes: Uint8Array): HttpRequest | null {
  const end = indexOfHeaderEnd(bytes);
  if (end < 0) {
    if (bytes.length > 64 * 1024) throw new HttpParseError('request headers too large');
    return null;
  }
  const head = new TextDecoder().decode(bytes.subarray(0, end)).split('\r\n');
  const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(head[0] ?? '');
  if (!m) throw new HttpParseError(`bad request line: ${head[0]}`);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  if (bytes.length < end + 4 + length) return null;
  const url = new URL(m[2]!, 'http://docker');
  return {
    method: m[1]!,
    path: url.pathname.replace(/^\/v\d+\.\d+(?=\/)/, ''),
    query: url.searchParams,
    headers,
    body: bytes.slice(end + 4, end + 4 + length),
  };
}

const REASONS: Record<number, string> = {
  101: 'UPGRADED',
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
};

export function responseHead(status: number, headers: Record<string, string>): Uint8Array {
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? 'Status'}`, 'Server: Docker/playground', 'Api-Version: 1.43'];
  for (const [k, v] of Object.entries({ Connection: 'close', ...headers })) lines.push(`${k}: ${v}`);
  return new TextEncoder().encode(lines.join('\r\n') + '\r\n\r\n');
}

/** Docker's stream multiplexing: [stream, 0, 0, 0, size (big endian)] + bytes (1 stdout, 2 stderr). */
export function muxFrame(stream: 'stdout' | 'stderr', data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + data.length);
  out[0] = stream === 'stderr' ? 2 : 1;
  new DataView(out.buffer).setUint32(4, data.length);
  out.set(data, 8);
  return out;
}
