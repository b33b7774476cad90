/**
 * The check vocabulary of lesson exercises: small declarative statements
 * about the machine's real state (a container, its cgroup, its namespaces,
 * its layer, an image and its build cache, an event, the registry), evaluated
 * against the engine and the guest. A failed check returns structured
 * differences — what was compared, the value wanted, the value found — as
 * message keys with values, so the page says them in the student's language.
 */
import type { Engine } from '../engine/engine';
import { runScript, sh } from '../engine/guest';
import { sh as script } from '../engine/shell';
import { ImageTree } from '../engine/images/imageTree';
import type { Image } from '../engine/images/imageStore';
import type { EngineEvent } from '../engine/events';
import { containerPaths } from '../engine/runtime/containerPlan';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES } from '../engine/runtime/security';
import { matches } from './patterns';

export { matches } from './patterns';

/** Text in both languages, written by the lesson's author. */
export type LocalText = { en: string; zh: string };

export type LayerChange = 'copied-up' | 'whiteout' | 'added';

export type Check =
  | {
      container: string;
      state?: 'running' | 'exited' | 'created' | 'absent';
      exitCode?: number;
      oomKilled?: boolean;
      /** cgroup file (one of CGROUP_FILES) → expected content (or /regex/). */
      cgroup?: Record<string, string>;
      /**
       * A namespace kind: shared with the host (`shared`), or the very namespace
       * of another container (`with`).
       */
      namespace?: { kind: NamespaceKind; shared?: boolean; with?: string };
      /** A command run inside it (docker exec) and what it must print. */
      exec?: { argv: string[]; stdout: string };
      /** Attached to this network. */
      network?: string;
      /** Its container layer holds this path as a copy-up, a whiteout, or a new file. */
      layer?: { path: string; change: LayerChange };
      /** It runs this image (the same image id the reference names now). */
      fromImage?: string;
      /** The capabilities its process holds, as the kernel says (CapEff of /proc/<pid>/status). */
      capabilities?: CapabilityGoal;
      /** Whether a seccomp filter confines its process (Seccomp: 2) or none does (0). */
      seccomp?: 'filter' | 'off';
    }
  | {
      image: string;
      exists?: boolean;
      layers?: number;
      file?: { path: string; layer?: number };
      cmd?: string[];
      /** Its first `layers` layers were reused from `image`'s build through the cache, not rebuilt. */
      cachedFrom?: { image: string; layers: number };
      /** One of the instructions that made it (its history's created_by) matches this. */
      history?: string;
    }
  | { event: { Type: string; Action: string; name?: string; attributes?: Record<string, string> } }
  /** A tag in the registry (the name as pushed); with sameAs, it must hold that local image's manifest. */
  | { registry: string; sameAs?: string }
  /** The escape hatch: a guest script. `because` says, in both languages, what differs ({{found}}: its output). */
  | { sh: string; stdout?: string; exitCode?: number; because: LocalText }
  | { all: Check[] }
  | { any: Check[] }
  | { not: Check; because: LocalText };

/**
 * Capabilities named as Docker's flags name them (NET_ADMIN; CAP_NET_ADMIN and
 * net_admin too): `has` are held, `lacks` are not; with `rest: "default"`
 * every other one is as in Docker's default 14 (nothing added, nothing
 * dropped), with `rest: "within-default"` none beyond those 14 (dropping more is fine).
 */
export interface CapabilityGoal {
  has?: string[];
  lacks?: string[];
  rest?: 'default' | 'within-default';
}

export const NAMESPACE_KINDS = ['pid', 'net', 'mnt', 'uts', 'ipc', 'user', 'cgroup', 'time'] as const;
export type NamespaceKind = (typeof NAMESPACE_KINDS)[number];

