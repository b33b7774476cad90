import './nodeBufferShim';
import { mount } from 'svelte';
import '@xterm/xterm/css/xterm.css';
import './ui/app.css';
import { parseEmbedParams } from './embed/embedParams';
import { Machine } from './ui/machine.svelte';

// One exercise in an instructor's page: the same machine, a smaller frame, and a postMessage API.
const machine = new Machine({ ephemeral: true });
machine.boot().catch((e: Error) => console.error('boot failed:', e.message));
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

const params = parseEmbedParams(location.search, await siteOrigins());
const target = document.getElementById('app');
if (!target) throw new Error('embed.html has no #app element');
const { default: EmbedApp } = await import('./ui/EmbedApp.svelte');
mount(EmbedApp, { target, props: { machine, params } });
