/**
 * `docker build` as Docker's classic builder does it: each instruction of
 * each stage, in order, on top of the image the previous one left. RUN runs
 * in a real container of that image; COPY and ADD unpack their files inside
 * one; either way the container's upper dir becomes the step's layer.
 * Instructions that only change the config add a history entry with
 * `empty_layer`. Every step's image is cached under its parent, the
 * instruction and (for COPY/ADD) a checksum of its sources.
 */
import type { Engine } from '../engine';
import { isKind } from '../engineError';
import { hexOf, sha256, type Digest } from '../images/digest';
import type { Image } from '../images/imageStore';
import { ImageTree } from '../images/imageTree';
import {
  checkEntries,
  isGzip,
  layerFromTar,
  normalizeEntryPath,
  ungzip,
  UnsafeArchiveError,
} from '../images/layerArchive';
import type { Descriptor, HistoryEntry, ImageConfig } from '../images/oci';
import { containerPaths } from '../runtime/containerPlan';
import { layerDiff } from '../runtime/layerDiff';
import { BuildContext, ContextError, type ContextEntry } from './buildContext';
import {
  applyConfigInstruction,
  CONFIG_INSTRUCTIONS,
  InstructionError,
  normalizePath,
  withShell,
} from './configInstruction';
import { DockerfileError, parseOrThrow, type Instruction } from './dockerfile';
import { expandWord, ShellWordError } from './shellWord';
import { copyArchive, type CopyItem } from './copyArchive';
import { unpackTar } from 'modern-tar';

export interface BuildOptions {
  context: BuildContext;
  /** Path of the Dockerfile in the context. */
  dockerfile?: string;
  tags?: string[];
  buildArgs?: Record<string, string>;
  noCache?: boolean;
  target?: string;
  /** The build log, as Docker's classic builder prints it, streamed. */
  onLog?: (text: string) => void;
  /** Each step as it finishes, for the result view. */
  onStep?: (step: StepReport) => void;
}

export interface StepReport {
  /** 1-based, across all stages, as "Step n/total" counts. */
  index: number;
  total: number;
  stage: number;
  instruction: Instruction;
  cached: boolean;
  ms: number;
  imageId: Digest;
  /** The layer this step added, if it added one; `index` is its place in the image's layers (0 = bottom). */
  layer?: { diffId: Digest; digest: Digest; size: number; index: number };
}

export interface BuildResult {
  image: Image;
  steps: StepReport[];
  warnings: string[];
}

/** A failed build: which Dockerfile line, and why. */
export class BuildError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'BuildError';
  }
}

const CACHE_KEY = 'build-cache';
const PLATFORM = { architecture: '386', os: 'linux' } as const;
/** Docker's builder treats these as known even when no ARG declares them. */
const PREDEFINED_ARGS = ['HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'NO_PROXY', 'ALL_PROXY'].flatMap((a) => [
  a,
  a.toLowerCase(),
]);

/** What a step builds on: the image so far. */
interface State {
  imageId: Digest;
  config: ImageConfig;
  layers: Descriptor[];
  /** ARG values in scope in this stage (not in the image). */
  args: Map<string, string>;
  /** Clamp for file times in new layers: the stage's base image time, so a rebuild gives the same bytes. */
  epoch: number;
}

const short = (d: Digest) => d.slice(7, 19);

export class Builder {
  constructor(private readonly engine: Engine) {}