/** The cgroup v2 files a lesson may ask about: a file name outside this list is refused when the lesson loads. */
export const CGROUP_FILES = [
  'memory.max',
  'memory.high',
  'memory.low',
  'memory.min',
  'memory.current',
  'memory.peak',
  'memory.swap.max',
  'memory.events',
  'memory.stat',
  'cpu.max',
  'cpu.weight',
  'cpu.stat',
  'pids.max',
  'pids.current',
  'pids.peak',
  'pids.events',
  'cgroup.procs',
  'cgroup.events',
  'cgroup.freeze',
] as const;

/** A value shown to the student: literal text (a machine value), or a message key with values. */
export type Shown = string | { key: string; params?: Record<string, string | number> };

/**
 * One difference between the exercise's goal and the machine: what was
 * compared, the value wanted and the value found. An sh or not check says it
 * in the lesson's own words instead (`because`, with {{found}} filled in).
 */
export interface Failure {
  what: Shown;
  want: Shown;
  found: Shown;
  because?: LocalText;
}

export interface CheckResult {
  ok: boolean;
  failures: Failure[];
}

export interface CheckContext {
  engine: Engine;
  /** Events seen since the exercise began (a check for "an OOM kill happened" looks here). */
  events: readonly EngineEvent[];
}

const ok: CheckResult = { ok: true, failures: [] };
const k = (key: string, params?: Record<string, string | number>): Shown => ({ key, ...(params ? { params } : {}) });
const diff = (what: Shown, want: Shown, found: Shown): Failure => ({ what, want, found });
const fail = (...failures: Failure[]): CheckResult => ({ ok: false, failures });
/** Machine output as a found value: one line, not too long. */
const clip = (s: string) => {
  const t = s.trim().replace(/\s*\n\s*/g, ' ⏎ ');
  return t.length > 160 ? `${t.slice(0, 160)}…` : t;
};

export async function evaluate(check: Check, ctx: CheckContext): Promise<CheckResult> {
  if ('all' in check) {
    const failures: Failure[] = [];
    // Two parts of one goal can find the same difference (a missing image): it is said once.
    const said = new Set<string>();
    for (const c of check.all) {
      for (const f of (await evaluate(c, ctx)).failures) {
        const key = JSON.stringify(f);
        if (!said.has(key)) failures.push(f);
        said.add(key);
      }
    }
    return { ok: failures.length === 0, failures };
  }
  if ('any' in check) {
    const results = [];
    for (const c of check.any) results.push(await evaluate(c, ctx));
    return results.some((r) => r.ok) ? ok : { ok: false, failures: results.flatMap((r) => r.failures) };
  }
  if ('not' in check) {
    const inner = await evaluate(check.not, ctx);
    return inner.ok ? fail({ what: k('check.what.not'), want: '', found: '', because: check.because }) : ok;
  }
  if ('container' in check) return containerCheck(check, ctx);
  if ('image' in check) return imageCheck(check, ctx);
  if ('event' in check) return eventCheck(check.event, ctx);
  if ('registry' in check) return registryCheck(check, ctx);
  if ('sh' in check) {
    const r = await sh(ctx.engine.guest, check.sh, { timeoutMs: 15_000 });
    const good =
      (check.exitCode === undefined || r.exitCode === check.exitCode) &&
      (check.stdout === undefined || matches(check.stdout, r.out));
    if (good) return ok;
    // The script is never shown: the lesson's words say what differs, with the script's output as the found value.
    return fail({ what: k('check.what.sh'), want: '', found: clip(r.out || r.err), because: check.because });
  }
  return fail(diff(k('check.what.unknown'), '', ''));
}

