import { describe, expect, it } from 'vitest';
import { pageHttpGet, parseHttpResponse } from './pageNetwork';

const enc = new TextEncoder();

/** A stand-in for v86's adapter: a connection that answers (or resets) as told. */
function adapter(behaviour: 'answer' | 'reset' | 'silent', answer = '') {
  return {
    connect() {
      const handlers: Record<string, (d?: Uint8Array) => void> = {};
      queueMicrotask(() => {
        if (behaviour === 'reset') return handlers['close']?.();
        handlers['connect']?.();
        if (behaviour === 'answer') {
          handlers['data']?.(enc.encode(answer));
          handlers['shutdown']?.();
        }
      });
      return {
        on: (e: string, h: (d?: Uint8Array) => void) => (handlers[e] = h),
        write: () => {},
        close: () => {},
      };
    },
  };
}

describe('the page’s HTTP path to the guest', () => {
  it('parses an answer, chunked or not', () => {
    const r = parseHttpResponse(enc.encode('HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<h1>hi</h1>'));
    expect(r).toMatchObject({ status: 200, statusText: 'OK', headers: { 'content-type': 'text/html' } });
    expect(new TextDecoder().decode(r.body)).toBe('<h1>hi</h1>');
    const c = parseHttpResponse(
      enc.encode('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n1\r\n!\r\n0\r\n\r\n'),
    );
    expect(new TextDecoder().decode(c.body)).toBe('hi!');
  });

  it('says when nothing listens, and when the answer is not HTTP', async () => {
    await expect(pageHttpGet(adapter('reset'), 8080, '/')).rejects.toThrow('nothing answers on port 8080');
    await expect(pageHttpGet(adapter('answer', 'SSH-2.0-x\r\n'), 22, '/')).rejects.toThrow('no end of headers');
    await expect(pageHttpGet(adapter('silent'), 8080, '/', 50)).rejects.toThrow('sent no complete answer within 50 ms');
    const ok = await pageHttpGet(adapter('answer', 'HTTP/1.0 404 Not Found\r\n\r\n'), 8080, '/x');
    expect(ok.status).toBe(404);
  });
});
