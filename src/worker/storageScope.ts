/**
 * Whose databases this worker uses. The page's machine keeps the student's
 * images, registry and saved machine; an embedded frame (embed.html, started
 * as a worker named "embed") keeps its own, so a page that embeds or opens
 * the frame never reaches the student's.
 */
const scope = (globalThis as { name?: string }).name === 'embed' ? '-embed' : '';

export const dbName = (base: string): string => `${base}${scope}`;