  async build(opts: BuildOptions): Promise<BuildResult> {
    const log = opts.onLog ?? (() => {});
    const file = opts.dockerfile || 'Dockerfile';
    const df = opts.context.file(file);
    if (!df?.data) throw new BuildError(`Cannot locate specified Dockerfile: ${file}`);
    let instructions: Instruction[];
    try {
      instructions = parseOrThrow(new TextDecoder().decode(df.data), file);
    } catch (e) {
      if (e instanceof DockerfileError) throw new BuildError(e.message, e.line, e.column);
      throw e;
    }
    await this.engine.ensureImages();

    // ARGs before the first FROM are global: usable in FROM lines, and in a stage that declares them again.
    const firstFrom = instructions.findIndex((i) => i.instruction === 'FROM');
    const globalArgs = new Map<string, string>();
    const buildArgs = opts.buildArgs ?? {};
    const usedArgs = new Set<string>();
    for (const ins of instructions.slice(0, firstFrom)) {
      if (ins.instruction !== 'ARG') {
        throw this.error(ins, `${ins.instruction} is not allowed before the first FROM (only ARG is)`);
      }
      for (const a of ins.args) {
        const [name, value] = splitArg(a, globalArgs);
        const v = buildArgs[name] ?? value;
        if (name in buildArgs) usedArgs.add(name);
        if (v !== undefined) globalArgs.set(name, v);
        else globalArgs.delete(name);
      }
    }
    const stages: { from: Instruction; name?: string; body: Instruction[] }[] = [];
    for (const ins of instructions.slice(firstFrom)) {
      if (ins.instruction === 'FROM') {
        const as = ins.args[1]?.toUpperCase() === 'AS' ? ins.args[2]?.toLowerCase() : undefined;
        if (ins.args.length !== 1 && !(ins.args.length === 3 && as)) {
          throw this.error(ins, 'FROM requires either one argument, or three: FROM <source> [AS <name>]');
        }
        stages.push({ from: ins, ...(as ? { name: as } : {}), body: [] });
      } else stages[stages.length - 1]!.body.push(ins);
    }
    let last = stages.length - 1;
    if (opts.target) {
      last = stages.findIndex((s) => s.name === opts.target!.toLowerCase());
      if (last < 0) throw new BuildError(`failed to reach build target ${opts.target} in Dockerfile`);
    }
    const todo = stages.slice(0, last + 1);
    const total = todo.reduce((n, s) => n + 1 + s.body.length, 0);
    const results: Image[] = [];
    const steps: StepReport[] = [];
    const cache = opts.noCache ? {} : ((await this.engine.images.meta.get<Record<string, Digest>>(CACHE_KEY)) ?? {});
    let n = 0;

    for (let si = 0; si < todo.length; si++) {
      const stage = todo[si]!;
      const t0 = performance.now();
      n++;
      log(`Step ${n}/${total} : ${stage.from.original}\n`);
      const fromRef = this.word(stage.from, stage.from.args[0]!, globalArgs);
      const state = await this.fromStage(fromRef, stages, results, stage.from);
      log(` ---> ${short(state.imageId)}\n`);
      steps.push({
        index: n,
        total,
        stage: si,
        instruction: stage.from,
        cached: false,
        ms: performance.now() - t0,
        imageId: state.imageId,
      });
      opts.onStep?.(steps.at(-1)!);

      const body = [...(await this.onbuildTriggers(state, stage.from, log)), ...stage.body];
      for (const ins of body) {
        const t1 = performance.now();
        const isTrigger = !stage.body.includes(ins);
        if (!isTrigger) n++;
        if (!isTrigger) log(`Step ${n}/${total} : ${ins.original}\n`);
        const parentId = state.imageId;
        let sources: { entries: ContextEntry[]; items?: CopyItem[] } | undefined;
        if (ins.instruction === 'ARG') {
          for (const a of ins.args) {
            const [name, value] = splitArg(a, state.args);
            const v = buildArgs[name] ?? value ?? globalArgs.get(name);
            if (name in buildArgs) usedArgs.add(name);
            if (v !== undefined) state.args.set(name, v);
          }
        }
        if (ins.instruction === 'COPY' || ins.instruction === 'ADD') {
          sources = await this.copySources(ins, state, opts.context, stages, results);
        }
        const key = await sha256(
          new TextEncoder().encode(
            JSON.stringify([
              parentId,
              ins.instruction,
              ins.args,
              ins.flags,
              ins.json ?? false,
              [...state.args].sort(),
              sources ? await BuildContext.checksum(sources.entries) : null,
            ]),
          ),
        );
        const hit = cache[key];
        const cachedImage = hit ? await this.engine.images.resolve(hit).catch(() => null) : null;
        let layer: StepReport['layer'];
        if (cachedImage) {
          log(' ---> Using cache\n');
          const before = state.layers.length;
          this.adopt(state, cachedImage);
          const last = state.layers.at(-1);
          if (state.layers.length > before && last) {
            layer = {
              diffId: state.config.rootfs.diff_ids.at(-1)!,
              digest: last.digest,
              size: last.size,
              index: state.layers.length - 1,
            };
          }
        } else {
          layer = await this.execute(ins, state, sources?.items, log);
          cache[key] = state.imageId;
          // Saved at once: a later step that fails keeps this one cached, as Docker does.
          if (!opts.noCache) await this.engine.images.meta.set(CACHE_KEY, cache);
        }
        log(` ---> ${short(state.imageId)}\n`);
        steps.push({
          index: n,
          total,
          stage: si,
          instruction: ins,
          cached: !!cachedImage,
          ms: performance.now() - t1,
          imageId: state.imageId,
          ...(layer ? { layer } : {}),
        });
        opts.onStep?.(steps.at(-1)!);
      }
      results.push(await this.engine.images.resolve(state.imageId));
    }

    const image = results.at(-1)!;
    const warnings: string[] = [];
    const unused = Object.keys(buildArgs).filter((a) => !usedArgs.has(a) && !PREDEFINED_ARGS.includes(a));
    if (unused.length) {
      warnings.push(`One or more build-args [${unused.join(' ')}] were not consumed`);
      log(`[Warning] ${warnings.at(-1)}\n`);
    }
    log(`Successfully built ${short(image.id)}\n`);
    for (const t of opts.tags ?? []) {
      await this.engine.imageService.tag(image, t).catch((e: Error) => {
        throw new BuildError(e.message);
      });
      log(`Successfully tagged ${t.includes(':') && !t.slice(t.lastIndexOf(':')).includes('/') ? t : `${t}:latest`}\n`);
    }
    return { image: await this.engine.images.resolve(image.id), steps, warnings };
  }

