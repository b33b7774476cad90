/**
 * What a container may do, decided as dockerd decides it (moby's oci/caps and
 * the daemon's security options), before vmctr applies it as runc would:
 * the capability list, the seccomp profile, no_new_privs, --privileged, and
 * which namespaces are shared with the host or another container.
 */
import { invalidParameter } from '../engineError';
import type { ContainerSecurity } from './containerPlan';

/** Every capability the guest kernel (Linux 6.1) knows, by bit number. */
export const ALL_CAPABILITIES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
] as const;

/** The 14 Docker keeps by default (CapEff 00000000a80425fb). */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** "net_admin", "NET_ADMIN" and "CAP_NET_ADMIN" are one capability; ALL stays ALL. */
export function normalizeCapabilities(list: readonly string[]): string[] {
  return list.map((raw) => {
    const up = raw.trim().toUpperCase();
    if (up === 'ALL') return 'ALL';
    const name = up.startsWith('CAP_') ? up : `CAP_${up}`;
    if (!(ALL_CAPABILITIES as readonly string[]).includes(name)) {
      throw invalidParameter(`invalid CapAdd/CapDrop: unknown capability: "${raw}"`);
    }
    return name;
  });
}

/**
 * The container's capability list from --cap-add, --cap-drop and --privileged,
 * by Docker's rules: privileged gets all; ALL in cap-add means all but the
 * dropped; ALL in cap-drop means only the added; otherwise the defaults less
 * the dropped plus the added.
 */
export function capabilities(add: readonly string[], drop: readonly string[], privileged: boolean): string[] {
  if (privileged) return [...ALL_CAPABILITIES];
  const adds = normalizeCapabilities(add);
  const drops = normalizeCapabilities(drop);
  let caps: string[];
  if (adds.includes('ALL')) caps = ALL_CAPABILITIES.filter((c) => !drops.includes(c));
  else if (drops.includes('ALL')) caps = adds;
  else caps = [...DEFAULT_CAPABILITIES.filter((c) => !drops.includes(c)), ...adds];
  return [...new Set(caps.filter((c) => c !== 'ALL'))];
}

/** The bit mask /proc/<pid>/status shows for a list (CapEff), as 16 hex digits. */
export function capabilityMask(caps: readonly string[]): string {
  let mask = 0n;
  for (const c of caps) {
    const bit = (ALL_CAPABILITIES as readonly string[]).indexOf(c);
    if (bit >= 0) mask |= 1n << BigInt(bit);
  }
  return mask.toString(16).padStart(16, '0');
}

export interface SecurityOptions {
  /** Docker's default profile, or none (seccomp=unconfined). */
  seccomp: 'default' | 'unconfined';
  noNewPrivileges: boolean;
}

/** --security-opt values, as the daemon reads them (key=value or key:value). */
export function parseSecurityOpts(opts: readonly string[]): SecurityOptions {
  const out: SecurityOptions = { seccomp: 'default', noNewPrivileges: false };
  opts.forEach((opt, i) => {
    if (opt === 'no-new-privileges') {
      out.noNewPrivileges = true;
      return;
    }
    const sep = opt.search(/[=:]/);
    const key = sep < 0 ? opt : opt.slice(0, sep);
    const value = sep < 0 ? '' : opt.slice(sep + 1);
    if (key === 'no-new-privileges' && (value === 'true' || value === 'false')) {
      out.noNewPrivileges = value === 'true';
    } else if (key === 'seccomp' && (value === 'unconfined' || value === 'builtin')) {
      out.seccomp = value === 'unconfined' ? 'unconfined' : 'default';
    } else if (key === 'seccomp') {
      throw invalidParameter(
        'only seccomp=unconfined and the default profile are available here (no custom profile files)',
      );
    } else {
      throw invalidParameter(`invalid --security-opt ${i + 1}: "${opt}"`);
    }
  });
  return out;
}

/** --network/--ipc/--pid as Docker reads them: a namespace of its own, the host's, or another container's. */
export type NamespaceMode = { kind: 'private' } | { kind: 'host' } | { kind: 'container'; ref: string };

export function parseNamespaceMode(flag: 'ipc' | 'pid', mode: string | undefined): NamespaceMode {
  if (!mode || mode === 'private' || mode === 'shareable') return { kind: 'private' };
  if (mode === 'host') return { kind: 'host' };
  if (mode.startsWith('container:') && mode.length > 'container:'.length) {
    return { kind: 'container', ref: mode.slice('container:'.length) };
  }
  throw invalidParameter(`invalid ${flag.toUpperCase()} mode: ${mode}`);
}

