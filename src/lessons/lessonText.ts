/**
 * A lesson's text (en.md or zh.md) as the player uses it: `## ` headings
 * start steps; fenced `sh` blocks are commands a click types into the
 * terminal; a line `@exercise <id>` puts that exercise there, `@predict <id>`
 * that prediction (asked before the command that follows it). Everything else
 * is prose, rendered (and sanitized) by the page.
 */
import type { Config, DOMPurify, WindowLike } from 'dompurify';
import createDOMPurify from 'dompurify';
import { Lexer, marked, type Token } from 'marked';

export type LessonBlock =
  | { kind: 'prose'; markdown: string }
  | { kind: 'command'; code: string }
  | { kind: 'code'; lang: string; code: string }
  | { kind: 'exercise'; id: string }
  | { kind: 'prediction'; id: string };

export interface LessonStep {
  title: string;
  blocks: LessonBlock[];
}

export interface LessonText {
  title: string;
  /** What comes before the first step (shown with the first). */
  intro: LessonBlock[];
  steps: LessonStep[];
}

const COMMAND_LANGS = new Set(['sh', 'shell', 'bash', 'console']);
const EXERCISE = /^@(exercise|predict)\s+([a-z0-9][a-z0-9-]*)\s*$/;

export function parseLessonText(markdown: string): LessonText {
  const tokens = new Lexer().lex(markdown);
  let title = '';
  const intro: LessonBlock[] = [];
  const steps: LessonStep[] = [];
  const blocks = () => steps.at(-1)?.blocks ?? intro;
  for (const t of tokens as Token[]) {
    if (t.type === 'heading' && t.depth === 1 && !title) title = t.text;
    else if (t.type === 'heading' && t.depth === 2) steps.push({ title: t.text, blocks: [] });
    else if (t.type === 'code') {
      const lang = (t.lang ?? '').trim();
      blocks().push(COMMAND_LANGS.has(lang) ? { kind: 'command', code: t.text } : { kind: 'code', lang, code: t.text });
    } else if (t.type === 'paragraph' && EXERCISE.test(t.text.trim()) && steps.length) {
      const [, what, id] = EXERCISE.exec(t.text.trim())!;
      blocks().push({ kind: what === 'predict' ? 'prediction' : 'exercise', id: id! });
    } else {
      const last = blocks().at(-1);
      if (last?.kind === 'prose') last.markdown += t.raw;
      else blocks().push({ kind: 'prose', markdown: t.raw });
    }
  }
  return { title, intro, steps };
}

/** The parts that must be the same in every language: steps, commands and exercises, in order. */
export function lessonShape(text: LessonText): string[] {
  const shape = (blocks: LessonBlock[]) =>
    blocks.flatMap((b) =>
      b.kind === 'command'
        ? [`command: ${b.code}`]
        : b.kind === 'exercise' || b.kind === 'prediction'
          ? [`${b.kind}: ${b.id}`]
          : [],
    );
  return [...shape(text.intro), ...text.steps.flatMap((s, i) => [`step ${i + 1}`, ...shape(s.blocks)])];
}

/**
 * What a lesson's prose may contain once rendered. A loaded lesson is an
 * instructor's (or anyone's) file, so besides script it may not ask for
 * input (`form`, `input`, `button`…), style itself or the page (`style`
 * elements and attributes, `class`, `id`), reach the top layer (`dialog`,
 * `popover`), embed anything (`iframe`, `object`, media) or load anything
 * from another site: images only from `data:` or this site.
 */
export const PROSE_SANITIZE: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    'form',
    'input',
    'button',
    'textarea',
    'select',
    'option',
    'style',
    'iframe',
    'frame',
    'object',
    'embed',
    'link',
    'meta',
    'base',
    'dialog',
    'video',
    'audio',
    'source',
    'track',
    'picture',
    'template',
  ],
  FORBID_ATTR: ['style', 'action', 'formaction', 'class', 'id', 'popover', 'target', 'srcset', 'ping'],
  ALLOW_DATA_ATTR: false,
};

/** Whether an image source is data: or on this site. */
export function allowedImageSource(src: string, origin: string): boolean {
  if (/^data:image\//i.test(src.trim())) return true;
  try {
    return new URL(src, `${origin}/`).origin === origin;
  } catch {
    return false;
  }
}

/**
 * A sanitizer for lesson prose in one window (the page, or jsdom in tests):
 * PROSE_SANITIZE, and images from elsewhere dropped.
 */
export function proseSanitizer(win: WindowLike, origin: string): (html: string) => string {
  const purify: DOMPurify = createDOMPurify(win);
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'IMG' && !allowedImageSource(node.getAttribute('src') ?? '', origin)) node.remove();
  });
  return (html) => purify.sanitize(html, PROSE_SANITIZE) as string;
}

/** A prose block's markdown as the HTML the page shows. */
export function renderProse(markdown: string, sanitize: (html: string) => string): string {
  return sanitize(marked.parse(markdown, { async: false }));
}