  private error(ins: Instruction, message: string): BuildError {
    return new BuildError(`Dockerfile:${ins.line}:${ins.column}: ${ins.instruction}: ${message}`, ins.line, ins.column);
  }

  private word(ins: Instruction, text: string, vars: ReadonlyMap<string, string>): string {
    try {
      return expandWord(text, vars);
    } catch (e) {
      if (e instanceof ShellWordError) throw this.error(ins, e.message);
      throw e;
    }
  }

  /** The state a stage starts from: scratch, an earlier stage, or an image in the store. */
  private async fromStage(
    ref: string,
    stages: readonly { name?: string }[],
    results: readonly Image[],
    ins: Instruction,
  ): Promise<State> {
    const byName = stages.findIndex((s, i) => i < results.length && s.name === ref.toLowerCase());
    const byIndex = /^\d+$/.test(ref) && Number(ref) < results.length ? Number(ref) : -1;
    const earlier = results[byName >= 0 ? byName : byIndex];
    let image: Image;
    try {
      image = earlier ?? (await this.engine.image(ref));
    } catch (e) {
      if (isKind(e, 'notFound')) {
        throw this.error(
          ins,
          `image ${ref} is not here, and this playground has no registry to pull it from: build it or load it first`,
        );
      }
      throw e;
    }
    const config = structuredClone(image.config);
    return {
      imageId: image.id,
      config,
      layers: [...image.manifest.layers],
      args: new Map(),
      epoch: Math.floor(Date.parse(image.config.created ?? '2024-01-01T00:00:00Z') / 1000),
    };
  }

  private adopt(state: State, image: Image): void {
    state.imageId = image.id;
    state.config = structuredClone(image.config);
    state.layers = [...image.manifest.layers];
  }