function eventCheck(want: Extract<Check, { event: unknown }>['event'], ctx: CheckContext): CheckResult {
  const attrs = Object.entries(want.attributes ?? {});
  const forName = ctx.events.filter(
    (e) => e.Type === want.Type && (!want.name || e.Actor.Attributes['name'] === want.name),
  );
  const seen = forName.some(
    (e) => e.Action === want.Action && attrs.every(([a, v]) => matches(v, e.Actor.Attributes[a] ?? '')),
  );
  if (seen) return ok;
  const label = [want.Action, ...attrs.map(([a, v]) => `${a}=${v}`)].join(' ');
  const others = [
    ...new Set(
      forName.map((e) =>
        [e.Action, ...attrs.map(([a]) => e.Actor.Attributes[a]).filter((v) => v !== undefined)].join(' '),
      ),
    ),
  ];
  return fail(
    diff(
      k('check.what.event', { type: want.Type, name: want.name ?? '' }),
      label,
      others.length ? others.join(', ') : k('check.value.noEvent'),
    ),
  );
}

function stateFound(c: { State: { Status: string; ExitCode: number } }): string {
  return c.State.Status === 'exited' ? `exited (${c.State.ExitCode})` : c.State.Status;
}

async function containerCheck(check: Extract<Check, { container: string }>, ctx: CheckContext): Promise<CheckResult> {
  const name = check.container;
  const what = k('check.what.container', { name });
  const c = ctx.engine.list(true).find((x) => x.Name === name);
  if (!c) {
    return check.state === 'absent'
      ? ok
      : fail(diff(what, check.state ?? k('check.value.exists'), k('check.value.none')));
  }
  if (check.state === 'absent') return fail(diff(what, k('check.value.none'), stateFound(c)));
  const failures: Failure[] = [];
  if (check.state && c.State.Status !== check.state) failures.push(diff(what, check.state, stateFound(c)));
  if (check.exitCode !== undefined && (c.State.Status !== 'exited' || c.State.ExitCode !== check.exitCode)) {
    failures.push(diff(k('check.what.exitCode', { name }), String(check.exitCode), stateFound(c)));
  }
  if (check.oomKilled !== undefined && c.State.OOMKilled !== check.oomKilled) {
    const yesNo = (b: boolean) => k(b ? 'check.value.yes' : 'check.value.no');
    failures.push(diff(k('check.what.oomKilled', { name }), yesNo(check.oomKilled), yesNo(c.State.OOMKilled)));
  }
  if (check.fromImage) {
    const image = await ctx.engine.image(check.fromImage).catch(() => null);
    // What it runs is said even when the wanted image is not here: "runs app:2" explains a failed rollback.
    if (image?.id !== c.Image) {
      const runs = (await ctx.engine.images.list()).find((i) => i.id === c.Image);
      failures.push(diff(k('check.what.runsImage', { name }), check.fromImage, runs?.tags[0] ?? c.Image.slice(7, 19)));
    }
    if (!image)
      failures.push(
        diff(k('check.what.image', { ref: check.fromImage }), k('check.value.exists'), k('check.value.none')),
      );
  }
  const needsRunning =
    (check.cgroup || check.namespace || check.exec || check.layer || check.capabilities || check.seccomp) &&
    !c.State.Running;
  if (needsRunning) {
    if (!check.state) failures.push(diff(what, 'running', stateFound(c)));
    return { ok: false, failures };
  }
  if (check.cgroup) {
    const dir = containerPaths(c.Id).cgroup;
    for (const [file, want] of Object.entries(check.cgroup)) {
      const r = await runScript(ctx.engine.guest, script`cat ${`${dir}/${file}`}`);
      const actual = r.exitCode === 0 ? r.out.trim() : null;
      if (actual === null || !matches(want, actual)) {
        failures.push(diff(k('check.what.cgroup', { name, file }), want, actual ?? k('check.value.noFile')));
      }
    }
  }
  if (check.namespace) failures.push(...(await namespaceDiff(ctx, c.State.Pid, name, check.namespace)));
  if (check.capabilities || check.seccomp) {
    const status = await runScript(ctx.engine.guest, processStatus(c.State.Pid));
    const field = (f: string) => new RegExp(`^${f}:\\s*(\\S+)`, 'm').exec(status.out)?.[1];
    if (check.capabilities) {
      const mask = field('CapEff');
      if (mask === undefined) failures.push(diff(k('check.what.capsExtra', { name }), '', k('check.value.noFile')));
      else failures.push(...capabilityDiff(name, capabilitiesOf(mask), check.capabilities));
    }
    if (check.seccomp) {
      const mode = field('Seccomp') ?? '?';
      const want = check.seccomp === 'filter' ? '2' : '0';
      if (mode !== want) failures.push(diff(k('check.what.seccomp', { name }), seccompMode(want), seccompMode(mode)));
    }
  }
  if (check.exec) {
    const r = await ctx.engine.exec(c.Id, check.exec.argv);
    if (!matches(check.exec.stdout, r.stdout)) {
      failures.push(
        diff(k('check.what.exec', { name, command: check.exec.argv.join(' ') }), check.exec.stdout, clip(r.stdout)),
      );
    }
  }
  if (check.network) {
    const nets = Object.keys(
      (ctx.engine.inspect(c.Id).NetworkSettings as { Networks?: Record<string, unknown> }).Networks ?? {},
    );
    if (!nets.includes(check.network)) {
      failures.push(diff(k('check.what.network', { name }), check.network, nets.join(', ') || k('check.value.none')));
    }
  }
  if (check.layer) {
    const { path, change } = check.layer;
    const kinds = { 0: 'copied-up', 1: 'added', 2: 'whiteout' } as const;
    const entry = (await ctx.engine.changes(c.Id)).find((e) => e.Path === path);
    const found = entry ? kinds[entry.Kind] : null;
    if (found !== change) {
      failures.push(
        diff(
          k('check.what.layer', { name, path }),
          k(`check.value.${change}`),
          found ? k(`check.value.${found}`) : k('check.value.unchanged'),
        ),
      );
    }
  }
  return { ok: failures.length === 0, failures };
}

