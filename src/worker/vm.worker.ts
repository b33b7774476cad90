/// <reference lib="webworker" />
/**
 * The machine's home in the page: v86 runs here, off the main thread. The page
 * drives it through the Comlink API in ./api.ts and gets terminal bytes over a
 * MessagePort of their own.
 */
import type { StartRecord } from '../engine/runtime/startRecord';
import '../nodeBufferShim';
import * as Comlink from 'comlink';
import v86WasmUrl from 'v86/build/v86.wasm?url';
import { DEVICE_SET, VmHost, type BootStage } from '../vm/vmHost';
import { shippedState, vmFileUrl, WASM_FILE, type VmManifest } from '../vm/manifest';
import type { HealthProblem } from '../vm/health';
import {
  initialStatus,
  type ApiTraffic,
  type BuildStepView,
  type ContainerRef,
  type BootOptions,
  type RunResult,
  type VmStatus,
  type VmWorkerApi,
} from './api';
import { Persistence, RESUME_ID } from './persistence';
import { identityOf, reattach, refusal } from './machineSnapshot';
import { gunzip } from './stateStore';
import pkg from '../../package.json';
import type * as EngineSide from './engineSide';
import type { Engine as EngineT } from '../engine/engine';
import type { StepReport } from '../engine/build/builder';
import type { Registries } from '../registry/localTransport';
import { DEFAULT_REGISTRY } from '../engine/images/reference';
import type { Transfer } from '../engine/distribution/transfer';
import { dbName } from './storageScope';
import type { EngineEvent } from '../engine/events';
import { bootMark, bootMarks } from '../vm/bootTimeline';
import type { EarlyFile } from '../vm/earlyFetch';

bootMark('worker-script');

type Engine = EngineT;
// The engine's code loads beside the boot, not before it (engineSide.ts): these are
// set once it has, which is before any machine gets an engine (attachEngine waits for it).
let Engine: typeof EngineSide.Engine,
  ImageStore: typeof EngineSide.ImageStore,
  serveConnection: typeof EngineSide.serveConnection,
  idbImageStores: typeof EngineSide.idbImageStores,
  Registry: typeof EngineSide.Registry,
  localTransport: typeof EngineSide.localTransport,
  readRegistryPicture: typeof EngineSide.readRegistryPicture,
  readNetworkPicture: typeof EngineSide.readNetworkPicture,
  publishedPorts: typeof EngineSide.publishedPorts,
  Builder: typeof EngineSide.Builder,
  BuildContext: typeof EngineSide.BuildContext,
  layerChanges: typeof EngineSide.layerChanges,
  saveImages: typeof EngineSide.saveImages,
  evaluateSince: typeof EngineSide.evaluateSince,
  readNamespaces: typeof EngineSide.readNamespaces,
  readCgroups: typeof EngineSide.readCgroups,
  readLayerStack: typeof EngineSide.readLayerStack,
  measureContainer: typeof EngineSide.measureContainer;
const engineSide = import('./engineSide').then((m) => {
  ({
    Engine,
    ImageStore,
    serveConnection,
    idbImageStores,
    Registry,
    localTransport,
    readRegistryPicture,
    readNetworkPicture,
    publishedPorts,
    Builder,
    BuildContext,
    layerChanges,
    saveImages,
    evaluateSince,
    readNamespaces,
    readCgroups,
    readLayerStack,
    measureContainer,
  } = m);
  engineStores = idbImageStores(dbName('container-playground-engine'));
  images = new ImageStore(engineStores.blobs, engineStores.meta);
  registryStores = idbImageStores(dbName('container-playground-registry'));
  hub = new Registry(registryStores.blobs, registryStores.meta);
  localRegistryStores = idbImageStores(dbName('container-playground-registry-local'));
  registries = {
    [DEFAULT_REGISTRY]: hub,
    'localhost:5000': new Registry(localRegistryStores.blobs, localRegistryStores.meta, undefined, undefined, 'open'),
  };
});

let vm: VmHost | null = null;
let terminal: MessagePort | null = null;
let bootOpts: BootOptions | null = null;
let manifest: VmManifest | null = null;
const listeners: ((s: VmStatus) => void)[] = [];
const trafficListeners: ((t: ApiTraffic) => void)[] = [];
const eventListeners: ((e: EngineEvent) => void)[] = [];
let status: VmStatus = initialStatus();
const pendingInput: Uint8Array[] = [];
const fileCache = new Map<string, Promise<ArrayBuffer>>();
let wasmModule: Promise<WebAssembly.Module> | null = null;

