import { describe, expect, it } from 'vitest';
import { useVm } from './vm';

const KINDS = ['pid', 'mnt', 'uts', 'ipc', 'net'] as const;

describe('namespaces made by the guest kernel', () => {
  const ctx = useVm();

  it('unshare -fpmuin --mount-proc gives a process its own pid, mnt, uts, ipc and net namespaces', async () => {
    const read = KINDS.map((k) => `readlink /proc/self/ns/${k}`).join('; ');
    const host = (await ctx.sh(read)).out.trim().split('\n');
    const inside = await ctx.sh(`unshare -fpmuin --mount-proc sh -c '${read}'`);
    expect(inside.code).toBe(0);
    const lines = inside.out.trim().split('\n');
    expect(lines).toHaveLength(KINDS.length);
    KINDS.forEach((kind, i) => {
      expect(lines[i], kind).toMatch(new RegExp(`^${kind}:\\[\\d+\\]$`));
      expect(lines[i], `${kind} namespace must differ from the host's`).not.toBe(host[i]);
    });
  });

  it('the first process in a new pid namespace is pid 1 there and has a second pid outside (NSpid)', async () => {
    const r = await ctx.sh(
      `unshare -fp --mount-proc sh -c 'echo inner=$$; exec sleep 3' & sleep 0.5
       grep NSpid /proc/$(pidof sleep)/status; kill $(pidof sleep)`,
    );
    expect(r.out).toContain('inner=1');
    // Read from the host's /proc, NSpid lists the pid at each level: host, then container.
    const nspid = /NSpid:\s+(\d+)\s+(\d+)/.exec(r.out);
    expect(nspid?.[2]).toBe('1');
    expect(Number(nspid?.[1])).toBeGreaterThan(1);
  });

  it('a new uts namespace has its own hostname', async () => {
    const r = await ctx.sh(`unshare -u sh -c 'hostname inner; hostname'; hostname`);
    expect(r.out.trim().split('\n')).toEqual(['inner', 'playground']);
  });

  it('unshare -U -r maps the caller to root in a new user namespace', async () => {
    const r = await ctx.sh('unshare -U -r id -u; unshare -U -r cat /proc/self/uid_map');
    const [uid, map] = r.out.trim().split('\n');
    expect(uid).toBe('0');
    expect(map!.trim().split(/\s+/)).toEqual(['0', '0', '1']);
  });

  it('the kernel offers cgroup and time namespaces too', async () => {
    const r = await ctx.sh('readlink /proc/self/ns/cgroup; readlink /proc/self/ns/time');
    expect(r.out).toMatch(/cgroup:\[\d+\]\ntime:\[\d+\]/);
  });
});
