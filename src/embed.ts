import './nodeBufferShim';
import { mount } from 'svelte';
import '@xterm/xterm/css/xterm.css';
import './ui/app.css';
import { embedderOrigin, parseEmbedParams } from './embed/embedParams';
import { Machine } from './ui/machine.svelte';

// One exercise in an instructor's page: the same machine, a smaller frame, and a postMessage API.
// It keeps its own databases and never starts from the student's saved machine: whoever embeds
// (or opens) this page gets a machine of its own, not the student's images, registry or snapshot.
const machine = new Machine({ storage: 'embed' });
machine.boot({ useSavedState: false }).catch((e: Error) => console.error('boot failed:', e.message));
(window as unknown as { playground: Machine }).playground = machine;

/** The site's own allow-list (public/embed.json), added to the origins the embedding URL names. */
async function siteOrigins(): Promise<string[]> {
  try {
    const r = await fetch(new URL('embed.json', document.baseURI));
    return r.ok ? (((await r.json()) as { allowedOrigins?: string[] }).allowedOrigins ?? []) : [];
  } catch {
    return [];
  }
}

const embedder = embedderOrigin({
  framed: window.parent !== window,
  ancestorOrigins: location.ancestorOrigins,
  referrer: document.referrer,
});
const params = parseEmbedParams(location.search, await siteOrigins(), embedder);
if (params.refused.length) {
  console.warn(
    `embed: origins= names ${params.refused.join(', ')}, but the page holding this frame is ` +
      `${embedder ?? 'none (not in a frame, or it sends no referrer)'}; only the page that embeds the frame, ` +
      `or an origin in embed.json, is obeyed (docs/embedding.md)`,
  );
}
const target = document.getElementById('app');
if (!target) throw new Error('embed.html has no #app element');
const { default: EmbedApp } = await import('./ui/EmbedApp.svelte');
mount(EmbedApp, { target, props: { machine, params } });
