/**
 * What an embedding page asks for in the frame's URL:
 * embed.html?lesson=03-namespaces&step=2&lang=zh&panes=terminal,viz&origins=https://course.example
 * Steps count from 1 in the URL, as a reader counts them.
 *
 * The URL is not proof of who embeds the frame: anyone can write any
 * `origins=` into it. So an origin named there is honoured only when it is
 * the origin of the page that really holds the frame (the browser's
 * `location.ancestorOrigins`, or the referrer where that is missing); the
 * site's own embed.json is honoured always.
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
  /** Origins the URL named that were dropped because they are not the embedding page's. */
  refused: string[];
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

/** What the frame can learn about the page that holds it. */
export interface FrameContext {
  /** window.parent !== window: false for a top-level window (a popup, a tab). */
  framed: boolean;
  /** location.ancestorOrigins, nearest first, where the browser has it (Chromium, Safari). */
  ancestorOrigins?: ArrayLike<string> | null;
  /** document.referrer: the page that loaded the frame (its origin at least, unless it sends no referrer). */
  referrer?: string;
}

/** The origin of the page the frame is in, or null when it is not in one or cannot tell. */
export function embedderOrigin(ctx: FrameContext): string | null {
  if (!ctx.framed) return null;
  if (ctx.ancestorOrigins && ctx.ancestorOrigins.length > 0) return normalizeOrigin(ctx.ancestorOrigins[0]!);
  return ctx.referrer ? normalizeOrigin(ctx.referrer) : null;
}

export function parseEmbedParams(
  search: string,
  siteOrigins: readonly string[] = [],
  embedder: string | null = null,
): EmbedParams {
  const q = new URLSearchParams(search);
  const step = Number(q.get('step') ?? '1');
  const lang = q.get('lang');
  const panes = (q.get('panes') ?? 'lesson,terminal,viz')
    .split(',')
    .map((p) => p.trim())
    .filter((p): p is EmbedPane => (PANES as readonly string[]).includes(p));
  const valid = (list: readonly string[]) => list.map(normalizeOrigin).filter((o): o is string => !!o);
  const named = valid((q.get('origins') ?? '').split(','));
  const origins = [...valid(siteOrigins), ...named.filter((o) => o === embedder)];
  return {
    lesson: q.get('lesson'),
    step: Number.isInteger(step) && step >= 1 ? step - 1 : 0,
    lang: lang === 'zh' || lang === 'en' ? lang : null,
    panes: new Set(panes.length ? panes : PANES),
    origins: [...new Set(origins)],
    refused: [...new Set(named.filter((o) => o !== embedder && !origins.includes(o)))],
  };
}
