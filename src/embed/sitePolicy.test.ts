import { describe, expect, it } from 'vitest';
import { headerCsp, metaCsp, pageOf } from './sitePolicy';

describe('the site’s Content-Security-Policy', () => {
  it('allows scripts from the site and wasm only, no inline script, no form anywhere', () => {
    const meta = metaCsp();
    expect(meta).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(meta).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(meta).toContain("form-action 'none'");
    expect(meta).toContain("object-src 'none'");
    // Browsers ignore frame-ancestors in a <meta>: it is only in the header.
    expect(meta).not.toContain('frame-ancestors');
  });

  it('lets only the site frame the full page, and the embed as embed.json says', () => {
    expect(headerCsp('main')).toContain("frame-ancestors 'self'");
    expect(headerCsp('embed')).toContain('frame-ancestors *');
    expect(
      headerCsp('embed', {
        anyPageMayFrame: false,
        allowedOrigins: ['https://course.example', "https://x.example; script-src 'unsafe-inline'"],
      }),
    ).toMatch(/frame-ancestors 'self' https:\/\/course\.example$/);
  });

  it('knows the pages by path', () => {
    expect(pageOf('/')).toBe('main');
    expect(pageOf('/index.html?x=1')).toBe('main');
    expect(pageOf('/embed.html?lesson=03')).toBe('embed');
    expect(pageOf('/assets/main.js')).toBeNull();
  });
});
