import { describe, expect, it } from 'vitest';
import { useEngine, useVm } from './vm';

/**
 * What a container may not do (issue 16), on the real guest kernel: Docker's
 * capabilities, its seccomp profile, masked and read-only paths, shared
 * namespaces and --init. vmprobe (a vmtools applet, bind-mounted in) makes one
 * system call and prints what the kernel answered.
 */
const PROBE = '-v /sbin/vmtools:/usr/bin/vmprobe:ro';

describe('what a Docker container may not do', () => {
  const ctx = useVm();
  useEngine(ctx);
  const run = (flags: string, cmd: string) => ctx.sh(`docker run --rm ${PROBE} ${flags} busybox ${cmd}`, 60_000);

  it("a default container has Docker's capabilities and is in seccomp filter mode; --privileged has all and none", async () => {
    const r = await run('', "grep -E '^(Cap|Seccomp:|NoNewPrivs)' /proc/self/status");
    expect(r.code).toBe(0);
    expect(r.out).toContain('CapInh:\t0000000000000000');
    expect(r.out).toContain('CapPrm:\t00000000a80425fb');
    expect(r.out).toContain('CapEff:\t00000000a80425fb');
    expect(r.out).toContain('CapBnd:\t00000000a80425fb');
    expect(r.out).toContain('CapAmb:\t0000000000000000');
    expect(r.out).toContain('NoNewPrivs:\t0');
    expect(r.out).toMatch(/Seccomp:\t2/);
    const p = await run('--privileged', "grep -E '^(CapEff|Seccomp):' /proc/self/status");
    expect(p.out).toContain('CapEff:\t000001ffffffffff');
    expect(p.out).toMatch(/Seccomp:\t0/);
    const n = await run('--security-opt no-new-privileges', "grep -E '^NoNewPrivs' /proc/self/status");
    expect(n.out).toContain('NoNewPrivs:\t1');
  });

  it('cannot mount without CAP_SYS_ADMIN, can with --cap-add SYS_ADMIN', async () => {
    expect((await run('', 'vmprobe mount')).out).toBe('mount EPERM (Operation not permitted)\n');
    expect((await run('--cap-add SYS_ADMIN', 'vmprobe mount')).out).toBe('mount ok\n');
  });

  it('cannot load a module: the capability, not only the filter, is what refuses it', async () => {
    // Default: Docker's profile has init_module only for CAP_SYS_MODULE, so the filter answers EPERM.
    expect((await run('', 'vmprobe module')).out).toMatch(/^module EPERM/);
    // Without the filter the kernel's own capability check still refuses.
    expect((await run('--security-opt seccomp=unconfined', 'vmprobe module')).out).toMatch(/^module EPERM/);
    // With the capability the call gets through to the loader, which finds no module in 0 bytes.
    expect((await run('--cap-add SYS_MODULE', 'vmprobe module')).out).toMatch(/^module ENOEXEC/);
  });

  it('cannot change the clock without CAP_SYS_TIME, can with --cap-add SYS_TIME', async () => {
    expect((await run('', 'vmprobe settime')).out).toMatch(/^settime EPERM/);
    expect((await run('--cap-add sys_time', 'vmprobe settime')).out).toBe('settime ok\n');
  });

  it('opens a raw socket with the default NET_RAW, not after --cap-drop NET_RAW', async () => {
    expect((await run('', 'vmprobe rawsock')).out).toBe('rawsock ok\n');
    expect((await run('--cap-drop NET_RAW', 'vmprobe rawsock')).out).toMatch(/^rawsock EPERM/);
    expect((await run('--cap-drop ALL --cap-add NET_RAW', 'vmprobe rawsock')).out).toBe('rawsock ok\n');
  });

  it("Docker's seccomp profile blocks unshare and keyctl with EPERM; seccomp=unconfined lets them reach the kernel", async () => {
    expect((await run('', 'vmprobe unshare')).out).toMatch(/^unshare EPERM/);
    expect((await run('--security-opt seccomp=unconfined', 'vmprobe unshare')).out).toBe('unshare ok\n');
    expect((await run('', 'vmprobe keyctl')).out).toMatch(/^keyctl EPERM/);
    // This kernel has no keyrings: unconfined, the kernel itself answers ENOSYS, not the filter's EPERM.
    expect((await run('--security-opt seccomp=unconfined', 'vmprobe keyctl')).out).toMatch(/^keyctl ENOSYS/);
    // busybox's own unshare, as a student would type it.
    const u = await run('', 'unshare -U true');
    expect(u.code).not.toBe(0);
    expect(u.err).toMatch(/Operation not permitted/);
  });

  it('masks the paths Docker masks and makes read-only the ones it makes read-only; --privileged does neither', async () => {
    // Which of Docker's masked paths this kernel has at all.
    const masked = ['/proc/kcore', '/proc/keys', '/proc/timer_list', '/proc/sched_debug', '/sys/firmware'];
    const present = (await ctx.sh(`for p in ${masked.join(' ')}; do [ -e $p ] && echo $p; done`)).out
      .split('\n')
      .filter(Boolean);
    expect(present).toContain('/sys/firmware');
    const inside = await run('', 'cat /proc/self/mountinfo');
    for (const p of present) expect(inside.out).toContain(` ${p} `);
    const firmware = await run('', 'sh -c "ls -A /sys/firmware | wc -l; touch /sys/firmware/x"');
    expect(firmware.out.trim()).toBe('0');
    expect(firmware.err).toMatch(/Read-only file system/);
    const ro = await run('', 'sh -c "echo 1 > /proc/sys/kernel/sysrq"');
    expect(ro.code).not.toBe(0);
    expect(ro.err).toMatch(/Read-only file system/);
    const priv = await run(
      '--privileged',
      'sh -c "ls -A /sys/firmware | wc -l; grep -c /sys/firmware /proc/self/mountinfo"',
    );
    expect(priv.out.split('\n')[1]).toBe('0');
  });

  it("makes /dev's standard devices as runc does: nodes of the host's numbers, bind mounts only in a user namespace", async () => {
    const list =
      'sh -c "ls -l /dev/null /dev/zero /dev/tty | cut -c1-10; grep -c \' /dev/null \' /proc/self/mountinfo; echo hi > /dev/null && echo written"';
    const plain = await run('', list);
    expect(plain.out).toBe('crw-rw-rw-\ncrw-rw-rw-\ncrw-rw-rw-\n0\nwritten\n');
    // In a user namespace mknod is refused: the host's nodes are bind-mounted, and work the same.
    const userns = await run('--userns private', list);
    expect(userns.out).toBe('crw-rw-rw-\ncrw-rw-rw-\ncrw-rw-rw-\n1\nwritten\n');
  });

  it("--network container:a shares a's interfaces and answers on its localhost", async () => {
    expect(
      (
        await ctx.sh(
          "docker run -d --name pod-a busybox sh -c 'echo hi-from-a > /tmp/index.html; exec httpd -f -p 127.0.0.1:8080 -h /tmp'",
        )
      ).code,
    ).toBe(0);
    const a = await ctx.sh('docker exec pod-a sh -c "readlink /proc/self/ns/net; cat /sys/class/net/eth0/address"');
    const b = await run(
      '--network container:pod-a',
      'sh -c "readlink /proc/self/ns/net; cat /sys/class/net/eth0/address"',
    );
    expect(b.out).toBe(a.out);
    // httpd in a may take a moment to listen.
    const web = await run(
      '--network container:pod-a',
      'sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://127.0.0.1:8080/index.html && exit; sleep 0.3; done; exit 1"',
    );
    expect(web.out).toBe('hi-from-a\n');
    // Its own network would not reach a's localhost.
    expect((await run('', 'wget -qO- -T 2 http://127.0.0.1:8080/index.html')).code).not.toBe(0);
    const inspect = await ctx.sh(
      "docker create --name pod-b --network container:pod-a --ipc container:pod-a --pid container:pod-a --init --cap-add NET_ADMIN --cap-drop MKNOD --security-opt seccomp=unconfined busybox true >/dev/null && docker inspect -f '{{json .HostConfig}}' pod-b",
    );
    const hc = JSON.parse(inspect.out) as Record<string, unknown>;
    expect(hc).toMatchObject({
      NetworkMode: 'container:pod-a',
      IpcMode: 'container:pod-a',
      PidMode: 'container:pod-a',
      Init: true,
      CapAdd: ['NET_ADMIN'],
      CapDrop: ['MKNOD'],
      SecurityOpt: ['seccomp=unconfined'],
      Privileged: false,
    });
    await ctx.sh('docker rm pod-b');
  });

  it('--pid and --ipc container:a join its PID and IPC namespaces', async () => {
    const a = await ctx.sh('docker exec pod-a sh -c "readlink /proc/self/ns/ipc; readlink /proc/self/ns/pid"');
    const b = await run(
      '--pid container:pod-a --ipc container:pod-a',
      'sh -c "readlink /proc/self/ns/ipc; readlink /proc/self/ns/pid"',
    );
    expect(b.out).toBe(a.out);
    const ps = await run('--pid container:pod-a', 'ps -o pid,comm');
    expect(ps.out).toMatch(/\n\s*1 httpd\n/);
    await ctx.sh('docker rm -f pod-a');
  });

  it('--init reaps orphaned zombies; without it they stay, and SIGTERM reaches the command', async () => {
    const zombies = 'sh -c "grep -l \'^State:.*Z\' /proc/[0-9]*/status 2>/dev/null | wc -l"';
    await ctx.sh(`docker run -d --name noinit ${PROBE} busybox sleep 600`);
    await ctx.sh(`docker run -d --name withinit --init ${PROBE} busybox sleep 600`);
    expect((await ctx.sh('docker exec withinit cat /proc/1/cmdline | tr "\\0" " "')).out).toBe(
      'docker-init -- sleep 600 ',
    );
    for (const name of ['noinit', 'withinit'])
      expect((await ctx.sh(`docker exec ${name} vmprobe orphans 3`)).code).toBe(0);
    await ctx.sh('sleep 1');
    expect((await ctx.sh(`docker exec noinit ${zombies}`)).out.trim()).toBe('3');
    expect((await ctx.sh(`docker exec withinit ${zombies}`)).out.trim()).toBe('0');
    // docker-init passes docker stop's SIGTERM to sleep, which dies of it at once (143).
    const t0 = Date.now();
    await ctx.sh('docker stop -t 8 withinit');
    expect(Date.now() - t0).toBeLessThan(6000);
    expect((await ctx.sh("docker inspect -f '{{.State.ExitCode}}' withinit")).out.trim()).toBe('143');
    await ctx.sh('docker rm -f noinit withinit');
  }, 120_000);
});