  /** ONBUILD instructions of the base image run first, as Docker runs them. */
  private async onbuildTriggers(state: State, from: Instruction, log: (t: string) => void): Promise<Instruction[]> {
    const triggers = state.config.config.OnBuild ?? [];
    if (!triggers.length) return [];
    log(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`);
    delete state.config.config.OnBuild;
    return triggers.flatMap((t) =>
      parseOrThrow(t, 'ONBUILD', { fragment: true }).map((i) => ({ ...i, line: from.line, column: from.column })),
    );
  }

  /** Variables for expansion: ARGs in scope, then ENV (ENV wins, as in Docker). */
  private vars(state: State): Map<string, string> {
    const vars = new Map(state.args);
    for (const e of state.config.config.Env ?? []) vars.set(e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1));
    return vars;
  }

  /** Carries out one instruction that missed the cache; returns the layer it added, if any. */
  private async execute(
    ins: Instruction,
    state: State,
    items: CopyItem[] | undefined,
    log: (t: string) => void,
  ): Promise<StepReport['layer']> {
    const created = new Date().toISOString();
    if (ins.instruction === 'ARG' || CONFIG_INSTRUCTIONS.has(ins.instruction)) {
      if (ins.instruction !== 'ARG') {
        const vars = this.vars(state);
        try {
          applyConfigInstruction(state.config.config, ins, vars);
        } catch (e) {
          if (e instanceof InstructionError || e instanceof ShellWordError) throw this.error(ins, e.message);
          throw e;
        }
      }
      await this.commit(state, null, { created, created_by: `/bin/sh -c #(nop)  ${ins.original}`, empty_layer: true });
      return undefined;
    }
    if (ins.instruction === 'RUN') {
      const argv = withShell(state.config.config, ins);
      const argEnv = [...state.args]
        .filter(([k]) => !(state.config.config.Env ?? []).some((e) => e.startsWith(`${k}=`)))
        .map(([k, v]) => `${k}=${v}`);
      const layer = await this.inContainer(state, { cmd: argv, env: argEnv, user: state.config.config.User }, log, ins);
      const prefix = argEnv.length ? `|${argEnv.length} ${argEnv.join(' ')} ` : '';
      return this.commit(state, layer, { created, created_by: `${prefix}${argv.join(' ')}` });
    }
    if (ins.instruction === 'COPY' || ins.instruction === 'ADD') {
      const tar = await copyArchive(items ?? []);
      const layer = await this.inContainer(
        state,
        {
          // The guest's own busybox unpacks: the image may have no tar (FROM scratch).
          cmd: ['tar', '-x', '-f', '-', '-C', '/'],
          hostExec: '/bin/busybox',
          stdin: tar,
        },
        log,
        ins,
      );
      // Docker's history names the copied content by its checksum: "COPY file:<sha256> in /dest".
      const from = ins.flags.find((f) => f.startsWith('--from='));
      const what = hexOf(await sha256(tar));
      const dest = this.word(ins, ins.args.at(-1)!, this.vars(state));
      return this.commit(state, layer, {
        created,
        created_by: `/bin/sh -c #(nop) ${ins.instruction} ${from ? `${from} ` : ''}file:${what} in ${dest}`,
      });
    }
    throw this.error(ins, `${ins.instruction} is not supported`);
  }

