/**
 * The check vocabulary of lesson exercises: small declarative statements
 * about the machine's real state (a container, its cgroup, its namespaces,
 * an image and its layers, an event, a command's output), evaluated against
 * the engine and the guest. A failed check says what is missing, as message
 * keys with values, so the page can say it in either language.
 */
import type { Engine } from '../engine/engine';
import { runScript, sh } from '../engine/guest';
import { sh as script } from '../engine/shell';
import { ImageTree } from '../engine/images/imageTree';
import type { EngineEvent } from '../engine/events';

export type Check =
  | {
      container: string;
      state?: 'running' | 'exited' | 'created' | 'absent';
      exitCode?: number;
      oomKilled?: boolean;
      /** cgroup file → expected content (or /regex/). */
      cgroup?: Record<string, string>;
      /** A namespace kind and whether the container should share it with the host. */
      namespace?: { kind: NamespaceKind; shared: boolean };
      /** A command run inside it (docker exec) and what it must print. */
      exec?: { argv: string[]; stdout: string };
    }
  | { image: string; exists?: boolean; layers?: number; file?: { path: string; layer?: number }; cmd?: string[] }
  | { event: { Type: string; Action: string; name?: string } }
  /** A tag in the registry (the name as pushed); with sameAs, it must hold that local image's manifest. */
  | { registry: string; sameAs?: string }
  | { sh: string; stdout?: string; exitCode?: number }
  | { all: Check[] }
  | { any: Check[] }
  | { not: Check; because: Failure };

export type NamespaceKind = 'pid' | 'net' | 'mnt' | 'uts' | 'ipc' | 'user' | 'cgroup';

/** What is missing: a message key (check.*) and its values. */
export interface Failure {
  key: string;
  params?: Record<string, string | number>;
}

export interface CheckResult {
  ok: boolean;
  failures: Failure[];
}

export interface CheckContext {
  engine: Engine;
  /** Events seen since the exercise started (a check for "an OOM kill happened" looks here). */
  events: readonly EngineEvent[];
}

/** Output is trimmed; a pattern written /like this/ is a regular expression, anything else must match exactly. */
export function matches(pattern: string, actual: string): boolean {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  if (m) return new RegExp(m[1]!, m[2]).test(actual.trim());
  return actual.trim() === pattern.trim();
}

const ok: CheckResult = { ok: true, failures: [] };
const fail = (key: string, params?: Failure['params']): CheckResult => ({
  ok: false,
  failures: [{ key, ...(params ? { params } : {}) }],
});

export async function evaluate(check: Check, ctx: CheckContext): Promise<CheckResult> {
  if ('all' in check) {
    const results = [];
    for (const c of check.all) results.push(await evaluate(c, ctx));
    const failures = results.flatMap((r) => r.failures);
    return { ok: failures.length === 0, failures };
  }
  if ('any' in check) {
    const results = [];
    for (const c of check.any) results.push(await evaluate(c, ctx));
    return results.some((r) => r.ok) ? ok : { ok: false, failures: results.flatMap((r) => r.failures) };
  }
  if ('not' in check) {
    return (await evaluate(check.not, ctx)).ok ? { ok: false, failures: [check.because] } : ok;
  }
  if ('container' in check) return containerCheck(check, ctx);
  if ('image' in check) return imageCheck(check, ctx);
  if ('event' in check) {
    const want = check.event;
    const seen = ctx.events.some(
      (e) =>
        e.Type === want.Type && e.Action === want.Action && (!want.name || e.Actor.Attributes['name'] === want.name),
    );
    return seen ? ok : fail('check.eventMissing', { type: want.Type, action: want.Action, name: want.name ?? '' });
  }
  if ('registry' in check) return registryCheck(check, ctx);
  if ('sh' in check) {
    const r = await sh(ctx.engine.guest, check.sh, { timeoutMs: 15_000 });
    if (check.exitCode !== undefined && r.exitCode !== check.exitCode) {
      return fail('check.shExit', { script: check.sh, expected: check.exitCode, actual: r.exitCode });
    }
    if (check.stdout !== undefined && !matches(check.stdout, r.out)) {
      return fail('check.shOutput', { script: check.sh, expected: check.stdout, actual: r.out.trim().slice(0, 200) });
    }
    return ok;
  }
  return fail('check.unknown');
}

