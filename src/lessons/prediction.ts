/** Whether a student's answer to a prediction is the right one. */
import type { Lang, Prediction } from './lessonBundle';
import { matches } from './patterns';

export function isRightAnswer(p: Prediction, answer: number | string): boolean {
  if (p.choices) return answer === p.answer;
  if (typeof answer !== 'string' || typeof p.answer !== 'string') return false;
  const want = p.answer;
  // A typed answer is compared without regard to case or surrounding space, unless the lesson gives a pattern.
  return want.startsWith('/') ? matches(want, answer) : answer.trim().toLowerCase() === want.trim().toLowerCase();
}

/** The right answer as the student reads it. */
export function rightAnswer(p: Prediction, lang: Lang): string {
  if (p.choices && typeof p.answer === 'number') return p.choices[lang][p.answer] ?? '';
  return String(p.answer).replace(/^\/\^?|\$?\/[a-z]*$/g, '');
}
