import './nodeBufferShim';
import { mount } from 'svelte';
import '@xterm/xterm/css/xterm.css';
import './ui/app.css';
import { Machine } from './ui/machine.svelte';
import { bootMark } from './vm/bootTimeline';

bootMark('page-main');

// The machine starts first: the worker loads and restores while the interface
// (xterm.js, Svelte components, strings) is still being fetched and parsed.
const machine = new Machine();
machine.boot().catch((e: Error) => console.error('boot failed:', e.message));
// A handle for the browser console and the end-to-end tests.
(window as unknown as { playground: Machine }).playground = machine;

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
const { default: App } = await import('./ui/App.svelte');
mount(App, { target, props: { machine } });