function publish(patch: Partial<VmStatus>): void {
  status = { ...status, ...patch };
  for (const l of listeners) l(status);
}

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load ${url}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

/** Files the page fetches for this worker, resolved as provide() hands them over. */
const fromPage = new Map<string, { promise: Promise<EarlyFile>; resolve: (f: EarlyFile) => void }>();
function pageFile(name: string): { promise: Promise<EarlyFile>; resolve: (f: EarlyFile) => void } {
  let d = fromPage.get(name);
  if (!d) {
    let resolve!: (f: EarlyFile) => void;
    const promise = new Promise<EarlyFile>((r) => (resolve = r));
    d = { promise, resolve };
    fromPage.set(name, d);
  }
  return d;
}

function compileWasm(): Promise<WebAssembly.Module> {
  if (!wasmModule) {
    const own = () => WebAssembly.compileStreaming(fetch(v86WasmUrl));
    const early = fromPage.get(WASM_FILE)?.promise;
    wasmModule = early ? early.then((m) => (m instanceof WebAssembly.Module ? m : own())) : own();
    void wasmModule.then(
      () => bootMark('wasm-compiled'),
      () => {},
    );
  }
  return wasmModule;
}

async function loadManifest(base: string): Promise<VmManifest> {
  if (!manifest) {
    const res = await fetch(new URL('manifest.json', base), { cache: 'no-cache' });
    if (!res.ok) throw new Error(`could not load the VM manifest: HTTP ${res.status}`);
    manifest = (await res.json()) as VmManifest;
  }
  return manifest;
}

/** One VM file, fetched once per page; the sha in the URL skips a stale HTTP cache entry. */
function vmFile(base: string, m: VmManifest, name: string): Promise<ArrayBuffer> {
  let p = fileCache.get(name);
  if (!p) {
    const own = () => fetchBytes(vmFileUrl(m, name, base));
    const early = fromPage.get(name)?.promise;
    p = early ? early.then((b) => (b instanceof ArrayBuffer ? b : own())) : own();
    p.catch(() => fileCache.delete(name));
    fileCache.set(name, p);
  }
  return p;
}

/**
 * Where a machine comes from, tried in this order: the user's own saved
 * snapshot ('saved', IndexedDB), the state shipped with the site ('shipped',
 * the same for every visitor), a cold boot of the kernel ('cold').
 */
type Source = NonNullable<VmStatus['source']>;
const FALLBACK: Record<Source, Source | null> = { saved: 'shipped', shipped: 'cold', cold: null };

/** The snapshot a 'saved' start restores: the machine to resume, or a checkpoint. */
let wantedSnapshot = RESUME_ID;
/** The snapshot being restored by the current start, if any. */
let restoring: Awaited<ReturnType<Persistence['load']>> = null;

async function stateFor(source: Source, base: string, m: VmManifest): Promise<ArrayBuffer | null> {
  restoring = null;
  if (source === 'saved') {
    if (bootOpts?.ephemeral) return null;
    restoring = await persistence.load(wantedSnapshot).catch(() => null);
    return restoring?.state ?? null;
  }
  if (source === 'shipped') {
    const file = shippedState(m, DEVICE_SET);
    return file ? vmFile(base, m, file).catch(() => null) : null;
  }
  return null;
}