  /**
   * Runs one build container on the state's image and returns its upper dir
   * as a layer tar. The container is removed whatever happens.
   */
  private async inContainer(
    state: State,
    run: { cmd: string[]; env?: string[]; user?: string | undefined; hostExec?: string; stdin?: Uint8Array },
    log: (t: string) => void,
    ins: Instruction,
  ): Promise<Uint8Array> {
    const cfg = state.config.config;
    const c = await this.engine.create({
      image: state.imageId,
      cmd: run.cmd,
      entrypoint: [],
      env: run.env ?? [],
      ...(cfg.WorkingDir && !run.hostExec ? { workdir: cfg.WorkingDir } : {}),
      ...(run.user ? { user: run.user } : {}),
      network: 'none',
      ...(run.hostExec ? { hostExec: run.hostExec, pipeStdin: true } : {}),
    });
    try {
      if (!run.hostExec) log(` ---> Running in ${c.Id.slice(0, 12)}\n`);
      const output: string[] = [];
      const off = this.engine.follow(c.Id, (e) => {
        if (!e.text) return;
        output.push(e.text);
        if (!run.hostExec) log(e.text);
      });
      await this.engine.start(c.Id);
      if (run.stdin) {
        c.input?.write(run.stdin);
        c.input?.closeStdin();
      }
      const code = await this.engine.wait(c.Id);
      off();
      if (code !== 0) {
        if (run.hostExec) throw this.error(ins, `could not unpack the files: ${output.join('').trim()}`);
        throw new BuildError(
          `The command '${run.cmd.join(' ')}' returned a non-zero code: ${code}`,
          ins.line,
          ins.column,
        );
      }
      return await layerDiff(this.engine.guest, containerPaths(c.Id).upper, { clampMtime: state.epoch });
    } finally {
      await this.engine.remove(c.Id, { force: true }).catch(() => {});
    }
  }

  /** Adds the step (and its layer, if any) to the state as a new image. */
  private async commit(state: State, tar: Uint8Array | null, history: HistoryEntry): Promise<StepReport['layer']> {
    let added: StepReport['layer'];
    const config = state.config;
    if (tar) {
      const layer = await layerFromTar(tar);
      await this.engine.images.blobs.put(layer.gzip);
      state.layers.push(layer.descriptor);
      config.rootfs = { type: 'layers', diff_ids: [...config.rootfs.diff_ids, layer.diffId] };
      added = {
        diffId: layer.diffId,
        digest: layer.descriptor.digest,
        size: layer.descriptor.size,
        index: state.layers.length - 1,
      };
    }
    config.created = history.created!;
    config.history = [...(config.history ?? []), history];
    Object.assign(config, PLATFORM);
    const manifestDigest = await this.engine.images.putImage(config, state.layers);
    state.imageId = (await this.engine.images.byManifest(manifestDigest)).id;
    return added;
  }

