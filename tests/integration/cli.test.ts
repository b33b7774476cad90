import { describe, expect, it } from 'vitest';
import type { ApiTraffic } from '../../src/engine/api/routes';
import { useEngine, useVm } from './vm';

/**
 * The docker CLI inside the guest, talking to the engine over the API port:
 * what a student types in the terminal.
 */
describe('docker CLI in the guest → Docker API → engine', () => {
  const ctx = useVm();
  const traffic: ApiTraffic[] = [];
  const env = useEngine(ctx, (t) => traffic.push(t));

  it('docker run --rm busybox echo prints, exits 0, and leaves no container', async () => {
    const r = await ctx.sh('docker run --rm busybox echo hello from a container');
    expect(r).toEqual({ out: 'hello from a container\n', err: '', code: 0 });
    // Like Docker's CLI, run --rm returns once the container is gone.
    expect(env.engine.list(true)).toHaveLength(0);
    // The client spoke Docker's API: create, attach, start, wait.
    const paths = traffic.map((t) => `${t.method} ${t.path.replace(/[0-9a-f]{64}/, '{id}')}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'POST /containers/create',
        'POST /containers/{id}/attach',
        'POST /containers/{id}/start',
        'POST /containers/{id}/wait',
      ]),
    );
  });

  it('returns the container’s exit code as its own', async () => {
    expect((await ctx.sh('docker run --rm busybox sh -c "exit 3"')).code).toBe(3);
  });

  it('-d, logs, stop: SIGTERM kills a shell that traps nothing (143); a pid 1 that ignores it takes SIGKILL (137)', async () => {
    const id = (
      await ctx.sh(
        'docker run -d --name t1 busybox sh -c "echo up; trap \'exit 143\' TERM; while :; do sleep 0.1; done"',
      )
    ).out.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    await ctx.sh('sleep 0.5');
    expect((await ctx.sh('docker logs t1')).out).toBe('up\n');
    expect((await ctx.sh('docker stop t1')).code).toBe(0);
    expect((await ctx.sh('docker inspect t1')).out).toMatch(/"ExitCode": 143,/);
    await ctx.sh('docker run -d --name t2 busybox sleep 60');
    const t0 = performance.now();
    await ctx.sh('docker stop -t 1 t2');
    expect(performance.now() - t0).toBeGreaterThan(900);
    expect(env.engine.inspect('t2').State.ExitCode).toBe(137);
    await ctx.sh('docker rm t1 t2');
  });

  it('docker logs -f follows until the container exits', async () => {
    const r = await ctx.sh(
      "docker run -d --name f busybox sh -c 'for i in 1 2 3; do echo line $i; sleep 0.3; done' >/dev/null; docker logs -f f",
    );
    expect(r.out).toBe('line 1\nline 2\nline 3\n');
    await ctx.sh('docker rm f');
  });

  it('exec runs in the container: its hostname, its pid 1, the same namespaces', async () => {
    await ctx.sh('docker run -d --name e --hostname inside busybox sleep 60');
    const pid = env.engine.inspect('e').State.Pid;
    const r = await ctx.sh(
      `docker exec e sh -c 'hostname; cat /proc/1/cmdline | tr "\\0" " "; echo; for k in pid mnt uts ipc net cgroup; do readlink /proc/1/ns/$k; done'`,
    );
    const host = await ctx.sh(`for k in pid mnt uts ipc net cgroup; do readlink /proc/${pid}/ns/$k; done`);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('inside');
    expect(lines[1]).toBe('sleep 60 ');
    expect(lines.slice(2)).toEqual(host.out.trim().split('\n'));
    expect((await ctx.sh('hostname')).out).toBe('playground\n');
    await ctx.sh('docker rm -f e');
  });

  it('ps shows a running container; ps -a an exited one; rm -f removes a running one', async () => {
    await ctx.sh('docker run -d --name p busybox sleep 60; docker run --name q busybox true');
    const ps = (await ctx.sh('docker ps')).out;
    expect(ps.split('\n')[0]).toMatch(/^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    expect(ps).toMatch(/Up .* p\n/);
    expect(ps).not.toContain(' q\n');
    expect((await ctx.sh('docker ps -a')).out).toMatch(/Exited \(0\) .* q\n/);
    expect((await ctx.sh('docker rm p')).err).toContain('You cannot remove a running container');
    expect((await ctx.sh('docker rm -f p q')).code).toBe(0);
    const left = (await ctx.sh('docker ps -a')).out;
    expect(left).not.toMatch(/ [pq]\n/);
  });

  it('--memory 16m: a 64 MB allocation is OOM-killed, inspect says so, the VM answers', async () => {
    const r = await ctx.sh('docker run --name oom --memory 16m busybox dd if=/dev/zero of=/dev/null bs=64M count=1');
    expect(r.code).toBe(137);
    expect((await ctx.sh('docker inspect oom')).out).toMatch(/"OOMKilled": true,/);
    await ctx.sh('docker rm oom');
  });

  it('--pids-limit 10 contains a fork loop, and the VM answers within a second', async () => {
    const r = await ctx.sh(
      'docker run --rm --pids-limit 10 busybox sh -c "for i in $(seq 1 40); do sleep 5 & done 2>/dev/null; cat /sys/fs/cgroup/pids.current"',
    );
    expect(Number(r.out.trim())).toBeLessThanOrEqual(10);
    const t0 = performance.now();
    await ctx.sh('true');
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('gives Docker’s messages and exit codes for a bad image, a bad flag and a missing command', async () => {
    // As Docker's: not here, so it is pulled, and the registry has no such repository.
    const img = await ctx.sh('docker run no-such-image');
    expect(img.code).toBe(125);
    expect(img.err).toContain("Unable to find image 'no-such-image:latest' locally\n");
    expect(img.err).toContain(
      "docker: Error response from daemon: pull access denied for no-such-image, repository does not exist or may require 'docker login'",
    );
    const flag = await ctx.sh('docker run --frobnicate busybox');
    expect(flag.code).toBe(125);
    expect(flag.err).toBe("docker: unknown flag: --frobnicate\nSee 'docker run --help'.\n");
    const cmd = await ctx.sh('docker run --rm busybox no-such-command');
    expect(cmd.code).toBe(127);
    expect(cmd.err).toContain('executable file not found in $PATH');
    expect((await ctx.sh('docker frob')).err).toContain("docker: 'frob' is not a docker command.");
  });

  it('images lists the base images; version names the guest kernel', async () => {
    expect((await ctx.sh('docker images')).out).toMatch(
      /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\nbusybox\s+1\.35\.0/,
    );
    expect((await ctx.sh('docker version')).out).toContain('Kernel Version:   6.1.');
  });
});
