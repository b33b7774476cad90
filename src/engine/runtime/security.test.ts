import { describe, expect, it } from 'vitest';
import { containerPlan, securityArgs } from './containerPlan';
import {
  ALL_CAPABILITIES,
  DEFAULT_CAPABILITIES,
  capabilities,
  capabilityMask,
  parseNamespaceMode,
  parseSecurityOpts,
  securityWarnings,
} from './security';

describe('capabilities, as dockerd computes them', () => {
  it("keeps Docker's 14 by default: CapEff 00000000a80425fb", () => {
    expect(capabilities([], [], false)).toEqual(DEFAULT_CAPABILITIES);
    expect(capabilityMask(DEFAULT_CAPABILITIES)).toBe('00000000a80425fb');
  });

  it('adds and drops, with or without CAP_, in any case', () => {
    const caps = capabilities(['net_admin', 'CAP_SYS_TIME'], ['NET_RAW', 'cap_mknod'], false);
    expect(caps).toContain('CAP_NET_ADMIN');
    expect(caps).toContain('CAP_SYS_TIME');
    expect(caps).not.toContain('CAP_NET_RAW');
    expect(caps).not.toContain('CAP_MKNOD');
    expect(caps).toHaveLength(14);
  });

  it('ALL in cap-drop keeps only the added; ALL in cap-add keeps all but the dropped', () => {
    expect(capabilities(['CHOWN'], ['ALL'], false)).toEqual(['CAP_CHOWN']);
    const most = capabilities(['ALL'], ['SYS_ADMIN'], false);
    expect(most).toHaveLength(ALL_CAPABILITIES.length - 1);
    expect(most).not.toContain('CAP_SYS_ADMIN');
  });

  it('--privileged gets every capability, whatever is dropped', () => {
    expect(capabilities([], ['ALL'], true)).toEqual([...ALL_CAPABILITIES]);
    expect(capabilityMask(capabilities([], [], true))).toBe('000001ffffffffff');
  });

  it('refuses a capability the kernel does not have, naming it', () => {
    expect(() => capabilities(['CAP_FLY'], [], false)).toThrow(/unknown capability: "CAP_FLY"/);
  });
});

describe('security options and namespace modes', () => {
  it('reads seccomp=unconfined and no-new-privileges in both spellings', () => {
    expect(parseSecurityOpts([])).toEqual({ seccomp: 'default', noNewPrivileges: false });
    expect(parseSecurityOpts(['seccomp=unconfined', 'no-new-privileges'])).toEqual({
      seccomp: 'unconfined',
      noNewPrivileges: true,
    });
    expect(parseSecurityOpts(['seccomp:unconfined', 'no-new-privileges=true']).noNewPrivileges).toBe(true);
  });

  it('refuses what it cannot do, as the daemon does', () => {
    expect(() => parseSecurityOpts(['apparmor=foo'])).toThrow(/invalid --security-opt 1: "apparmor=foo"/);
    expect(() => parseSecurityOpts(['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}'])).toThrow(/custom profile/);
  });

  it('reads --ipc and --pid modes', () => {
    expect(parseNamespaceMode('pid', undefined)).toEqual({ kind: 'private' });
    expect(parseNamespaceMode('ipc', 'host')).toEqual({ kind: 'host' });
    expect(parseNamespaceMode('pid', 'container:web')).toEqual({ kind: 'container', ref: 'web' });
    expect(() => parseNamespaceMode('ipc', 'container:')).toThrow(/invalid IPC mode/);
  });
});

describe('the plan carries the security fields to vmctr', () => {
  const base = {
    id: 'a'.repeat(64),
    layers: ['/l1'],
    argv: ['sh'],
    env: [],
    hostname: 'h',
    network: 'none' as const,
    userns: false,
  };
  const start = (spec: Parameters<typeof containerPlan>[0]) => {
    const s = containerPlan(spec).find((x) => x.kind === 'start');
    return s && s.kind === 'start' ? s.argv : [];
  };

  it('passes the capability list, seccomp and no_new_privs, or --privileged alone', () => {
    const sec = {
      capabilities: ['CAP_CHOWN', 'CAP_KILL'],
      seccomp: 'unconfined' as const,
      noNewPrivileges: true,
      privileged: false,
    };
    expect(securityArgs(sec)).toEqual([
      '--caps',
      'CAP_CHOWN,CAP_KILL',
      '--seccomp',
      'unconfined',
      '--no-new-privileges',
    ]);
    expect(securityArgs({ ...sec, privileged: true })).toEqual(['--privileged']);
    expect(securityArgs({ ...sec, capabilities: [] }).slice(0, 2)).toEqual(['--caps', '']);
  });

  it('joins another container namespaces and runs docker-init with --init', () => {
    const argv = start({
      ...base,
      network: { join: '/proc/42/ns/net' },
      ipc: { join: '/proc/42/ns/ipc' },
      pid: 'host',
      init: true,
    });
    expect(argv.join(' ')).toContain('--init --ipc /proc/42/ns/ipc --pidns host --net /proc/42/ns/net -- sh');
    // No network step: the namespace is another container's, already made.
    expect(containerPlan({ ...base, network: { join: '/proc/42/ns/net' } }).some((s) => s.kind === 'network')).toBe(
      false,
    );
  });
});

describe('the create answer', () => {
  it('warns about --privileged only', () => {
    expect(securityWarnings({ Privileged: true })[0]).toMatch(/take over the whole machine/);
    expect(securityWarnings({ Privileged: false, SecurityOpt: ['seccomp=unconfined'] })).toEqual([]);
  });
});
