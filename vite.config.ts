import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  // Relative URLs: the built site works from any path, and from a file copy.
  base: './',
  build: {
    target: 'es2022',
    // v86's emulator and wasm are large by nature and load in the worker;
    // Monaco is large too and loads only when the Dockerfile pane opens.
    chunkSizeWarningLimit: 4096,
    // The full playground and the frame instructors embed (embed.html, see docs/embedding.md).
    rollupOptions: { input: { main: 'index.html', embed: 'embed.html' } },
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 8080, strictPort: true },
});
