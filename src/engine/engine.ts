/**
 * The daemon's face: images and containers on top of a Guest. Each verb
 * lives with its group (see the imports): containers/ (store, state,
 * create, lifecycle, exec, attach, archive, commit, inspect), images/
 * (the image service), network/ (the network service). This class only
 * builds them and hands each call on, so callers keep one object to talk to.
 */
import { Archive } from './containers/archive';
import { Attach, OutputHub, type LogEntry } from './containers/attach';
import type { Container } from './containers/container';
import { commitContainer, type CommitRequest } from './containers/commit';
import { createContainer, type CreateOptions } from './containers/create';
import type { Daemon } from './containers/daemon';
import { Execs, type ExecOptions } from './containers/exec';
import { inspectContainer } from './containers/inspect';
import { Lifecycle, type WaitCondition } from './containers/lifecycle';
import { Monitor } from './containers/monitor';
import { renameContainer } from './containers/rename';
import { StartLog } from './containers/startLog';
import { ContainerStore } from './containers/store';
import { Distribution } from './distribution/distribution';
import { EventLog } from './events';
import type { Guest } from './guest';
import type { DeleteResponse } from './images/imageService';
import { ImageService } from './images/imageService';
import type { Image, ImageStore } from './images/imageStore';
import { NetworkService } from './network/networkService';
import { Networks } from './network/networks';
import { CgroupParent } from './runtime/cgroupParent';
import { LayerCache } from './runtime/layerCache';
import { System } from './system';

export { EngineError } from './engineError';
export { END_OF_OUTPUT, type LogEntry } from './containers/attach';
export { mergeEnv, type CreateOptions } from './containers/create';
export type { ExecOptions, ExecRecord } from './containers/exec';
export { parseBind, VOLUMES_DIR } from './containers/mounts';

export class Engine {
  readonly events = new EventLog();
  readonly layers: LayerCache;
  /** bridge, host, none and the user-defined networks; they live as long as the machine, like containers. */
  readonly networks = new Networks();
  /** Pull, push, login and search, through whatever registry transport the host connects. */
  readonly distribution: Distribution;
  readonly containers = new ContainerStore();
  /** The last container start's plan with its guest times (what the plan picture draws). */
  readonly starts = new StartLog();
  readonly imageService: ImageService;
  readonly network: NetworkService;
  readonly system: System;
  private readonly lifecycle: Lifecycle;
  private readonly execs: Execs;
  private readonly attach: Attach;
  private readonly files: Archive;
  private readonly monitor: Monitor;
  private readonly daemon: Daemon;

  /**
   * @param seedImages puts the base images in the store and returns their
   *   tags; run once, when something first needs images (a request, or the
   *   page's prefetch of base layers a moment after boot).
   */
  constructor(
    readonly guest: Guest,
    readonly images: ImageStore,
    seedImages?: () => Promise<string[]>,
  ) {
    this.layers = new LayerCache(guest);
    this.distribution = new Distribution(images, this.events);
    const using = (imageId: string) => [...this.containers.all()].filter((c) => c.Image === imageId).map((c) => c.Id);
    this.imageService = new ImageService(images, this.events, this.distribution, this.layers, using, seedImages);
    this.network = new NetworkService(guest, this.networks, this.containers, this.events);
    this.system = new System(guest, this.containers, this.imageService);
    const output = new OutputHub();
    this.daemon = {
      guest,
      events: this.events,
      containers: this.containers,
      images: this.imageService,
      network: this.network,
      output,
      cgroups: new CgroupParent(guest),
      starts: this.starts,
    };
    this.lifecycle = new Lifecycle(this.daemon);
    this.execs = new Execs(this.daemon);
    this.attach = new Attach(guest, this.containers, output);
    this.files = new Archive(guest, this.containers);
    this.monitor = new Monitor(guest, this.containers);
  }

  // Images

  /** Makes sure the base images are in the store (see the constructor). */
  ensureImages(): Promise<void> {
    return this.imageService.ensureImages();
  }

  /**
   * Unpacks the base images' layers in the guest ahead of time (the page calls
   * it once the machine is idle), so the first `docker run` does not wait for
   * a megabyte to cross the control channel and be unpacked.
   */
  async prefetchBaseLayers(): Promise<void> {
    await this.ensureImages();
    for (const image of await this.images.list()) await this.imageService.unpackLayers(image);
  }

  /** An image by reference or id; an unknown one is Docker's 404 "No such image". */
  image(ref: string): Promise<Image> {
    return this.imageService.resolve(ref);
  }