async function start(opts: BootOptions, source: Source): Promise<VmStatus> {
  const started = performance.now();
  publish({ stage: 'loading', problem: null, timings: {}, restored: false, source });
  const m = await loadManifest(opts.vmBaseUrl);
  void compileWasm();
  const bios = vmFile(opts.vmBaseUrl, m, 'seabios.bin');
  const state = await stateFor(source, opts.vmBaseUrl, m);
  if (state) bootMark('state-fetched');
  if (source !== 'cold' && !state) return start(opts, FALLBACK[source]!);
  // A restored machine has the kernel in its memory already: no need to download it.
  const bzimage = state ? null : await vmFile(opts.vmBaseUrl, m, 'bzImage');
  const timings: Partial<Record<BootStage, number>> = { loading: Math.round(performance.now() - started) };
  const mod = await compileWasm();
  const host = await VmHost.start({
    assets: {
      manifest: m,
      // v86 keeps (and may write into) the buffers it is given: hand it copies.
      bios: (await bios).slice(0),
      bzimage: bzimage ? bzimage.slice(0) : null,
      wasm: async (imports) => (await WebAssembly.instantiate(mod, imports)).exports,
    },
    state: state ? state.slice(0) : undefined,
    ...(restoring ? { channels: restoring.record.channels } : {}),
    onStage: (stage) => {
      timings[stage] = Math.round(performance.now() - started);
      publish({ stage, timings: { ...timings }, restored: !!state, source });
    },
    onConsole: (bytes) => {
      persistence.noteOutput();
      terminal?.postMessage(bytes, [bytes.buffer]);
    },
    onProblem: (problem: HealthProblem) => publish({ stage: 'failed', problem }),
    onMark: bootMark,
  }).catch((e: Error) => {
    if (source === 'cold') throw e;
    console.warn(`the ${source} state could not be restored (${e.message}); trying the next way`);
    if (source === 'saved' && restoring) persistence.refuse(restoring.record.meta, 'corrupt', e.message);
    return null;
  });
  if (!host) return start(opts, FALLBACK[source]!);
  vm = host;
  await engineSide;
  const e = attachEngine(host, opts);
  if (source === 'saved' && restoring) {
    const { meta, engine: saved } = restoring.record;
    try {
      persistence.resumed(meta, reattach(host, e, saved));
    } catch (err) {
      // Never half-restored: a guest whose daemon state is lost is thrown away with it.
      persistence.refuse(meta, 'engine', (err as Error).message);
      vm = null;
      engine = null;
      await host.destroy().catch(() => {});
      return start(opts, FALLBACK[source]!);
    }
  } else persistence.fresh();
  for (const bytes of pendingInput.splice(0)) host.consoleInput(bytes);
  if (source === 'cold' && !shippedState(m, DEVICE_SET) && !opts.ephemeral) {
    // Without a shipped state, keep this boot so the next visit restores it.
    await persistence
      .saveResume('boot')
      .catch((err: Error) => console.warn(`could not save the machine: ${err.message}`));
  }
  publish({ savedStateBytes: (await persistence.store.get(RESUME_ID).catch(() => null))?.meta.bytes ?? null });
  return status;
}

/** Images persist in IndexedDB across machines; containers belong to one machine. (Set when engineSide has loaded.) */
let engineStores: ReturnType<typeof EngineSide.idbImageStores>;
let images: InstanceType<typeof EngineSide.ImageStore>;

/**
 * The page's registries, each with its own database: Docker Hub's stand-in
 * (docker.io, seeded with the base images when first asked for anything)
 * and a plain registry at localhost:5000, empty like a fresh `registry:2`.
 * (Set when engineSide has loaded.)
 */
let registryStores: ReturnType<typeof EngineSide.idbImageStores>;
let localRegistryStores: ReturnType<typeof EngineSide.idbImageStores>;
let hub: InstanceType<typeof EngineSide.Registry>;
let registries: Registries;
let registrySeeded: Promise<void> | null = null;
function seedRegistry(base: URL): Promise<void> {
  registrySeeded ??= hub
    .seed(async (path) => new Uint8Array(await fetchBytes(new URL(path, base).href)))
    .catch((e: unknown) => {
      registrySeeded = null;
      throw e;
    });
  return registrySeeded;
}
const transferListeners: ((t: Transfer) => void)[] = [];
const startListeners: ((r: StartRecord) => void)[] = [];

/** The running machine's engine; a new machine gets a new one (its containers died with the old). */
let engine: Engine | null = null;

function attachEngine(host: VmHost, opts: BootOptions): Engine {
  const base = new URL('../images/', opts.vmBaseUrl);
  const e = new Engine(host, images, () =>
    images.importLayout(async (path) => new Uint8Array(await fetchBytes(new URL(path, base).href))),
  );
  e.events.subscribe((ev) => eventListeners.forEach((l) => l(ev)));
  const toRegistry = localTransport(registries);
  e.distribution.connect(async (req) => {
    await seedRegistry(base);
    return toRegistry(req);
  });
  e.distribution.onTransfer((t) => transferListeners.forEach((l) => l(t)));
  e.starts.onStart((r) => startListeners.forEach((l) => l(r)));
  host.api.serve(
    persistence.trackApi((stream) => serveConnection(e, stream, (t) => trafficListeners.forEach((l) => l(t)))),
  );
  engine = e;
  // A moment after the prompt, unpack the base images, so the first docker run starts at once.
  setTimeout(() => {
    if (engine === e) e.prefetchBaseLayers().catch((err: Error) => console.warn(`prefetch: ${err.message}`));
  }, 1500);
  return e;
}

