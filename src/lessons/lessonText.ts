/**
 * A lesson's text (en.md or zh.md) as the player uses it: `## ` headings
 * start steps; fenced `sh` blocks are commands a click types into the
 * terminal; a line `@exercise <id>` puts that exercise there. Everything else
 * is prose, rendered (and sanitized) by the page.
 */
import { Lexer, type Token } from 'marked';

export type LessonBlock =
  | { kind: 'prose'; markdown: string }
  | { kind: 'command'; code: string }
  | { kind: 'code'; lang: string; code: string }
  | { kind: 'exercise'; id: string };

export interface LessonStep {
  title: string;
  blocks: LessonBlock[];
}

export interface LessonText {
  title: string;
  /** Prose before the first step. */
  intro: string;
  steps: LessonStep[];
}

const COMMAND_LANGS = new Set(['sh', 'shell', 'bash', 'console']);
const EXERCISE = /^@exercise\s+([a-z0-9][a-z0-9-]*)\s*$/;

export function parseLessonText(markdown: string): LessonText {
  const tokens = new Lexer().lex(markdown);
  let title = '';
  let intro = '';
  const steps: LessonStep[] = [];
  const prose = (raw: string) => {
    const step = steps.at(-1);
    if (!step) {
      intro += raw;
      return;
    }
    const last = step.blocks.at(-1);
    if (last?.kind === 'prose') last.markdown += raw;
    else step.blocks.push({ kind: 'prose', markdown: raw });
  };
  for (const t of tokens as Token[]) {
    if (t.type === 'heading' && t.depth === 1 && !title) title = t.text;
    else if (t.type === 'heading' && t.depth === 2) steps.push({ title: t.text, blocks: [] });
    else if (t.type === 'code' && steps.length) {
      const lang = (t.lang ?? '').trim();
      steps
        .at(-1)!
        .blocks.push(
          COMMAND_LANGS.has(lang) ? { kind: 'command', code: t.text } : { kind: 'code', lang, code: t.text },
        );
    } else if (t.type === 'paragraph' && EXERCISE.test(t.text.trim()) && steps.length) {
      steps.at(-1)!.blocks.push({ kind: 'exercise', id: EXERCISE.exec(t.text.trim())![1]! });
    } else prose(t.raw);
  }
  return { title, intro, steps };
}

/** The parts that must be the same in every language: steps, commands and exercises, in order. */
export function lessonShape(text: LessonText): string[] {
  return text.steps.flatMap((s, i) => [
    `step ${i + 1}`,
    ...s.blocks
      .filter((b) => b.kind === 'command' || b.kind === 'exercise')
      .map((b) => (b.kind === 'command' ? `command: ${b.code}` : `exercise: ${b.kind === 'exercise' ? b.id : ''}`)),
  ]);
}