  /** `docker rmi` */
  removeImage(ref: string, force = false): Promise<DeleteResponse> {
    return this.imageService.remove(ref, force);
  }

  kernelVersion(): Promise<string> {
    return this.system.kernelVersion();
  }

  // Containers: lookup

  /** A container by full id, unique id prefix, or name. */
  get(ref: string): Container {
    return this.containers.get(ref);
  }

  list(all = false): Container[] {
    return this.containers.list(all);
  }

  inspect(ref: string) {
    return inspectContainer(this.containers.get(ref), this.network);
  }

  // Containers: create and lifecycle

  create(o: CreateOptions): Promise<Container> {
    return createContainer(this.daemon, o);
  }

  start(ref: string): Promise<Container> {
    return this.lifecycle.start(ref);
  }

  /** Waits as `docker wait` / the wait API's condition says (see Lifecycle.wait); resolves with the exit code. */
  wait(ref: string, condition?: WaitCondition, clientGone?: Promise<void>): Promise<number> {
    return this.lifecycle.wait(ref, condition, clientGone);
  }

  kill(ref: string, signal = 'KILL'): Promise<void> {
    return this.lifecycle.kill(ref, signal);
  }

  pause(ref: string): Promise<void> {
    return this.lifecycle.pause(ref);
  }

  unpause(ref: string): Promise<void> {
    return this.lifecycle.unpause(ref);
  }

  stop(ref: string, timeoutS = 10): Promise<void> {
    return this.lifecycle.stop(ref, timeoutS);
  }

  restart(ref: string, timeoutS = 10): Promise<void> {
    return this.lifecycle.restart(ref, timeoutS);
  }

  remove(ref: string, opts: { force?: boolean; guestDone?: boolean } = {}): Promise<void> {
    return this.lifecycle.remove(ref, opts);
  }

  rename(ref: string, name: string): void {
    renameContainer(this.daemon, ref, name);
  }

  // Containers: exec

  createExec(ref: string, argv: string[], opts: ExecOptions = {}): string {
    return this.execs.create(ref, argv, opts);
  }

  execInfo(id: string) {
    return this.execs.info(id);
  }

  startExec(
    id: string,
    onOutput: (stream: 'stdout' | 'stderr', chunk: Uint8Array) => void,
    onTerminal?: (write: (data: Uint8Array) => void) => void,
  ): Promise<number> {
    return this.execs.start(id, onOutput, onTerminal);
  }

  /** Runs a command in the running container and collects its output (`docker exec`, not attached). */
  exec(ref: string, argv: string[], opts: Omit<ExecOptions, 'tty'> = {}) {
    return this.execs.run(ref, argv, opts);
  }

  // Containers: output and input

  logs(ref: string, opts: { tail?: number } = {}): Promise<LogEntry[]> {
    return this.attach.logs(ref, opts);
  }

  follow(ref: string, listener: (e: LogEntry) => void): () => void {
    return this.attach.follow(ref, listener);
  }

  writeStdin(ref: string, data: Uint8Array): void {
    this.attach.writeStdin(ref, data);
  }

  closeStdin(ref: string): void {
    this.attach.closeStdin(ref);
  }

  resize(ref: string, rows: number, cols: number): Promise<void> {
    return this.attach.resize(ref, rows, cols);
  }

  // Containers: files

  changes(ref: string) {
    return this.files.changes(ref);
  }

  exportFilesystem(ref: string): Promise<Uint8Array> {
    return this.files.exportFilesystem(ref);
  }

  archive(ref: string, path: string): Promise<Uint8Array> {
    return this.files.archive(ref, path);
  }

  extractArchive(ref: string, path: string, tar: Uint8Array): Promise<void> {
    return this.files.extractArchive(ref, path, tar);
  }

  commit(ref: string, opts: CommitRequest = {}): Promise<Image> {
    return commitContainer(this.daemon, ref, opts);
  }

  // Containers: monitoring

  top(ref: string) {
    return this.monitor.top(ref);
  }

  stats(ref: string) {
    return this.monitor.stats(ref);
  }

  /** The pieces of the daemon a machine snapshot saves and restores (see snapshot.ts). */
  snapshotParts() {
    return {
      containers: this.containers,
      execs: this.execs,
      cgroups: this.daemon.cgroups,
      images: this.imageService,
      adopt: (c: Container) => this.lifecycle.adopt(c),
    };
  }

  // Networks

  connect(networkRef: string, containerRef: string): Promise<void> {
    return this.network.connect(networkRef, containerRef);
  }

  disconnect(networkRef: string, containerRef: string): Promise<void> {
    return this.network.disconnect(networkRef, containerRef);
  }
}