function currentEngine(): Engine {
  if (!engine) throw new Error('no machine is running');
  return engine;
}

function runningContainers(e: Engine): ContainerRef[] {
  return e.list(false).map((c) => ({ id: c.Id, name: c.Name, pid: c.State.Pid }));
}

function stepView(s: StepReport): BuildStepView {
  return {
    index: s.index,
    total: s.total,
    stage: s.stage,
    instruction: s.instruction.original,
    line: s.instruction.line,
    cached: s.cached,
    ms: Math.round(s.ms),
    imageId: s.imageId,
    ...(s.layer ? { layer: { ...s.layer } } : {}),
  };
}

/** Boots a second, throwaway machine from its kernel (no saved state) and times it to ready. */
async function timeColdBoot(base: string, m: VmManifest): Promise<number> {
  const [bios, bzimage, mod] = await Promise.all([
    vmFile(base, m, 'seabios.bin'),
    vmFile(base, m, 'bzImage'),
    compileWasm(),
  ]);
  const t0 = performance.now();
  const fresh = await VmHost.start({
    assets: {
      manifest: m,
      bios: bios.slice(0),
      bzimage: bzimage.slice(0),
      wasm: async (imports) => (await WebAssembly.instantiate(mod, imports)).exports,
    },
    onStage: () => {},
    onConsole: () => {},
    onProblem: () => {},
  });
  const ms = performance.now() - t0;
  await fresh.destroy();
  return Math.round(ms);
}

/** Throws the running machine away and starts another from `source`. */
async function replaceMachine(source: Source): Promise<VmStatus> {
  if (!bootOpts) throw new Error('boot() was never called');
  const old = vm;
  vm = null;
  await old?.destroy().catch(() => {});
  return start(bootOpts, source);
}

/** The machine's snapshots: when they are taken, where they are kept, what the page is told. */
const persistence = new Persistence(
  { vm: () => vm, engine: () => engine, manifest: () => manifest, publish: (p) => publish({ persist: p }) },
  { version: `${pkg.version}+${/-([\w-]{6,})\.js/.exec(self.location.pathname)?.[1] ?? 'dev'}` },
);

async function restoreSnapshot(id: string): Promise<VmStatus> {
  wantedSnapshot = id;
  try {
    return await replaceMachine('saved');
  } finally {
    wantedSnapshot = RESUME_ID;
  }
}