/** A capability as the kernel numbers it (its bit in CapEff), from a name with or without CAP_, any case; -1 if unknown. */
export function capabilityBit(name: string): number {
  const up = name.trim().toUpperCase();
  return (ALL_CAPABILITIES as readonly string[]).indexOf(up.startsWith('CAP_') ? up : `CAP_${up}`);
}

const bare = (cap: string) => cap.replace(/^CAP_/, '');

/** The capabilities a CapEff mask (hex, as /proc/<pid>/status shows it) holds, by name without CAP_, in bit order. */
export function capabilitiesOf(mask: string): string[] {
  const bits = BigInt(`0x${mask}`);
  return ALL_CAPABILITIES.filter((_, i) => (bits >> BigInt(i)) & 1n).map(bare);
}

/** A list of capabilities as a found value: the first few, and how many in all. */
const capList = (caps: string[]) =>
  caps.length > 6 ? `${caps.slice(0, 6).join(', ')}, … (${caps.length})` : caps.join(', ');

/** What differs between the capabilities a container's process holds and the goal. */
export function capabilityDiff(name: string, held: readonly string[], want: CapabilityGoal): Failure[] {
  const holds = new Set(held.map((c) => bare(c.toUpperCase())));
  const norm = (list?: string[]) => (list ?? []).map((c) => bare(c.trim().toUpperCase()));
  const has = norm(want.has);
  const lacks = norm(want.lacks);
  const out: Failure[] = [];
  const what = (cap: string) => k('check.what.capability', { name, cap });
  for (const cap of has)
    if (!holds.has(cap)) out.push(diff(what(cap), k('check.value.held'), k('check.value.notHeld')));
  for (const cap of lacks)
    if (holds.has(cap)) out.push(diff(what(cap), k('check.value.notHeld'), k('check.value.held')));
  if (want.rest) {
    const named = new Set([...has, ...lacks]);
    const defaults = new Set(DEFAULT_CAPABILITIES.map(bare));
    const order = (caps: Set<string>) => ALL_CAPABILITIES.map(bare).filter((c) => caps.has(c) && !named.has(c));
    const extra = order(new Set([...holds].filter((c) => !defaults.has(c))));
    const missing = order(new Set([...defaults].filter((c) => !holds.has(c))));
    if (extra.length) out.push(diff(k('check.what.capsExtra', { name }), k('check.value.none'), capList(extra)));
    if (missing.length && want.rest === 'default')
      out.push(diff(k('check.what.capsMissing', { name }), k('check.value.none'), capList(missing)));
  }
  return out;
}

