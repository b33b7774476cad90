import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type HtmlTagDescriptor, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { headerCsp, metaCsp, pageOf, type EmbedConfig } from './src/embed/sitePolicy.ts';

/**
 * The site's Content-Security-Policy (src/embed/sitePolicy.ts): a <meta> in each built page, and a header
 * from `vite preview` (`npm start`) with frame-ancestors, which only works as a header. The dev server
 * gets neither, so its hot reload works as Vite ships it.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'playground-csp',
    apply: (_, env) => env.command === 'build' || env.isPreview === true,
    transformIndexHtml: () => [
      // Only built pages get it (apply above also lets `vite preview` add the header below).
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: metaCsp() }, injectTo: 'head-prepend' },
    ],
    configurePreviewServer(server) {
      const embedJson = join(server.config.root, server.config.build.outDir, 'embed.json');
      server.middlewares.use((req, res, next) => {
        const page = pageOf(req.url ?? '');
        if (page) {
          let config: EmbedConfig = {};
          try {
            config = JSON.parse(readFileSync(embedJson, 'utf8')) as EmbedConfig;
          } catch {
            // no embed.json: the defaults
          }
          res.setHeader('Content-Security-Policy', headerCsp(page, config));
        }
        next();
      });
    },
  };
}

const VM_MANIFEST = 'public/vm/manifest.json';
const FOREVER = 'public, max-age=31536000, immutable';

/** A URL whose content never changes: a hashed build asset, a VM file asked for by its sha256, a blob by digest. */
export function isImmutable(url: string): boolean {
  const path = url.split('?')[0]!;
  return (
    /\/assets\/[^/]+-[\w-]{8,}\.\w+$/.test(path) ||
    /[?&]sha256=[0-9a-f]{16}/.test(url) ||
    /\/images\/blobs\/sha256\//.test(path)
  );
}

/**
 * The fast start (see src/vm/earlyFetch.ts): the VM manifest bundled into the
 * page (no request for it), preload links so the wasm and the shipped state
 * download while the HTML is read, and cache headers in `vite preview` that
 * let a returning browser use those files without asking the server again.
 */
function vmStartup(): Plugin {
  const manifestText = () => readFileSync(VM_MANIFEST, 'utf8');
  return {
    name: 'vm-startup',
    resolveId: (id) => (id === 'virtual:vm-manifest' ? '\0virtual:vm-manifest' : undefined),
    load(id) {
      if (id !== '\0virtual:vm-manifest') return undefined;
      this.addWatchFile(VM_MANIFEST);
      return `export default ${manifestText()}`;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const m = JSON.parse(manifestText()) as { files: { name: string; sha256: string }[]; state?: { file: string } };
        const preload = (href: string): HtmlTagDescriptor => ({
          tag: 'link',
          attrs: { rel: 'preload', href, as: 'fetch', crossorigin: '' },
          injectTo: 'head-prepend',
        });
        const tags: HtmlTagDescriptor[] = [];
        const wasm = Object.keys(ctx.bundle ?? {}).find((f) => /(^|\/)v86-[\w-]+\.wasm$/.test(f));
        if (wasm) tags.push(preload(`./${wasm}`));
        const state = m.state && m.files.find((f) => f.name === m.state!.file);
        if (state) tags.push(preload(`./vm/${state.name}?sha256=${state.sha256.slice(0, 16)}`));
        return tags;
      },
    },
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        // sirv keeps a Cache-Control already set on the response.
        if (isImmutable(req.url ?? '')) res.setHeader('Cache-Control', FOREVER);
        next();
      });
    },
  };
}

export default defineConfig({
  plugins: [
    svelte(),
    contentSecurityPolicy(),
    vmStartup(),
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
