import { describe, expect, it } from 'vitest';
import { humanBytes, MAX_PREVIEW_BYTES, PREVIEW_CSP, previewView, withPreviewCsp } from './previewFrame';

describe('the preview frame’s document', () => {
  it('starts with the policy, after the doctype if there is one', () => {
    const meta = `<meta http-equiv="Content-Security-Policy" content="${PREVIEW_CSP}">`;
    expect(withPreviewCsp('<h1>hi</h1>')).toBe(`${meta}<h1>hi</h1>`);
    expect(withPreviewCsp('<!DOCTYPE html>\n<html><img src="https://x.example/a.png">')).toBe(
      `<!DOCTYPE html>${meta}\n<html><img src="https://x.example/a.png">`,
    );
    expect(PREVIEW_CSP).toBe("default-src 'none'; img-src data:; style-src 'unsafe-inline'");
  });

  it('says sizes as people read them', () => {
    expect(humanBytes(4 * 1024 * 1024)).toBe('4.0 MiB');
    expect(humanBytes(2048)).toBe('2 KiB');
    expect(humanBytes(12)).toBe('12 B');
  });

  it('shows a page with its policy, text as text, and nothing of a body over 4 MiB', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const page = previewView({ contentType: 'text/html', body: enc('<img src="https://x.example/p.gif">') });
    expect(page.kind === 'html' && page.srcdoc.startsWith('<meta http-equiv="Content-Security-Policy"')).toBe(true);
    expect(previewView({ contentType: '', body: enc('plain') })).toEqual({ kind: 'text', text: 'plain' });
    const big = new Uint8Array(MAX_PREVIEW_BYTES + 1);
    expect(previewView({ contentType: 'text/html', body: big })).toEqual({
      kind: 'tooLarge',
      size: MAX_PREVIEW_BYTES + 1,
    });
    expect(previewView({ contentType: 'text/html', body: big.subarray(1) }).kind).toBe('html');
  });
});