/**
 * /proc/<pid>/status of a container's first process once it runs the
 * container's command. vmctr reports the pid as soon as it has cloned the
 * process, which then still sets itself up (mounts, capabilities, the seccomp
 * filter) as the runtime's own code, `vmctr run …`, before it execs: read then,
 * it would show the runtime's privileges, not the container's. Waits up to 5 s.
 */
function processStatus(pid: number) {
  const proc = `/proc/${pid}`;
  return script`i=0; while [ $i -lt 50 ] && tr '\\0' ' ' < ${`${proc}/cmdline`} | grep -q '^vmctr run '; do sleep 0.1; i=$((i + 1)); done; cat ${`${proc}/status`}`;
}

/** The kernel's seccomp mode of a process (0, 1, 2), in words. */
function seccompMode(mode: string): Shown {
  if (mode === '0') return k('check.value.seccompOff');
  if (mode === '1') return k('check.value.seccompStrict');
  if (mode === '2') return k('check.value.seccompFilter');
  return k('check.value.noFile');
}

async function namespaceDiff(
  ctx: CheckContext,
  pid: number,
  name: string,
  want: { kind: NamespaceKind; shared?: boolean; with?: string },
): Promise<Failure[]> {
  const what = k('check.what.namespace', { name, kind: want.kind });
  const link = async (p: number) =>
    (await runScript(ctx.engine.guest, script`readlink ${`/proc/${p}/ns/${want.kind}`}`)).out.trim() || '?';
  const mine = await link(pid);
  const host = await link(1);
  const out: Failure[] = [];
  const whose = (inode: string, others: Record<string, string>) => {
    const owner = Object.entries(others).find(([, v]) => v === inode)?.[0];
    return owner ? k('check.value.nsOf', { owner, inode }) : k('check.value.nsOwn', { inode });
  };
  if (want.shared !== undefined && (mine === host) !== want.shared) {
    out.push(diff(what, k(want.shared ? 'check.value.nsHost' : 'check.value.nsOwnAny'), whose(mine, { host })));
  }
  if (want.with) {
    const other = ctx.engine.list(true).find((x) => x.Name === want.with);
    if (!other?.State.Running) {
      out.push(
        diff(
          k('check.what.container', { name: want.with }),
          'running',
          other ? stateFound(other) : k('check.value.none'),
        ),
      );
    } else {
      const theirs = await link(other.State.Pid);
      if (theirs !== mine)
        out.push(diff(what, k('check.value.nsOf', { owner: want.with, inode: theirs }), whose(mine, { host })));
    }
  }
  return out;
}

async function registryCheck(check: Extract<Check, { registry: string }>, ctx: CheckContext): Promise<CheckResult> {
  const ref = check.registry;
  const what = k('check.what.registry', { ref });
  const digest = await ctx.engine.distribution.registryDigest(ref).catch(() => null);
  if (!digest) return fail(diff(what, k('check.value.pushed'), k('check.value.none')));
  if (check.sameAs) {
    const local = await ctx.engine.image(check.sameAs).catch(() => null);
    if (!local)
      return fail(diff(k('check.what.image', { ref: check.sameAs }), k('check.value.exists'), k('check.value.none')));
    if (local.manifestDigest !== digest) {
      return fail(
        diff(
          what,
          k('check.value.manifestOf', { ref: check.sameAs, digest: local.manifestDigest.slice(7, 19) }),
          digest.slice(7, 19),
        ),
      );
    }
  }
  return ok;
}

