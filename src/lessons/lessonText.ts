/**
 * A lesson's text (en.md or zh.md) as the player uses it: `## ` headings
 * start steps; fenced `sh` blocks are commands a click types into the
 * terminal; a line `@exercise <id>` puts that exercise there, `@predict <id>`
 * that prediction (asked before the command that follows it). Everything else
 * is prose, rendered (and sanitized) by the page.
 */
import { Lexer, type Token } from 'marked';

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