/** The container a `--network container:<name|id>` joins, or null for any other mode. */
export function networkContainer(mode: string): string | null {
  return mode.startsWith('container:') && mode.length > 'container:'.length ? mode.slice('container:'.length) : null;
}

/** The HostConfig fields of docker inspect that say what the container may do and what it shares. */
export interface SecurityHostConfig {
  CapAdd: string[] | null;
  CapDrop: string[] | null;
  Privileged: boolean;
  SecurityOpt: string[] | null;
  /** --init; null when not asked, as Docker's *bool. */
  Init: boolean | null;
  /** private (Docker's default), host or container:<name|id> */
  IpcMode: string;
  /** "" (its own), host or container:<name|id> */
  PidMode: string;
}

/** What docker create was asked for (the create body's HostConfig). */
export interface SecurityRequest {
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  securityOpt?: string[];
  init?: boolean;
  ipcMode?: string;
  pidMode?: string;
}

/** Validated as dockerd does at create: a bad name or option is refused before anything is made. */
export function securityHostConfig(r: SecurityRequest): SecurityHostConfig {
  const hc: SecurityHostConfig = {
    CapAdd: r.capAdd?.length ? [...r.capAdd] : null,
    CapDrop: r.capDrop?.length ? [...r.capDrop] : null,
    Privileged: r.privileged ?? false,
    SecurityOpt: r.securityOpt?.length ? [...r.securityOpt] : null,
    Init: r.init ?? null,
    IpcMode: r.ipcMode || 'private',
    PidMode: r.pidMode ?? '',
  };
  capabilities(hc.CapAdd ?? [], hc.CapDrop ?? [], hc.Privileged);
  parseSecurityOpts(hc.SecurityOpt ?? []);
  parseNamespaceMode('ipc', hc.IpcMode);
  parseNamespaceMode('pid', hc.PidMode || undefined);
  return hc;
}

/** A record from before these fields existed reads as Docker's defaults. */
export function securityOf(hc: Partial<SecurityHostConfig>): ContainerSecurity {
  const opts = parseSecurityOpts(hc.SecurityOpt ?? []);
  const privileged = hc.Privileged ?? false;
  return {
    capabilities: capabilities(hc.CapAdd ?? [], hc.CapDrop ?? [], privileged),
    seccomp: privileged ? 'unconfined' : opts.seccomp,
    noNewPrivileges: opts.noNewPrivileges,
    privileged,
  };
}

/** The containers whose namespaces this one joins: net, ipc and pid, by the name or id given. */
export function joinedContainers(hc: Partial<SecurityHostConfig> & { NetworkMode: string }): {
  kind: 'net' | 'ipc' | 'pid';
  ref: string;
}[] {
  const out: { kind: 'net' | 'ipc' | 'pid'; ref: string }[] = [];
  const net = networkContainer(hc.NetworkMode);
  if (net) out.push({ kind: 'net', ref: net });
  const ipc = parseNamespaceMode('ipc', hc.IpcMode);
  if (ipc.kind === 'container') out.push({ kind: 'ipc', ref: ipc.ref });
  const pid = parseNamespaceMode('pid', hc.PidMode || undefined);
  if (pid.kind === 'container') out.push({ kind: 'pid', ref: pid.ref });
  return out;
}

/** Docker's words when the container to join is not running. */
export function notRunningMessage(kind: 'net' | 'ipc' | 'pid', ref: string): string {
  const what = kind === 'net' ? 'network' : kind === 'ipc' ? 'IPC' : 'PID';
  return `cannot join ${what} of a non running container: ${ref}`;
}

/**
 * What the daemon warns about in its create answer (the CLI prints each as "WARNING: …"). Docker itself
 * says nothing for --privileged; here a student is told what the flag gives away.
 */
export function securityWarnings(hc: Partial<SecurityHostConfig>): string[] {
  const out: string[] = [];
  if (hc.Privileged) {
    out.push(
      'the container is privileged: every capability, every device of the machine, no seccomp filter and nothing masked; ' +
        'a process in it can take over the whole machine, not only the container',
    );
  }
  return out;
}
