import type { StartRecord } from '../engine/runtime/startRecord';
import type { BootStage } from '../vm/vmHost';
import type { HealthProblem } from '../vm/health';
import type { ApiTraffic } from '../engine/api/routes';
import type { EngineEvent } from '../engine/events';
import type { LayerChange } from '../engine/images/layerChanges';
import type { Check, CheckResult } from '../lessons/checks';
import type { NamespaceSnapshot } from '../pictures/namespaces';
import type { CgroupReading } from '../pictures/cgroups';
import type { LayerStackView } from '../pictures/layerStack';
import type { ContainerFigures } from '../pictures/containerFigures';
import type { RegistryPictureView } from '../pictures/registryPicture';
import type { NetworkPictureView } from '../pictures/networkPicture';
import type { Transfer } from '../engine/distribution/transfer';
import type { SnapshotMeta, StorageProblem } from './stateStore';
import type { TimelineMark } from '../vm/bootTimeline';
import type { EarlyFile } from '../vm/earlyFetch';
import type { VmManifest } from '../vm/manifest';

/** The container's figures (see measureContainer) beside the virtual machine's. */
export interface VmVsContainerFigures extends ContainerFigures {
  /** The memory the virtual machine is given. */
  vmMemoryBytes: number;
  /** The kernel image, and the saved machine the page restores. */
  kernelBytes: number;
  stateBytes: number;
  /** A fresh machine, kernel boot to a ready agent and prompt, in this page (only when asked for). */
  coldBootMs: number | null;
  /** How this page's machine started: restoring a saved state (ms), or null if it booted. */
  restoreMs: number | null;
}

/** Running containers as the pictures name them. */
export interface ContainerRef {
  id: string;
  name: string;
  /** The first process, as the host numbers it. */
  pid: number;
}

export type {
  ApiTraffic,
  Check,
  CheckResult,
  EngineEvent,
  LayerChange,
  NetworkPictureView,
  RegistryPictureView,
  Transfer,
};

/** A build started from the page: the editor's files are the context. */
export interface BuildRequest {
  files: Record<string, string | Uint8Array>;
  dockerfile?: string;
  tag?: string;
  buildArgs?: Record<string, string>;
  noCache?: boolean;
  target?: string;
}

/** One finished step, as the result view shows it. */
export interface BuildStepView {
  index: number;
  total: number;
  stage: number;
  /** The instruction as written (continuations joined). */
  instruction: string;
  line: number;
  cached: boolean;
  ms: number;
  imageId: string;
  layer?: { digest: string; diffId: string; size: number; index: number };
}

export type BuildOutcome =
  | { ok: true; imageId: string; tags: string[]; steps: BuildStepView[]; warnings: string[] }
  | { ok: false; error: string; line?: number; column?: number; steps: BuildStepView[] };

/** What the page learns while the machine comes up, and after. */
export interface VmStatus {
  stage: BootStage;
  /** True when the machine was restored from a saved state instead of booted. */
  restored: boolean;
  /** Where the running machine came from: the user's snapshot, the site's state, or a kernel boot. */
  source: 'saved' | 'shipped' | 'cold' | null;
  /** Milliseconds since boot() was called, per stage reached. */
  timings: Partial<Record<BootStage, number>>;
  problem: HealthProblem | null;
  /** Size of the saved state in the browser's storage, if any. */
  savedStateBytes: number | null;
  /** Snapshots of the machine: where they are kept, the last one, and what happened at load. */
  persist: PersistStatus;
}

export type { SnapshotMeta, StorageProblem };

/** The machine's snapshots, as the page shows them (see src/worker/persistence.ts). */
export interface PersistStatus {
  /** IndexedDB, or this tab's memory only (no IndexedDB, or it failed). */
  storage: 'indexeddb' | 'memory';
  /** The last write the browser refused; its data is kept in memory. */
  problem: StorageProblem | null;
  /** This machine was resumed from a snapshot (null: it is a fresh one). */
  resumed: {
    savedAt: number;
    kind: 'resume' | 'checkpoint';
    label: string;
    containers: number;
    /** Containers running on. */
    running: number;
    /** Docker clients of the old page (docker run -it, logs -f) that were disconnected. */
    disconnected: number;
  } | null;
  /** A snapshot that could not be used, and why. */
  refused: {
    reason: 'v86' | 'image' | 'format' | 'corrupt' | 'engine';
    detail: string;
    savedAt: number;
    kind: 'resume' | 'checkpoint';
  } | null;
  lastSaved: { at: number; bytes: number; pausedMs: number; kind: 'resume' | 'checkpoint' } | null;
  saving: boolean;
}

/** A machine that has not started yet. */
export function initialStatus(): VmStatus {
  return {
    stage: 'loading',
    restored: false,
    source: null,
    timings: {},
    problem: null,
    savedStateBytes: null,
    persist: { storage: 'indexeddb', problem: null, resumed: null, refused: null, lastSaved: null, saving: false },
  };
}

export interface PublishedPort {
  container: string;
  hostPort: number;
  containerPort: number;
}

