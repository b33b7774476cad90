import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  plugins: [
    svelte(),
    // Offline after one visit: a service worker precaches the whole site, the VM image and the base images
    // included, so a workshop with no network (or a copy on a USB stick served locally) still boots.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script-defer',
      manifest: {
        name: 'Container internals playground · 容器原理实验场',
        short_name: 'Container playground',
        start_url: '.',
        display: 'standalone',
        background_color: '#1e1e1e',
        theme_color: '#1e1e1e',
        icons: [],
      },
      workbox: {
        globPatterns: ['**/*'],
        // The saved machine, the kernel and Monaco are megabytes each; all of them are needed offline.
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        navigateFallback: null,
        // The VM files are asked for as name?sha256=… (a new image is a new URL); the precache has each by name.
        ignoreURLParametersMatching: [/^sha256$/],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
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