  /** COPY/ADD: what to put where, and the entries that key the cache. */
  private async copySources(
    ins: Instruction,
    state: State,
    context: BuildContext,
    stages: readonly { name?: string }[],
    results: readonly Image[],
  ): Promise<{ entries: ContextEntry[]; items: CopyItem[] }> {
    if (ins.args.length < 2) throw this.error(ins, `${ins.instruction} requires at least two arguments`);
    const vars = this.vars(state);
    const srcs = ins.args.slice(0, -1).map((a) => this.word(ins, a, vars));
    const rawDest = this.word(ins, ins.args.at(-1)!, vars);
    const from = ins.flags.find((f) => f.startsWith('--from='))?.slice(7);
    const chown = ins.flags.find((f) => f.startsWith('--chown='))?.slice(8);
    const chmod = ins.flags.find((f) => f.startsWith('--chmod='))?.slice(8);
    if (from && ins.instruction === 'ADD') throw this.error(ins, 'ADD has no --from; use COPY --from');
    const workdir = state.config.config.WorkingDir || '/';
    const destIsDir = rawDest.endsWith('/') || rawDest === '.' || rawDest.endsWith('/.');
    const dest = normalizePath(rawDest.startsWith('/') ? rawDest : `${workdir}/${rawDest}`);

    let tree: ImageTree | null = null;
    const imageTree = async () => (tree ??= await ImageTree.of(this.engine.images.blobs, state.layers));
    const owner = chown ? await this.owner(ins, chown, imageTree) : { uid: 0, gid: 0 };
    const mode = chmod ? parseInt(chmod, 8) : undefined;
    if (chmod && (!/^[0-7]{3,4}$/.test(chmod) || Number.isNaN(mode))) throw this.error(ins, `invalid chmod ${chmod}`);

    // Sources: from the context, or from another stage or image (--from).
    type Root = { root: ContextEntry; tree: ContextEntry[] };
    let roots: Root[] = [];
    if (from) {
      const fromImage = await this.fromImage(ins, from, stages, results);
      const t = await ImageTree.of(this.engine.images.blobs, fromImage.manifest.layers);
      for (const s of srcs) {
        const entries = t.under(s);
        const resolved = t.resolve(s);
        const root = entries.find((e) => e.path === resolved) ?? (resolved === '' ? ROOT_ENTRY : undefined);
        if (!root) throw this.error(ins, `failed to compute cache key: "${s}" not found in ${from}`);
        const asContext = (e: (typeof entries)[number]): ContextEntry => ({
          path: e.path,
          type: e.type === 'directory' ? 'directory' : e.type === 'symlink' ? 'symlink' : 'file',
          mode: e.mode,
          ...(e.data
            ? { data: e.data }
            : e.type === 'file' || e.type === 'hardlink'
              ? { data: t.read(e.path) ?? new Uint8Array(0) }
              : {}),
          ...(e.linkname && e.type === 'symlink' ? { linkname: e.linkname } : {}),
          ...(e.mtime ? { mtime: e.mtime } : {}),
        });
        roots.push({
          root: asContext(root as (typeof entries)[number]),
          tree: root.type === 'directory' ? entries.filter((e) => e !== root).map(asContext) : [],
        });
      }
    } else {
      for (const s of srcs) {
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
          throw this.error(
            ins,
            `${s}: this playground has no network, so ADD cannot download; put the file in the build context and COPY it`,
          );
        }
        try {
          roots.push(...context.sources(s));
        } catch (e) {
          if (e instanceof ContextError || e instanceof UnsafeArchiveError) throw this.error(ins, e.message);
          throw e;
        }
      }
    }
    if (roots.length > 1 && !destIsDir) {
      throw this.error(
        ins,
        `When using ${ins.instruction} with more than one source file, the destination must be a directory and end with a /`,
      );
    }

