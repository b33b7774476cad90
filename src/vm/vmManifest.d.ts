/** The VM image's manifest (public/vm/manifest.json), bundled into the page by vite.config.ts. */
declare module 'virtual:vm-manifest' {
  const manifest: import('./manifest').VmManifest;
  export default manifest;
}
