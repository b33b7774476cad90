/**
 * What the Preview pane shows of a page a container served. The frame is
 * sandboxed (no script, no same origin); on top of that the document carries
 * its own Content-Security-Policy, so nothing in it can load anything (an
 * image from the internet, a font, a stylesheet): only inline styles and
 * data: images. Large answers are not shown at all.
 */
export const PREVIEW_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";
export const MAX_PREVIEW_BYTES = 4 * 1024 * 1024;

const META = `<meta http-equiv="Content-Security-Policy" content="${PREVIEW_CSP}">`;

/** The HTML with the policy as its first element (after a doctype, which must stay first to keep standards mode). */
export function withPreviewCsp(html: string): string {
  const doctype = /^\uFEFF?\s*<!doctype[^>]*>/i.exec(html);
  return doctype ? doctype[0] + META + html.slice(doctype[0].length) : META + html;
}

/** "4.0 MiB", "512 KiB", "12 B". */
export function humanBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} B`;
}

export type PreviewView =
  { kind: 'tooLarge'; size: number } | { kind: 'html'; srcdoc: string } | { kind: 'text'; text: string };

/** How an answer is shown: too large (not decoded at all), as a page in the frame, or as text. */
export function previewView(answer: { contentType: string; body: Uint8Array }): PreviewView {
  if (answer.body.length > MAX_PREVIEW_BYTES) return { kind: 'tooLarge', size: answer.body.length };
  const text = new TextDecoder().decode(answer.body);
  const html = /html/i.test(answer.contentType || (text.trimStart().startsWith('<') ? 'html' : ''));
  return html ? { kind: 'html', srcdoc: withPreviewCsp(text) } : { kind: 'text', text };
}
