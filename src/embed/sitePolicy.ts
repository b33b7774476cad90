/**
 * The site's Content-Security-Policy, in one place: vite.config.ts puts it in
 * every built page as a <meta> and sends it as a header from `vite preview`,
 * adding `frame-ancestors` (which browsers honour only in a header).
 *
 * Scripts only from the site itself, never inline; WebAssembly compiled from
 * the site's own bytes ('wasm-unsafe-eval', which v86 needs); no forms
 * submitted anywhere; nothing loaded from another origin. Styles may be
 * inline: Svelte, xterm.js and Monaco set style attributes and add <style>.
 */
export const CSP_DIRECTIVES: readonly string[] = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "manifest-src 'self'",
];

/** The policy as a <meta http-equiv> carries it (frame-ancestors would be ignored there). */
export function metaCsp(): string {
  return CSP_DIRECTIVES.join('; ');
}

/** embed.json: who may embed and drive embed.html. */
export interface EmbedConfig {
  /** Origins that may drive the frame and get its reports (always honoured). */
  allowedOrigins?: string[];
  /**
   * Whether any page may put embed.html in a frame (the default): it then
   * obeys only the page that holds it, and only if that page's origin is
   * allowed here or named by the frame's origins=. False: only this site and
   * allowedOrigins may frame it at all.
   */
  anyPageMayFrame?: boolean;
}

const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d+)?$/i;

/**
 * The header for a page: the full page may be framed by this site only; the
 * embed as embed.json says.
 */
export function headerCsp(page: 'main' | 'embed', config: EmbedConfig = {}): string {
  let ancestors = "'self'";
  if (page === 'embed') {
    if (config.anyPageMayFrame !== false) ancestors = '*';
    else {
      const origins = (config.allowedOrigins ?? []).filter((o) => ORIGIN.test(o));
      ancestors = ["'self'", ...origins].join(' ');
    }
  }
  return [...CSP_DIRECTIVES, `frame-ancestors ${ancestors}`].join('; ');
}

/** Which page a request path is, for the header; null for anything that is not a page. */
export function pageOf(path: string): 'main' | 'embed' | null {
  const p = path.split(/[?#]/)[0]!;
  if (p.endsWith('/embed.html') || p.endsWith('/embed')) return 'embed';
  if (p.endsWith('/') || p.endsWith('/index.html')) return 'main';
  return null;
}
