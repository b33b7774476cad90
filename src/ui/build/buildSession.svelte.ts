/**
 * A build started from the page, as the build panel shows it: the streamed
 * log, each step as it finishes (cache hit, time, layer), the outcome, and the
 * file changes of the layer the user picked.
 */
import * as Comlink from 'comlink';
import type { BuildOutcome, BuildStepView, LayerChange, VmWorkerApi } from '../../worker/api';
import type { Workspace } from './workspace.svelte';

export class BuildSession {
  running = $state(false);
  log = $state('');
  steps = $state<BuildStepView[]>([]);
  outcome = $state<BuildOutcome | null>(null);
  /** The step whose layer is open, and what that layer changed. */
  openStep = $state<number | null>(null);
  changes = $state<LayerChange[] | null>(null);
  changesError = $state<string | null>(null);

  /** `api` is read at each use: the page's machine is one object, but a component's props are not captured. */
  constructor(private readonly api: () => Pick<Comlink.Remote<VmWorkerApi>, 'build' | 'layerChanges'>) {}

  async build(ws: Workspace, opts: { noCache?: boolean } = {}): Promise<BuildOutcome> {
    this.running = true;
    this.log = '';
    this.steps = [];
    this.outcome = null;
    this.openStep = null;
    this.changes = null;
    try {
      const outcome = await this.api().build(
        { files: ws.context(), tag: ws.tag.trim() || undefined, noCache: !!opts.noCache },
        Comlink.proxy((text: string) => {
          this.log += text;
        }),
        Comlink.proxy((step: BuildStepView) => {
          this.steps = [...this.steps, step];
        }),
      );
      this.outcome = outcome;
      return outcome;
    } catch (e) {
      this.outcome = { ok: false, error: (e as Error).message, steps: this.steps };
      return this.outcome;
    } finally {
      this.running = false;
    }
  }

  /** Opens (or closes) the file list of the layer a step added. */
  async toggleLayer(step: BuildStepView): Promise<void> {
    if (this.openStep === step.index) {
      this.openStep = null;
      return;
    }
    this.openStep = step.index;
    this.changes = null;
    this.changesError = null;
    if (!step.layer) return;
    try {
      this.changes = await this.api().layerChanges(step.imageId, step.layer.index);
    } catch (e) {
      this.changesError = (e as Error).message;
    }
  }
}

/** 1.2 kB, 3.4 MB: sizes as `docker images` prints them. */
export function humanSize(bytes: number): string {
  if (bytes < 1000) return `${bytes}B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toPrecision(3)}kB`;
  return `${(bytes / 1e6).toPrecision(3)}MB`;
}