/**
 * How many of b's first layers came from a's build through the cache: their
 * history entries are the very same (same instruction, same creation time —
 * a rebuild, even of identical files, gets a new time) and so are the layers.
 */
export function layersFromCache(a: Image, b: Image): number {
  const ha = a.config.history ?? [];
  const hb = b.config.history ?? [];
  let layers = 0;
  for (let i = 0; i < Math.min(ha.length, hb.length); i++) {
    const [x, y] = [ha[i]!, hb[i]!];
    if (x.created_by !== y.created_by || x.created !== y.created || !!x.empty_layer !== !!y.empty_layer) break;
    if (!x.empty_layer) {
      if (a.manifest.layers[layers]?.digest !== b.manifest.layers[layers]?.digest) break;
      layers++;
    }
  }
  return layers;
}

async function imageCheck(check: Extract<Check, { image: string }>, ctx: CheckContext): Promise<CheckResult> {
  const ref = check.image;
  const what = k('check.what.image', { ref });
  const image = await ctx.engine.image(ref).catch(() => null);
  if (!image) return check.exists === false ? ok : fail(diff(what, k('check.value.exists'), k('check.value.none')));
  if (check.exists === false) return fail(diff(what, k('check.value.none'), k('check.value.exists')));
  const failures: Failure[] = [];
  if (check.layers !== undefined && image.manifest.layers.length !== check.layers) {
    failures.push(diff(k('check.what.layers', { ref }), String(check.layers), String(image.manifest.layers.length)));
  }
  if (check.cmd && JSON.stringify(image.config.config.Cmd ?? []) !== JSON.stringify(check.cmd)) {
    failures.push(
      diff(k('check.what.cmd', { ref }), JSON.stringify(check.cmd), JSON.stringify(image.config.config.Cmd ?? [])),
    );
  }
  if (check.file) {
    const tree = await ImageTree.of(ctx.engine.images.blobs, image.manifest.layers);
    const entry = tree.get(check.file.path);
    const where = k('check.what.imageFile', { ref, path: check.file.path });
    const layerOf = (n: number) => k('check.value.inLayer', { n });
    if (!entry) {
      failures.push(
        diff(
          where,
          check.file.layer !== undefined ? layerOf(check.file.layer) : k('check.value.exists'),
          k('check.value.none'),
        ),
      );
    } else if (check.file.layer !== undefined && entry.layer !== check.file.layer) {
      failures.push(diff(where, layerOf(check.file.layer), layerOf(entry.layer)));
    }
  }
  if (check.history) {
    const steps = (image.config.history ?? []).map((h) => h.created_by ?? '');
    if (!steps.some((s) => matches(check.history!, s))) {
      failures.push(diff(k('check.what.history', { ref }), check.history, clip(steps.slice(-2).join(' ; '))));
    }
  }
  if (check.cachedFrom) {
    const from = await ctx.engine.image(check.cachedFrom.image).catch(() => null);
    if (!from) {
      failures.push(
        diff(k('check.what.image', { ref: check.cachedFrom.image }), k('check.value.exists'), k('check.value.none')),
      );
    } else {
      const n = from.id === image.id ? 0 : layersFromCache(from, image);
      if (from.id === image.id) {
        failures.push(
          diff(
            k('check.what.sameImage', { ref, other: check.cachedFrom.image }),
            k('check.value.rebuilt'),
            k('check.value.sameId'),
          ),
        );
      } else if (n < check.cachedFrom.layers) {
        failures.push(
          diff(
            k('check.what.cachedFrom', { ref, other: check.cachedFrom.image }),
            `≥ ${check.cachedFrom.layers}`,
            String(n),
          ),
        );
      }
    }
  }
  return { ok: failures.length === 0, failures };
}
