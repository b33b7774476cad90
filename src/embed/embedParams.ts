/**
 * What an embedding page asks for in the frame's URL:
 * embed.html?lesson=03-namespaces&step=2&lang=zh&panes=terminal,viz&origins=https://course.example
 * Steps count from 1 in the URL, as a reader counts them.
 */
export type EmbedPane = 'lesson' | 'terminal' | 'viz';
const PANES: readonly EmbedPane[] = ['lesson', 'terminal', 'viz'];

export interface EmbedParams {
  lesson: string | null;
  /** 0-based. */
  step: number;
  lang: 'en' | 'zh' | null;
  panes: Set<EmbedPane>;
  /** Origins whose messages the frame obeys and to which it reports. */
  origins: string[];
}

/** "https://Course.Example:443/x" → "https://course.example"; null for anything that is not an http(s) origin. */
export function normalizeOrigin(text: string): string | null {
  try {
    const u = new URL(text.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null;
  } catch {
    return null;
  }
}

export function parseEmbedParams(search: string, siteOrigins: readonly string[] = []): EmbedParams {
  const q = new URLSearchParams(search);
  const step = Number(q.get('step') ?? '1');
  const lang = q.get('lang');
  const panes = (q.get('panes') ?? 'lesson,terminal,viz')
    .split(',')
    .map((p) => p.trim())
    .filter((p): p is EmbedPane => (PANES as readonly string[]).includes(p));
  const origins = [...siteOrigins, ...(q.get('origins') ?? '').split(',')]
    .map(normalizeOrigin)
    .filter((o): o is string => !!o);
  return {
    lesson: q.get('lesson'),
    step: Number.isInteger(step) && step >= 1 ? step - 1 : 0,
    lang: lang === 'zh' || lang === 'en' ? lang : null,
    panes: new Set(panes.length ? panes : PANES),
    origins: [...new Set(origins)],
  };
}
