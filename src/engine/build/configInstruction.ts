/**
 * The instructions that only change an image's config (CMD, ENV, LABEL, …),
 * applied as Docker's builder applies them. `docker commit --change` uses the
 * same code, as Docker's does.
 */
import type { ImageConfig } from '../images/oci';
import type { Instruction } from './dockerfile';
import { expandWord, expandWords } from './shellWord';

export type RunConfig = ImageConfig['config'];

export const DEFAULT_SHELL = ['/bin/sh', '-c'];

export const CONFIG_INSTRUCTIONS = new Set([
  'CMD',
  'ENTRYPOINT',
  'ENV',
  'LABEL',
  'EXPOSE',
  'USER',
  'WORKDIR',
  'VOLUME',
  'STOPSIGNAL',
  'SHELL',
  'HEALTHCHECK',
  'ONBUILD',
  'MAINTAINER',
]);

export class InstructionError extends Error {
  constructor(
    readonly instruction: Instruction,
    message: string,
  ) {
    super(message);
    this.name = 'InstructionError';
  }
}

/** A shell-form command as Docker runs it: through the image's SHELL (default /bin/sh -c). */
export function withShell(config: RunConfig, ins: Instruction): string[] {
  return ins.json ? ins.args : [...(config.Shell ?? DEFAULT_SHELL), ins.args[0] ?? ''];
}

/** Docker's duration syntax for HEALTHCHECK flags (30s, 1m30s, 500ms), in nanoseconds. */
export function parseDuration(text: string): number {
  const units: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  let rest = text;
  if (!rest) throw new Error(`time: invalid duration "${text}"`);
  while (rest) {
    const m = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/.exec(rest);
    if (!m) throw new Error(`time: invalid duration "${text}"`);
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return Math.round(total);
}

function flagValue(ins: Instruction, name: string): string | undefined {
  const f = ins.flags.find((x) => x.startsWith(`--${name}=`));
  return f?.slice(name.length + 3);
}

/**
 * Applies one config instruction to `config` (changed in place).
 * `env` holds the variables for word expansion (ENV so far and ARG values);
 * ENV adds its own to it, for the instructions after it.
 */
export function applyConfigInstruction(
  config: RunConfig,
  ins: Instruction,
  env: Map<string, string>,
  escape = '\\',
): void {
  const word = (w: string) => expandWord(w, env, escape);
  const words = (w: string) => expandWords(w, env, { escape, split: true });
  switch (ins.instruction) {
    case 'CMD':
      config.Cmd = withShell(config, ins);
      return;
    case 'ENTRYPOINT':
      // Docker: a new ENTRYPOINT resets the CMD inherited from the base image.
      config.Entrypoint = ins.json || ins.args[0] ? withShell(config, ins) : undefined;
      return;
    case 'ENV': {
      const list = [...(config.Env ?? [])];
      for (let i = 0; i + 1 < ins.args.length; i += 2) {
        const key = ins.args[i]!;
        const value = word(ins.args[i + 1]!);
        const at = list.findIndex((e) => e.slice(0, e.indexOf('=')) === key);
        if (at >= 0) list[at] = `${key}=${value}`;
        else list.push(`${key}=${value}`);
        env.set(key, value);
      }
      config.Env = list;
      return;
    }
    case 'LABEL': {
      const labels = { ...(config.Labels ?? {}) };
      for (let i = 0; i + 1 < ins.args.length; i += 2) labels[word(ins.args[i]!)] = word(ins.args[i + 1]!);
      config.Labels = labels;
      return;
    }
    case 'MAINTAINER': {
      config.Labels = { ...(config.Labels ?? {}), maintainer: word(ins.args[0] ?? '') };
      return;
    }
    case 'EXPOSE': {
      const ports = { ...(config.ExposedPorts ?? {}) };
      for (const p of ins.args.flatMap(words)) {
        const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(p);
        if (!m) throw new InstructionError(ins, `invalid containerPort: ${p}`);
        const from = Number(m[1]);
        const to = Number(m[2] ?? m[1]);
        for (let n = from; n <= to; n++) ports[`${n}/${(m[3] ?? 'tcp').toLowerCase()}`] = {};
      }
      config.ExposedPorts = ports;
      return;
    }
    case 'USER':
      config.User = word(ins.args[0] ?? '');
      return;
    case 'WORKDIR': {
      const dir = word(ins.args[0] ?? '');
      const base = config.WorkingDir || '/';
      config.WorkingDir = normalizePath(dir.startsWith('/') ? dir : `${base}/${dir}`);
      return;
    }
    case 'VOLUME': {
      const volumes = { ...(config.Volumes ?? {}) };
      for (const v of ins.json ? ins.args.map(word) : ins.args.flatMap(words)) {
        if (!v) throw new InstructionError(ins, 'VOLUME specified can not be an empty string');
        volumes[v] = {};
      }
      config.Volumes = volumes;
      return;
    }
    case 'STOPSIGNAL': {
      const sig = word(ins.args[0] ?? '');
      if (!/^(SIG)?[A-Z0-9]+$|^\d+$/.test(sig)) throw new InstructionError(ins, `invalid signal: ${sig}`);
      config.StopSignal = sig;
      return;
    }
    case 'SHELL':
      if (!ins.json) throw new InstructionError(ins, 'SHELL requires the arguments to be in JSON form');
      config.Shell = ins.args;
      return;
    case 'HEALTHCHECK': {
      if (ins.args[0] === 'NONE') {
        config.Healthcheck = { Test: ['NONE'] };
        return;
      }
      const test = ins.json ? ['CMD', ...ins.args.slice(1)] : ['CMD-SHELL', ins.args[1] ?? ''];
      const hc: NonNullable<RunConfig['Healthcheck']> = { Test: test };
      const dur = (name: string) => {
        const v = flagValue(ins, name);
        if (v === undefined) return undefined;
        try {
          return parseDuration(v);
        } catch (e) {
          throw new InstructionError(ins, (e as Error).message);
        }
      };
      const interval = dur('interval');
      const timeout = dur('timeout');
      const start = dur('start-period');
      const retries = flagValue(ins, 'retries');
      if (interval !== undefined) hc.Interval = interval;
      if (timeout !== undefined) hc.Timeout = timeout;
      if (start !== undefined) hc.StartPeriod = start;
      if (retries !== undefined) hc.Retries = Number(retries);
      config.Healthcheck = hc;
      return;
    }
    case 'ONBUILD': {
      const trigger = ins.trigger;
      if (!trigger) throw new InstructionError(ins, 'ONBUILD needs an instruction to run later');
      if (['ONBUILD', 'FROM', 'MAINTAINER'].includes(trigger.instruction)) {
        throw new InstructionError(ins, `${trigger.instruction} isn't allowed as an ONBUILD trigger`);
      }
      config.OnBuild = [...(config.OnBuild ?? []), trigger.original];
      return;
    }
    default:
      throw new InstructionError(ins, `${ins.instruction} does not change the image's config`);
  }
}

export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (!part || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}
