import { describe, expect, it } from 'vitest';
import { useEngine, useVm } from './vm';

/** pause/unpause, attach, rename, export and import, from the guest's docker CLI. */
describe('docker pause, attach, rename, export, import', () => {
  const ctx = useVm();
  useEngine(ctx);

  it('pause freezes a counting loop (its output stalls) and unpause resumes it', async () => {
    await ctx.sh(
      `docker run -d --name counter busybox sh -c 'i=0; while true; do i=$((i+1)); echo $i; sleep 0.1; done' >/dev/null`,
    );
    await ctx.sh('sleep 1');
    await ctx.sh('docker pause counter');
    const status = (await ctx.sh(`docker ps --all | grep counter`)).out;
    expect(status).toMatch(/Up .* \(Paused\)/);
    expect((await ctx.sh(`docker inspect -f '{{.State.Status}} {{.State.Paused}}' counter`)).out).toBe('paused true\n');
    const a = (await ctx.sh('docker logs counter | wc -l')).out.trim();
    await ctx.sh('sleep 1');
    const b = (await ctx.sh('docker logs counter | wc -l')).out.trim();
    expect(b).toBe(a);
    await ctx.sh('docker unpause counter; sleep 1');
    const c = Number((await ctx.sh('docker logs counter | wc -l')).out.trim());
    expect(c).toBeGreaterThan(Number(b));
    expect((await ctx.sh('docker pause nothere 2>&1; docker unpause counter 2>&1')).out).toMatch(
      /No such container: nothere[\s\S]*is not paused/,
    );
  });

  it('attach follows a running container and leaving it does not stop it', async () => {
    const out: string[] = [];
    const attach = ctx.vm.channel.sh('docker attach counter', {
      onStdout: (b) => out.push(new TextDecoder().decode(b)),
    });
    await ctx.sh('sleep 1');
    await ctx.sh("kill $(ps -o pid,args | grep '[d]ocker attach' | awk '{print $1}')");
    await attach.catch(() => {});
    expect(out.join('').trim().split('\n').length).toBeGreaterThan(3);
    expect((await ctx.sh(`docker inspect -f '{{.State.Running}}' counter`)).out).toBe('true\n');
    await ctx.sh('docker rm -f counter');
  });

  it('rename changes the name, and refuses one in use', async () => {
    const r = await ctx.sh(
      `docker create --name first busybox true >/dev/null; docker create --name second busybox true >/dev/null
       docker rename first renamed && docker ps -a | grep -c renamed
       docker rename renamed second 2>&1; docker rm renamed second >/dev/null`,
    );
    expect(r.out).toMatch(/^1\nError response from daemon: Conflict\. The container name "\/second" is already in use/);
  });

  it('export and import round-trip a file tree', async () => {
    const r = await ctx.sh(
      `docker run --name src busybox sh -c 'mkdir -p /data/deep && echo exported > /data/deep/file && ln -s deep/file /data/link && rm /bin/vi'
       docker export -o /tmp/fs.tar src && docker rm src >/dev/null
       tar -tf /tmp/fs.tar | grep -c '^./data/deep/file$'
       docker import /tmp/fs.tar flat:1
       docker run --rm flat:1 sh -c 'cat /data/deep/file /data/link; ls /bin/vi 2>&1'
       docker history flat:1 | tail -n +2 | wc -l
       cat /tmp/fs.tar | docker import - flat:2 >/dev/null && docker run --rm flat:2 cat /data/deep/file`,
      60_000,
    );
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('1');
    expect(lines[1]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(lines.slice(2)).toEqual(['exported', 'exported', 'ls: /bin/vi: No such file or directory', '1', 'exported']);
  });
});