async function containerCheck(check: Extract<Check, { container: string }>, ctx: CheckContext): Promise<CheckResult> {
  const name = check.container;
  const c = ctx.engine.list(true).find((x) => x.Name === name);
  if (!c) {
    return check.state === 'absent' ? ok : fail('check.containerMissing', { name });
  }
  if (check.state === 'absent') return fail('check.containerPresent', { name });
  const failures: Failure[] = [];
  if (check.state && c.State.Status !== check.state) {
    failures.push({
      key: 'check.containerState',
      params: { name, expected: check.state, actual: c.State.Status, exitCode: c.State.ExitCode },
    });
  }
  if (check.exitCode !== undefined && (c.State.Status !== 'exited' || c.State.ExitCode !== check.exitCode)) {
    failures.push({
      key: 'check.exitCode',
      params: {
        name,
        expected: check.exitCode,
        actual: c.State.Status === 'exited' ? c.State.ExitCode : c.State.Status,
      },
    });
  }
  if (check.oomKilled !== undefined && c.State.OOMKilled !== check.oomKilled) {
    failures.push({ key: check.oomKilled ? 'check.notOomKilled' : 'check.oomKilled', params: { name } });
  }
  if (check.cgroup) {
    if (!c.State.Running) failures.push({ key: 'check.notRunningForCgroup', params: { name } });
    else {
      for (const [file, want] of Object.entries(check.cgroup)) {
        const r = await runScript(ctx.engine.guest, script`cat /sys/fs/cgroup/docker/${c.Id}/${file}`);
        const actual = r.exitCode === 0 ? r.out.trim() : '(missing)';
        if (!matches(want, actual))
          failures.push({ key: 'check.cgroupValue', params: { name, file, expected: want, actual } });
      }
    }
  }
  if (check.namespace) {
    if (!c.State.Running) failures.push({ key: 'check.notRunningForNamespace', params: { name } });
    else {
      const kind = check.namespace.kind;
      const r = await runScript(
        ctx.engine.guest,
        script`readlink /proc/1/ns/${kind}; readlink /proc/${c.State.Pid}/ns/${kind}`,
      );
      const [host, mine] = r.out.trim().split('\n');
      const shared = !!host && host === mine;
      if (shared !== check.namespace.shared) {
        failures.push({
          key: check.namespace.shared ? 'check.namespaceOwn' : 'check.namespaceShared',
          params: { name, kind, inode: mine ?? '?' },
        });
      }
    }
  }
  if (check.exec) {
    if (!c.State.Running) failures.push({ key: 'check.notRunningForExec', params: { name } });
    else {
      const r = await ctx.engine.exec(c.Id, check.exec.argv);
      if (!matches(check.exec.stdout, r.stdout)) {
        failures.push({
          key: 'check.execOutput',
          params: { name, command: check.exec.argv.join(' '), expected: check.exec.stdout, actual: r.stdout.trim() },
        });
      }
    }
  }
  return { ok: failures.length === 0, failures };
}

async function registryCheck(check: Extract<Check, { registry: string }>, ctx: CheckContext): Promise<CheckResult> {
  const ref = check.registry;
  const digest = await ctx.engine.distribution.registryDigest(ref).catch(() => null);
  if (!digest) return fail('check.registryMissing', { ref });
  if (check.sameAs) {
    const local = await ctx.engine.image(check.sameAs).catch(() => null);
    if (!local) return fail('check.imageMissing', { ref: check.sameAs });
    if (local.manifestDigest !== digest) {
      return fail('check.registryDiffers', { ref, local: check.sameAs, digest: digest.slice(7, 19) });
    }
  }
  return ok;
}

async function imageCheck(check: Extract<Check, { image: string }>, ctx: CheckContext): Promise<CheckResult> {
  const ref = check.image;
  const image = await ctx.engine.image(ref).catch(() => null);
  if (!image) return check.exists === false ? ok : fail('check.imageMissing', { ref });
  if (check.exists === false) return fail('check.imagePresent', { ref });
  const failures: Failure[] = [];
  if (check.layers !== undefined && image.manifest.layers.length !== check.layers) {
    failures.push({
      key: 'check.imageLayers',
      params: { ref, expected: check.layers, actual: image.manifest.layers.length },
    });
  }
  if (check.cmd && JSON.stringify(image.config.config.Cmd ?? []) !== JSON.stringify(check.cmd)) {
    failures.push({
      key: 'check.imageCmd',
      params: { ref, expected: JSON.stringify(check.cmd), actual: JSON.stringify(image.config.config.Cmd ?? []) },
    });
  }
  if (check.file) {
    const tree = await ImageTree.of(ctx.engine.images.blobs, image.manifest.layers);
    const entry = tree.get(check.file.path);
    if (!entry) failures.push({ key: 'check.imageFileMissing', params: { ref, path: check.file.path } });
    else if (check.file.layer !== undefined && entry.layer !== check.file.layer) {
      failures.push({
        key: 'check.imageFileLayer',
        params: { ref, path: check.file.path, expected: check.file.layer, actual: entry.layer },
      });
    }
  }
  return { ok: failures.length === 0, failures };
}
