import { describe, expect, it } from 'vitest';
import { useEngine, useVm } from './vm';

/** Volumes, filesystem changes, processes, resource use and image names, from the guest's docker CLI. */
describe('docker CLI: volumes, diff, top, stats, tag, history, rmi', () => {
  const ctx = useVm();
  useEngine(ctx);

  it('-v binds a guest directory both ways; a named volume outlives its container; :ro refuses writes', async () => {
    const r = await ctx.sh(
      `mkdir -p /srv/data && echo from-host > /srv/data/a
       docker run --rm -v /srv/data:/data -v notes:/v busybox sh -c 'cat /data/a; echo from-container > /data/b; echo kept > /v/x'
       cat /srv/data/b
       docker run --rm -v notes:/v:ro busybox sh -c 'cat /v/x; touch /v/y 2>&1 || echo refused'`,
    );
    expect(r.out).toBe('from-host\nfrom-container\nkept\ntouch: /v/y: Read-only file system\nrefused\n');
    expect((await ctx.sh('ls /var/lib/docker/volumes/notes/_data')).out).toBe('x\n');
  });

  it('diff lists what the container added, changed and deleted in its layer', async () => {
    await ctx.sh(`docker run --name d busybox sh -c 'echo hi > /new; rm /etc/passwd; echo x >> /etc/group'`);
    const lines = (await ctx.sh('docker diff d')).out.trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining(['A /new', 'D /etc/passwd', 'C /etc/group', 'C /etc']));
    await ctx.sh('docker rm d');
  });

  it('top lists the container’s processes (not its shim); stats reads its cgroup', async () => {
    await ctx.sh('docker run -d --name t --memory 32m busybox sh -c "sleep 300 & sleep 300"');
    await ctx.sh('sleep 0.3');
    const top = (await ctx.sh('docker top t')).out.trim().split('\n');
    expect(top[0]).toMatch(/^UID\s+PID\s+PPID\s+CMD$/);
    // sh execs its last command, so pid 1 is a sleep too; vmctr, the shim, is not listed.
    expect(top.slice(1).map((l) => l.split(/\s+/).slice(3).join(' '))).toEqual(['sleep 300', 'sleep 300']);
    const stats = (await ctx.sh('docker stats --no-stream t')).out.trim().split('\n');
    expect(stats[0]).toMatch(/^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+PIDS$/);
    expect(stats[1]).toMatch(/ t\s+\d+\.\d\d%\s+[\d.]+kB \/ 33\.6MB\s+[\d.]+%\s+2$/);
    await ctx.sh('docker rm -f t');
  });

  it('tag, history and rmi work on image names as Docker’s do', async () => {
    expect((await ctx.sh('docker tag busybox mine:v1 && docker images')).out).toMatch(/\nmine\s+v1\s+[0-9a-f]{12}/);
    const history = (await ctx.sh('docker history mine:v1')).out.trim().split('\n');
    expect(history[0]).toMatch(/^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
    expect(history[1]).toMatch(/^[0-9a-f]{12}\s+.*CMD \["sh"\]\s+0B/);
    expect(history[2]).toMatch(/^<missing>\s+.*\/bin\/busybox and \d+ applet links.*\s+1\.09MB/);
    expect((await ctx.sh('docker rmi mine:v1')).out).toBe('Untagged: mine:v1\n');
    expect((await ctx.sh('docker rmi nothing:here')).err).toContain('No such image: nothing:here');
  });

  it('-i pipes stdin into the container, which reads end of file when it ends', async () => {
    const r = await ctx.sh(`printf 'one\\ntwo\\nthree\\n' | docker run -i --rm busybox sh -c 'wc -l; echo done'`);
    expect(r.out).toBe('3\ndone\n');
    // Without -i the container's stdin is empty, as with Docker.
    expect((await ctx.sh(`echo ignored | docker run --rm busybox wc -c`)).out).toBe('0\n');
  });

  it('inspect prints indented JSON as Docker does, and --format picks fields', async () => {
    await ctx.sh('docker run --name fmt --hostname fmt-host busybox true');
    const r = await ctx.sh(
      `docker inspect fmt | sed -n '1,3p'
       docker inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.Config.Hostname}}' fmt
       docker inspect --format '{{json .Config.Cmd}}' fmt
       docker inspect -f '{{.Os}}' busybox`,
    );
    expect(r.out).toMatch(/^\[\n {4}\{\n {8}"Id": "[0-9a-f]{64}",\nexited 0 fmt-host\n\["true"\]\nlinux\n$/);
    await ctx.sh('docker rm fmt');
  });

  it('refuses a malformed -v with Docker’s message', async () => {
    const r = await ctx.sh('docker run --rm -v bad busybox true');
    expect(r.code).toBe(125);
    expect(r.err).toContain("invalid volume specification: 'bad'");
  });
});