export interface PreviewResponse {
  status: number;
  statusText: string;
  contentType: string;
  body: Uint8Array;
  ms: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface BootOptions {
  /** Where the site serves public/vm/ (absolute URL, ending in a slash). */
  vmBaseUrl: string;
  /** Restore the user's own saved snapshot if there is one (default true). */
  useSavedState?: boolean;
  /** Keep no snapshots at all (a frame that must not share the full page's machine). */
  ephemeral?: boolean;
  /** The VM image's manifest, when the page has it already (it is bundled into the page). */
  manifest?: VmManifest;
  /** Files the page is fetching for the worker (see src/vm/earlyFetch.ts); each comes by provide(). */
  pageFiles?: string[];
}

/**
 * The worker's whole surface, exposed with Comlink. Terminal bytes do not go
 * through it: they use the MessagePort given to attachTerminal().
 */
export interface VmWorkerApi {
  /** Terminal bytes flow over this port both ways (Uint8Array messages). */
  attachTerminal(port: MessagePort): void;
  /** Status changes, including failures found later by the health monitor. */
  onStatus(listener: (s: VmStatus) => void): void;
  /** Each Docker API request the guest's docker CLI makes, as the engine answers it. */
  onApiTraffic(listener: (t: ApiTraffic) => void): void;
  boot(opts: BootOptions): Promise<VmStatus>;
  status(): VmStatus;
  /** The worker's start-up marks on the absolute clock (see src/vm/bootTimeline.ts). */
  bootTimeline(): TimelineMark[];
  /** A file the page fetched for the worker (named in BootOptions.pageFiles); null if the page could not get it. */
  provide(name: string, file: EarlyFile): void;
  /** Throws the machine away for a clean one (the site's state, or a kernel boot with cold). */
  reset(opts?: { cold?: boolean }): Promise<VmStatus>;
  /** Saves the running machine to the browser's storage (the snapshot to resume); returns its size. */
  saveState(): Promise<number>;
  /** Throws the machine away and restores the one saveState() kept. */
  restoreSavedState(): Promise<VmStatus>;
  /** Forgets the snapshot to resume, so the next load starts the site's machine. */
  clearSavedState(): Promise<void>;
  /**
   * Saves the machine to resume now (`why`: hidden, passed, handover …);
   * null if there is no machine or it stayed busy for seconds.
   */
  snapshot(why: string): Promise<SnapshotMeta | null>;
  /** A checkpoint labelled `label` (an exercise, "lesson/exercise"); the last 8 are kept. */
  checkpoint(label: string): Promise<SnapshotMeta | null>;
  /** The snapshots kept, newest first. */
  listSnapshots(): Promise<SnapshotMeta[]>;
  /** Throws the machine away and restores a snapshot (a checkpoint's id, or 'resume'). */
  restoreSnapshot(id: string): Promise<VmStatus>;
  /** "Start fresh": the site's machine; the one resumed is kept as a checkpoint. */
  startFresh(): Promise<VmStatus>;
  /** The machine file: a snapshot taken now, with `work` (the page's saved work) and a manifest. */
  exportMachine(work: Record<string, string>): Promise<Uint8Array>;
  /** Opens a machine file: checked against this site, then restored; returns the work it carries. */
  importMachine(file: Uint8Array): Promise<{ status: VmStatus; work: Record<string, string> }>;
  /** Stops the machine, saving it first (another tab takes it over). */
  suspend(): Promise<void>;
  /** Deletes the stored images, the registry's contents and the saved machine ("reset everything"). */
  forgetEverything(): Promise<void>;
  /** What the engine does (container create/start/die/oom/destroy, image pull/tag/delete/load), as it happens. */
  onEngineEvents(listener: (e: EngineEvent) => void): void;
  /** Builds the editor's files with the machine's engine (the same cache as `docker build` in the terminal). */
  build(req: BuildRequest, onLog: (text: string) => void, onStep: (step: BuildStepView) => void): Promise<BuildOutcome>;
  /** The files one layer of an image added, changed or deleted. */
  layerChanges(imageId: string, layerIndex: number): Promise<LayerChange[]>;
  /** `docker save` of one image: an OCI image layout tar with Docker's manifest.json. */
  saveImage(ref: string): Promise<Uint8Array>;
  /** `docker load`: returns what was loaded ("name:tag", or an image id). */
  loadImages(archive: Uint8Array): Promise<string[]>;
  /** A lesson exercise's check on the machine's state now; `sinceMs`: the events it may look at start then. */
  evaluateCheck(check: Check, sinceMs: number): Promise<CheckResult>;
  /** The NamespaceTree picture: every process's namespaces, and which container each first process is. */
  readNamespaces(): Promise<NamespaceSnapshot & { containers: ContainerRef[] }>;
  /** The CgroupMeters picture: each container's cgroup figures; `at` is when they were read (ms). */
  readCgroups(): Promise<{ at: number; readings: CgroupReading[]; containers: ContainerRef[] }>;
  /** The LayerStack picture: a container's layer over its image's layers (the newest container if none named). */
  readLayerStack(container?: string): Promise<LayerStackView>;
  /** The RegistryTransfer picture: the latest pushes and pulls, the page's registry, and which layers are local. */
  readRegistry(): Promise<RegistryPictureView>;
  /** Each push or pull, when it ends. */
  onTransfers(listener: (t: Transfer) => void): void;
  /** The NetworkPicture: host interfaces and bridges, each container's namespace and veth pairs, beside inspect. */
  readNetwork(): Promise<NetworkPictureView>;
  /** The published ports of running containers, for the preview pane. */
  publishedPorts(): Promise<PublishedPort[]>;
  /** GET a path from a port of the machine, over its network card (the preview pane). */
  previewHttp(port: number, path: string): Promise<PreviewResponse>;
  /**
   * The VmVsContainer picture, measured here and now: a container's whole run
   * and its memory, the machine's memory and sizes, and (with coldBoot) a fresh
   * v86 machine booted from its kernel in this page, timed, then thrown away.
   */
  measureVmVsContainer(opts: { coldBoot: boolean }): Promise<VmVsContainerFigures>;
  /** The last container start's plan with each step's time in the guest (null before the first start). */
  lastStart(): Promise<StartRecord | null>;
  /** Each container start, as it answers. */
  onStart(listener: (r: StartRecord) => void): void;
  /** Runs a shell script on the control channel. */
  run(script: string, timeoutMs?: number): Promise<RunResult>;
  resize(rows: number, cols: number): void;
}