    const items: CopyItem[] = [];
    const meta = (e: ContextEntry) => ({
      mode: mode ?? e.mode,
      ...owner,
      ...(e.mtime ? { mtime: e.mtime } : {}),
    });
    roots = roots.sort((a, b) => (a.root.path < b.root.path ? -1 : 1));
    for (const { root, tree: kids } of roots) {
      if (root.type === 'directory') {
        // A directory's contents go into the destination, not the directory itself.
        for (const e of kids) {
          const rel = root.path ? e.path.slice(root.path.length + 1) : e.path;
          items.push({ dest: `${dest}/${rel}`, type: e.type, ...meta(e), ...body(e) });
        }
        if (!kids.length) items.push({ dest, type: 'directory', mode: 0o755, ...owner });
        continue;
      }
      const base = root.path.slice(root.path.lastIndexOf('/') + 1);
      if (ins.instruction === 'ADD' && root.type === 'file' && root.data && isArchive(root.data)) {
        items.push(...(await this.archiveItems(ins, root.data, dest)));
        continue;
      }
      const into = destIsDir || roots.length > 1 || (await imageTree()).isDirectory(dest);
      items.push({ dest: into ? `${dest}/${base}` : dest, type: root.type, ...meta(root), ...body(root) });
    }
    return { entries: roots.flatMap((r) => [r.root, ...r.tree]), items };
  }

  private async fromImage(
    ins: Instruction,
    from: string,
    stages: readonly { name?: string }[],
    results: readonly Image[],
  ): Promise<Image> {
    const byName = stages.findIndex((s, i) => i < results.length && s.name === from.toLowerCase());
    if (byName >= 0) return results[byName]!;
    if (/^\d+$/.test(from)) {
      const i = Number(from);
      if (i < results.length) return results[i]!;
      throw this.error(ins, `invalid from flag value ${from}: refers to a stage that is not built yet`);
    }
    return this.engine.image(from).catch(() => {
      throw this.error(ins, `invalid from flag value ${from}: no stage or image by that name`);
    });
  }

  /** ADD of a local tar: its entries under the destination, checked first. */
  private async archiveItems(ins: Instruction, data: Uint8Array, dest: string): Promise<CopyItem[]> {
    let parsed;
    let paths: string[];
    try {
      parsed = await unpackTar(ungzip(data));
      paths = checkEntries(parsed.map((p) => p.header));
    } catch (e) {
      if (e instanceof UnsafeArchiveError) throw this.error(ins, e.message);
      throw e;
    }
    const out: CopyItem[] = [];
    for (const [i, { header: h, data: d }] of parsed.entries()) {
      const rel = paths[i]!;
      if (!rel) continue;
      const type =
        h.type === 'directory'
          ? 'directory'
          : h.type === 'symlink'
            ? 'symlink'
            : h.type === 'link'
              ? 'hardlink'
              : 'file';
      out.push({
        dest: `${dest}/${rel}`,
        type,
        mode: h.mode ?? 0o644,
        uid: h.uid ?? 0,
        gid: h.gid ?? 0,
        ...(h.mtime ? { mtime: h.mtime } : {}),
        ...(h.linkname
          ? {
              linkname:
                type === 'hardlink' ? `${dest}/${normalizeEntryPath(h.linkname)}`.replace(/^\/+/, '') : h.linkname,
            }
          : {}),
        ...(d && type === 'file' ? { data: d } : {}),
      });
    }
    return out;
  }

  /** --chown=user[:group], by id or by name from the image's own /etc/passwd and /etc/group. */
  private async owner(
    ins: Instruction,
    spec: string,
    imageTree: () => Promise<ImageTree>,
  ): Promise<{ uid: number; gid: number }> {
    const [user = '', group] = spec.split(':');
    const lookup = async (file: string, name: string): Promise<string[] | undefined> => {
      const text = new TextDecoder().decode((await imageTree()).read(file) ?? new Uint8Array(0));
      return text
        .split('\n')
        .map((l) => l.split(':'))
        .find((f) => f[0] === name);
    };
    let uid: number;
    let gid: number;
    if (/^\d+$/.test(user)) {
      uid = Number(user);
      gid = uid;
    } else {
      const pw = await lookup('/etc/passwd', user);
      if (!pw) throw this.error(ins, `unable to convert uid/gid chown string to host mapping: no such user: ${user}`);
      uid = Number(pw[2]);
      gid = Number(pw[3]);
    }
    if (group !== undefined) {
      if (/^\d+$/.test(group)) gid = Number(group);
      else {
        const gr = await lookup('/etc/group', group);
        if (!gr)
          throw this.error(ins, `unable to convert uid/gid chown string to host mapping: no such group: ${group}`);
        gid = Number(gr[2]);
      }
    }
    return { uid, gid };
  }
}

const ROOT_ENTRY = { path: '', type: 'directory' as const, mode: 0o755, size: 0, uid: 0, gid: 0, layer: -1 };

function body(e: ContextEntry): Pick<CopyItem, 'data' | 'linkname'> {
  return { ...(e.data ? { data: e.data } : {}), ...(e.linkname ? { linkname: e.linkname } : {}) };
}

/** A tar (plain or gzip) that ADD unpacks, as opposed to a file it copies. */
function isArchive(data: Uint8Array): boolean {
  if (isGzip(data)) return true;
  return data.length >= 512 && new TextDecoder().decode(data.subarray(257, 262)) === 'ustar';
}

/** ARG name[=value]; a bare name takes the value it already has, if any. */
function splitArg(arg: string, known: ReadonlyMap<string, string>): [string, string | undefined] {
  const eq = arg.indexOf('=');
  if (eq < 0) return [arg, known.get(arg)];
  return [arg.slice(0, eq), expandWord(arg.slice(eq + 1), known)];
}
