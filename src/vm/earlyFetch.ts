/**
 * The page starts downloading what a restore needs (v86's wasm, compiled as
 * it streams in, the BIOS and the shipped state) before the worker exists:
 * the worker script and the page's own code load at the same time, and the
 * worker is handed the results instead of asking the network again. index.html
 * preloads the same URLs (see vmStartup in vite.config.ts), so the downloads
 * begin while the HTML is still being read; the fetches here take them over.
 */
import manifest from 'virtual:vm-manifest';
import v86WasmUrl from 'v86/build/v86.wasm?url';
import { vmFileUrl, WASM_FILE, type VmManifest } from './manifest';

/** What the page hands the worker: v86's compiled wasm, or a VM file's bytes; null if it could not get it. */
export type EarlyFile = WebAssembly.Module | ArrayBuffer | null;

export interface EarlyFetch {
  /** The manifest of the VM image this site was built with. */
  manifest: VmManifest;
  /** By file name (`v86.wasm`, or a name in public/vm/); null when the page could not get it (the worker then tries itself). */
  files: Record<string, Promise<EarlyFile>>;
}

async function bytes(url: string): Promise<ArrayBuffer | null> {
  const res = await fetch(url);
  return res.ok ? res.arrayBuffer() : null;
}

async function compile(url: string): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compileStreaming(fetch(url));
  } catch {
    // A server that does not send application/wasm: compile from the bytes instead.
    const b = await bytes(url);
    if (!b) throw new Error(`could not load ${url}`);
    return WebAssembly.compile(b);
  }
}

export function startEarlyFetch(vmBaseUrl: string): EarlyFetch {
  const m = manifest;
  const none = (p: Promise<EarlyFile>) => p.catch(() => null);
  const files: Record<string, Promise<EarlyFile>> = {
    [WASM_FILE]: none(compile(new URL(v86WasmUrl, document.baseURI).href)),
    'seabios.bin': none(bytes(vmFileUrl(m, 'seabios.bin', vmBaseUrl))),
  };
  // The kernel is left out: only a cold boot needs it, and a restore is the usual start.
  if (m.state) files[m.state.file] = none(bytes(vmFileUrl(m, m.state.file, vmBaseUrl)));
  return { manifest: m, files };
}