const api: VmWorkerApi = {
  attachTerminal(port) {
    terminal = port;
    port.onmessage = (e: MessageEvent<Uint8Array>) => {
      persistence.noteInput(e.data);
      if (vm?.stage === 'ready') vm.consoleInput(e.data);
      // Typed while the machine is (re)starting: delivered once it is up.
      else if (pendingInput.length < 1024) pendingInput.push(e.data);
    };
  },
  onStatus(listener) {
    listeners.push(listener);
    listener(status);
  },
  onApiTraffic(listener) {
    trafficListeners.push(listener);
  },
  onEngineEvents(listener) {
    eventListeners.push(listener);
  },
  build(req, onLog, onStep) {
    // The image store changes: under its lock, and a snapshot waits for the build.
    return persistence.imageWork(async () => {
      const steps: BuildStepView[] = [];
      try {
        const r = await new Builder(currentEngine()).build({
          context: BuildContext.fromFiles(req.files),
          ...(req.dockerfile ? { dockerfile: req.dockerfile } : {}),
          tags: req.tag ? [req.tag] : [],
          buildArgs: req.buildArgs ?? {},
          noCache: !!req.noCache,
          ...(req.target ? { target: req.target } : {}),
          onLog: (text) => onLog(text),
          onStep: (s) => {
            steps.push(stepView(s));
            onStep(steps.at(-1)!);
          },
        });
        return { ok: true, imageId: r.image.id, tags: r.image.tags, steps, warnings: r.warnings };
      } catch (e) {
        const err = e as Error & { line?: number; column?: number };
        return {
          ok: false,
          error: err.message,
          ...(err.line ? { line: err.line } : {}),
          ...(err.column ? { column: err.column } : {}),
          steps,
        };
      }
    });
  },
  async evaluateCheck(check, sinceMs) {
    return evaluateSince(currentEngine(), check, sinceMs);
  },
  async readNamespaces() {
    const e = currentEngine();
    return { ...(await readNamespaces(e.guest)), containers: runningContainers(e) };
  },
  async readCgroups() {
    const e = currentEngine();
    const readings = await readCgroups(e.guest);
    // Every container, stopped ones too: an OOM-killed container keeps its cgroup (and its name) until removed.
    const containers = e.list(true).map((c) => ({ id: c.Id, name: c.Name, pid: c.State.Pid }));
    return { at: performance.now(), readings, containers };
  },
  async measureVmVsContainer({ coldBoot }) {
    const m = manifest;
    if (!m || !bootOpts) throw new Error('no machine is running');
    const figures = await measureContainer(currentEngine());
    const size = (name: string) => m.files.find((f) => f.name === name)?.size ?? 0;
    return {
      ...figures,
      vmMemoryBytes: m.memoryMB * 1024 * 1024,
      kernelBytes: size('bzImage'),
      stateBytes: m.state ? size(m.state.file) : 0,
      coldBootMs: coldBoot ? await timeColdBoot(bootOpts.vmBaseUrl, m) : null,
      restoreMs: status.restored ? (status.timings.ready ?? null) : null,
    };
  },
  readLayerStack(container) {
    return readLayerStack(currentEngine(), container);
  },
  async readRegistry() {
    await engineSide;
    if (bootOpts) await seedRegistry(new URL('../images/', bootOpts.vmBaseUrl));
    return readRegistryPicture(currentEngine(), registries);
  },
  async lastStart() {
    return engine?.starts.last ?? null;
  },
  onStart(listener) {
    startListeners.push(listener);
  },
  onTransfers(listener) {
    transferListeners.push(listener);
  },
  readNetwork() {
    return readNetworkPicture(currentEngine());
  },
  async publishedPorts() {
    return currentEngine()
      .list(false)
      .flatMap((c) =>
        publishedPorts(c.ports ?? {}).map((p) => ({
          container: c.Name,
          hostPort: p.hostPort,
          containerPort: p.containerPort,
        })),
      );
  },
  async previewHttp(port, path) {
    if (!vm) throw new Error('no machine is running');
    const r = await vm.pageHttp(port, path);
    const body = r.body;
    return Comlink.transfer(
      { status: r.status, statusText: r.statusText, contentType: r.headers['content-type'] ?? '', body, ms: r.ms },
      [body.buffer],
    );
  },
  async layerChanges(imageId, layerIndex) {
    const image = await currentEngine().image(imageId);
    return layerChanges(images.blobs, image.manifest.layers, layerIndex);
  },
  async saveImage(ref) {
    const e = currentEngine();
    const image = await e.image(ref);
    const tar = await saveImages(images, [{ image, tags: image.tags }]);
    return Comlink.transfer(tar, [tar.buffer]);
  },
  loadImages(archive) {
    return persistence.imageWork(() => currentEngine().imageService.load(archive));
  },
  async boot(opts) {
    bootOpts = opts;
    if (!vm && !opts.ephemeral && opts.useSavedState !== false) persistence.readAhead(RESUME_ID);
    manifest ??= opts.manifest ?? null;
    for (const name of opts.pageFiles ?? []) pageFile(name);
    if (vm) return status;
    return start(opts, opts.useSavedState === false ? 'shipped' : 'saved');
  },
  status: () => status,
  bootTimeline: () => bootMarks(),
  provide(name, file) {
    pageFile(name).resolve(file);
  },
  reset(opts = {}) {
    // A reset gives a clean machine: never the user's own snapshot.
    return replaceMachine(opts.cold ? 'cold' : 'shipped');
  },
  async saveState() {
    const meta = await persistence.saveResume('request');
    if (!meta) throw new Error('no machine is running');
    publish({ savedStateBytes: meta.bytes });
    return meta.bytes;
  },
  restoreSavedState() {
    return restoreSnapshot(RESUME_ID);
  },
  async clearSavedState() {
    await persistence.store.delete(RESUME_ID);
    publish({ savedStateBytes: null });
  },
  snapshot(why) {
    return bootOpts?.ephemeral ? Promise.resolve(null) : persistence.saveResume(why);
  },
  checkpoint(label) {
    return bootOpts?.ephemeral ? Promise.resolve(null) : persistence.checkpoint(label);
  },
  async listSnapshots() {
    // A frame with its own throwaway machine has no snapshots, and must not see the full page's.
    return bootOpts?.ephemeral ? [] : persistence.store.list();
  },
  restoreSnapshot(id) {
    if (bootOpts?.ephemeral) return Promise.reject(new Error('this machine keeps no snapshots'));
    return restoreSnapshot(id);
  },
  async startFresh() {
    await persistence.setAsideResume('before-fresh');
    publish({ savedStateBytes: null });
    return replaceMachine('shipped');
  },
  async exportMachine(work) {
    // The zip code loads only when a machine file is made or opened.
    const { packMachine } = await import('./machineFile');
    const e = currentEngine();
    const host = vm;
    if (!host || !manifest) throw new Error('no machine is running');
    // A snapshot taken now, and kept as the machine to resume too.
    const meta = await persistence.saveResume('download');
    const rec = meta && (await persistence.store.get(meta.id));
    if (!rec) throw new Error('the machine stayed busy; try again in a moment');
    const file = packMachine(
      {
        ...rec,
        gz: new Uint8Array(rec.gz),
        work,
        containers: e.list(true).length,
        running: e.list(false).length,
        createdAt: rec.meta.createdAt,
      },
      identityOf(manifest),
      persistence.site.version,
    );
    return Comlink.transfer(file, [file.buffer]);
  },
  async importMachine(bytes) {
    const { MachineFileError, unpackMachine } = await import('./machineFile');
    if (!manifest || !bootOpts) throw new Error('no machine is running');
    const file = unpackMachine(bytes);
    const why = refusal({ ...file.manifest, format: file.manifest.snapshotFormat }, identityOf(manifest));
    if (why) throw new MachineFileError(`this machine cannot run on this site: ${why.detail}`);
    // Checked whole before anything is replaced.
    const raw = await gunzip(file.gz.slice().buffer).catch(() => {
      throw new MachineFileError('the machine state in the file is damaged');
    });
    // The machine it replaces is kept as a checkpoint.
    await persistence.setAsideResume('before-open');
    await persistence.store.put({
      meta: {
        id: RESUME_ID,
        kind: 'resume',
        label: 'file',
        createdAt: Date.parse(file.manifest.createdAt) || Date.now(),
        stateKey: file.manifest.stateKey,
        site: { version: file.manifest.site, v86: file.manifest.v86, image: file.manifest.image },
        bytes: file.gz.byteLength,
        rawBytes: raw.byteLength,
        pausedMs: 0,
        containers: file.manifest.containers,
        running: file.manifest.running,
      },
      gz: file.gz.slice().buffer,
      engine: file.engine,
      channels: file.channels,
    });
    const s = await restoreSnapshot(RESUME_ID);
    if (status.persist.resumed === null)
      throw new MachineFileError(status.persist.refused?.detail ?? 'the machine could not be restored');
    return { status: s, work: file.work };
  },
  async suspend() {
    await persistence.saveResume('handover').catch(() => null);
    const old = vm;
    vm = null;
    engine = null;
    await old?.destroy().catch(() => {});
    publish({ stage: 'loading' });
  },
  async forgetEverything() {
    persistence.disable();
    // Images, the registry and the saved machine; the page clears its own storage and reloads after this.
    await engineSide;
    await Promise.all([
      engineStores.blobs.clear(),
      engineStores.meta.clear(),
      registryStores.blobs.clear(),
      registryStores.meta.clear(),
      localRegistryStores.blobs.clear(),
      localRegistryStores.meta.clear(),
      persistence.store.clear(),
    ]);
  },
  async run(script, timeoutMs): Promise<RunResult> {
    if (!vm) throw new Error('the machine is not running');
    const r = await vm.channel.sh(script, timeoutMs ? { timeoutMs } : {});
    const d = new TextDecoder();
    return { stdout: d.decode(r.stdout), stderr: d.decode(r.stderr), exitCode: r.exitCode };
  },
  resize(rows, cols) {
    vm?.resizeConsole(rows, cols);
  },
};

Comlink.expose(api);
