import { describe, expect, it } from 'vitest';
import { readLayer } from '../../src/engine/images/layerArchive';
import { useEngine, useVm } from './vm';

describe('docker commit', () => {
  const ctx = useVm();
  const env = useEngine(ctx);

  it('turns the container layer into an image layer, deletions as whiteouts', async () => {
    const r = await ctx.sh(
      `docker run --name work busybox sh -c 'echo note > /note; rm /bin/vi; rm -rf /home; mkdir /home; echo new > /home/only'
       docker commit -m "saved by a test" -a teacher -c 'CMD ["cat", "/note"]' -c 'ENV MODE=committed' work saved:v1
       docker run --rm saved:v1
       docker run --rm saved:v1 sh -c 'ls /bin/vi 2>&1; ls /home; echo $MODE'
       docker history saved:v1 | sed -n 2p
       docker rm work >/dev/null`,
    );
    expect(r.err).toBe('');
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(lines.slice(1, 6)).toEqual([
      'note',
      'ls: /bin/vi: No such file or directory',
      'only',
      'committed',
      lines[5],
    ]);
    expect(lines[5]).toMatch(/sh -c echo note > \/note; rm \/bin\/vi; rm -rf …\s+\d+B\s+saved by a test/);

    const image = await env.engine.image('saved:v1');
    expect(image.config.author).toBe('teacher');
    expect(image.config.rootfs.diff_ids).toHaveLength(2);
    const layer = await readLayer((await env.engine.images.blobs.get(image.manifest.layers[1]!.digest))!);
    const kinds = Object.fromEntries(layer.map((e) => [e.path, e.type]));
    expect(kinds).toMatchObject({ note: 'file', 'bin/vi': 'whiteout', home: 'opaque', 'home/only': 'file' });
    // Runtime files are mounted, not written: they stay out of the image.
    expect(Object.keys(kinds).filter((p) => p.startsWith('etc/') || p === 'proc' || p === 'dev')).toEqual([]);
  });

  it('freezes a running container while it reads its layer, then lets it run on', async () => {
    const r = await ctx.sh(
      `docker run -d --name busy busybox sh -c 'i=0; while true; do i=$((i+1)); echo $i > /count; sleep 0.1; done' >/dev/null
       sleep 0.5
       docker commit busy counting >/dev/null && echo committed
       docker inspect -f '{{.State.Running}}' busy
       docker run --rm counting cat /count
       docker rm -f busy >/dev/null`,
    );
    const [committed, running, count] = r.out.trim().split('\n');
    expect(committed).toBe('committed');
    expect(running).toBe('true');
    expect(Number(count)).toBeGreaterThan(0);
    expect(env.engine.events.recent.some((e) => e.Action === 'commit')).toBe(true);
  });

  it('records a --userns container files as the container saw them', async () => {
    const r = await ctx.sh(
      `docker run --userns private --name ns busybox sh -c 'echo mine > /mine; chown 1000:1000 /mine'
       ls -ln $(docker inspect --format '{{.GraphDriver.Data.UpperDir}}' ns)/mine | awk '{print $3}'
       docker commit ns ns-image >/dev/null
       docker run --rm ns-image ls -ln /mine | awk '{print $3}'
       docker rm ns >/dev/null`,
    );
    expect(r.out).toBe('101000\n1000\n');
  });

  it('refuses a change Docker refuses', async () => {
    const r = await ctx.sh(
      `docker create --name idle busybox >/dev/null
       docker commit -c 'RUN echo no' idle 2>&1; echo "rc=$?"
       docker commit idle idle-image >/dev/null && docker run --rm idle-image echo empty-layer-ok
       docker rm idle >/dev/null`,
    );
    expect(r.out).toBe('Error response from daemon: RUN is not a valid change command\nrc=1\nempty-layer-ok\n');
  });
});
