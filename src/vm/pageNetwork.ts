/**
 * HTTP from the page to a port the guest listens on (a published port's
 * docker-proxy): over v86's ne2k card to the TCP/IP stack v86 runs in this
 * thread (its "fetch" network adapter), which plays the router at
 * 192.168.86.1 and opens connections to the guest at 192.168.86.100. No
 * server, no socket outside the page.
 *
 * This reaches into v86: `network_adapter.connect(port)` and the connection
 * object's events are not part of its documented API, so the shape is
 * checked first and a clear error says so if a v86 update changed it.
 */

import { concat } from '../engine/bytes';

/** The parts of v86's TCPConnection used here. */
interface TcpConnection {
  on(event: 'connect' | 'data' | 'shutdown' | 'close', handler: (data?: Uint8Array) => void): void;
  write(data: Uint8Array): void;
  close(): void;
}

interface NetworkAdapter {
  connect(port: number): TcpConnection;
  fetch?: (...args: unknown[]) => Promise<unknown>;
}

export interface PageHttpResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: Uint8Array;
  /** From the connection's start to the last byte. */
  ms: number;
}

export class PageNetworkError extends Error {}

/** The emulator's network adapter, if it has the shape this module relies on. */
export function pageAdapter(emulator: unknown): NetworkAdapter | null {
  const a = (emulator as { network_adapter?: Partial<NetworkAdapter> }).network_adapter;
  return a && typeof a.connect === 'function' ? (a as NetworkAdapter) : null;
}

/**
 * v86's adapter would answer the guest's HTTP requests with the browser's
 * fetch(); the playground promises no network beyond the page, so they are
 * refused (the guest sees a 502 from the router).
 */
export function refuseOutbound(adapter: NetworkAdapter): void {
  adapter.fetch = () => Promise.reject(new Error('this playground has no network beyond the page'));
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** An HTTP/1.0 response, whole: status line, headers, body (de-chunked if the server chunked it anyway). */
export function parseHttpResponse(bytes: Uint8Array): Omit<PageHttpResponse, 'ms'> {
  let end = -1;
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new PageNetworkError('the answer is not HTTP (no end of headers)');
  const [statusLine = '', ...lines] = dec.decode(bytes.subarray(0, end)).split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(statusLine);
  if (!m) throw new PageNetworkError(`the answer is not HTTP: ${statusLine.slice(0, 80)}`);
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  let body = bytes.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts: Uint8Array[] = [];
    let at = 0;
    for (;;) {
      const nl = body.indexOf(10, at);
      if (nl < 0) break;
      const size = parseInt(dec.decode(body.subarray(at, nl)).trim(), 16);
      if (!size) break;
      parts.push(body.subarray(nl + 1, nl + 1 + size));
      at = nl + 1 + size + 2;
    }
    body = concat(parts);
  }
  return { status: Number(m[1]), statusText: m[2] ?? '', headers, body: body.slice() };
}

/** GET path from the guest's port, as a browser would from a server; rejects when nothing answers. */
export function pageHttpGet(
  adapter: NetworkAdapter,
  port: number,
  path: string,
  timeoutMs = 8000,
): Promise<PageHttpResponse> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return Promise.reject(new PageNetworkError(`not a port: ${port}`));
  }
  const target = path.startsWith('/') ? path : `/${path}`;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const chunks: Uint8Array[] = [];
    let connected = false;
    let settled = false;
    const conn = adapter.connect(port);
    const nothing = () =>
      new PageNetworkError(
        `nothing answers on port ${port} of the machine (publish one with docker run -p ${port}:<container port>)`,
      );
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // A reset before the handshake: the guest has no listener there.
      if (!connected) return reject(nothing());
      if (!chunks.length) return reject(new PageNetworkError(`port ${port} closed the connection without an answer`));
      try {
        resolve({ ...parseHttpResponse(concat(chunks)), ms: performance.now() - t0 });
      } catch (e) {
        reject(e);
      }
    };
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      conn.close();
      reject(
        connected
          ? new PageNetworkError(
              `port ${port} accepted the connection but sent no complete answer within ${timeoutMs} ms`,
            )
          : nothing(),
      );
    }, timeoutMs);
    conn.on('connect', () => {
      connected = true;
      conn.write(
        enc.encode(
          `GET ${target} HTTP/1.0\r\nHost: localhost:${port}\r\nUser-Agent: playground-preview\r\nAccept: */*\r\nConnection: close\r\n\r\n`,
        ),
      );
    });
    conn.on('data', (d) => {
      if (d) chunks.push(d.slice());
    });
    conn.on('shutdown', () => {
      conn.close();
      finish();
    });
    conn.on('close', finish);
  });
}
