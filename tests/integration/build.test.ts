import { packTar } from 'modern-tar';
import { describe, expect, it } from 'vitest';
import { ImageTree } from '../../src/engine/images/imageTree';
import { useEngine, useVm } from './vm';

/** A shell line that writes a file in the guest (the build context is a guest directory, as with docker build). */
const write = (path: string, text: string) =>
  `mkdir -p $(dirname ${path}) && cat > ${path} <<'__EOF__'\n${text}\n__EOF__`;

describe('docker build', () => {
  const ctx = useVm();
  const env = useEngine(ctx);

  it('builds a multi-stage Dockerfile whose final image holds only the copied artifact', async () => {
    const r = await ctx.sh(
      [
        write(
          '/ctx/multi/Dockerfile',
          `FROM busybox AS build
WORKDIR /src
COPY main.txt .
RUN tr a-z A-Z < main.txt > artifact && echo built

FROM scratch
COPY --from=build /src/artifact /artifact`,
        ),
        write('/ctx/multi/main.txt', 'hello from the context'),
        'docker build -t multi /ctx/multi',
      ].join('\n'),
      120_000,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Step 1\/6 : FROM busybox AS build$/m);
    expect(r.out).toMatch(/^ ---> Running in [0-9a-f]{12}\nbuilt\n ---> [0-9a-f]{12}$/m);
    expect(r.out).toMatch(/^Successfully tagged multi:latest$/m);
    const image = await env.engine.image('multi');
    expect(image.manifest.layers).toHaveLength(1); // scratch + one COPY
    const tree = await ImageTree.of(env.engine.images.blobs, image.manifest.layers);
    expect([...tree.files.keys()]).toEqual(['artifact']);
    expect(new TextDecoder().decode(tree.read('/artifact'))).toBe('HELLO FROM THE CONTEXT\n');
  });

  it('records a file deleted in a later step as a whiteout, and the container does not see it', async () => {
    const r = await ctx.sh(
      [
        write(
          '/ctx/del/Dockerfile',
          `FROM busybox
RUN mkdir -p /data/cache && echo a > /data/keep && echo b > /data/cache/x
RUN rm /data/keep && rm -rf /data/cache && mkdir /data/cache && echo fresh > /data/cache/y`,
        ),
        'docker build -q -t del /ctx/del >/dev/null',
        'docker run --rm del sh -c "ls /data; ls /data/cache; cat /data/keep" 2>&1',
      ].join('\n'),
      120_000,
    );
    expect(r.out).toBe("cache\ny\ncat: can't open '/data/keep': No such file or directory\n");
    const image = await env.engine.image('del');
    const last = await env.engine.images.blobs.get(image.manifest.layers.at(-1)!.digest);
    const { readLayer } = await import('../../src/engine/images/layerArchive');
    const entries = await readLayer(last!);
    expect(entries.filter((e) => e.type === 'whiteout' || e.type === 'opaque').map((e) => [e.path, e.type])).toEqual([
      ['data/cache', 'opaque'],
      ['data/keep', 'whiteout'],
    ]);
  });

  it('uses the cache on an unchanged rebuild, and a changed COPY source misses from there on', async () => {
    const dockerfile = `FROM busybox
ENV STAGE=one
COPY app.txt /app.txt
RUN cat /app.txt > /copy.txt
CMD ["cat", "/copy.txt"]`;
    const first = await ctx.sh(
      [
        write('/ctx/cache/Dockerfile', dockerfile),
        write('/ctx/cache/app.txt', 'v1'),
        'docker build -t cached /ctx/cache',
      ].join('\n'),
      120_000,
    );
    expect(first.out).not.toContain('Using cache');
    const again = await ctx.sh('docker build -t cached /ctx/cache');
    expect(again.out.match(/Using cache/g)).toHaveLength(4);
    const changed = await ctx.sh(
      [write('/ctx/cache/app.txt', 'v2'), 'docker build -t cached /ctx/cache', 'docker run --rm cached'].join('\n'),
    );
    const steps = changed.out.split(/^Step /m).slice(1);
    expect(steps.map((s) => s.includes('Using cache'))).toEqual([false, true, false, false, false]);
    expect(changed.out.trim().split('\n').at(-1)).toBe('v2');
    const nocache = await ctx.sh('docker build --no-cache -t cached /ctx/cache');
    expect(nocache.out).not.toContain('Using cache');
  });

  it('takes --build-arg and stops at --target', async () => {
    const r = await ctx.sh(
      [
        write(
          '/ctx/args/Dockerfile',
          `ARG BASE=busybox
FROM $BASE AS first
ARG WHO=nobody
RUN echo "hello $WHO" > /greeting

FROM first AS second
RUN echo never > /second`,
        ),
        'docker build -t args --build-arg WHO=students --build-arg UNUSED=1 --target first /ctx/args',
        'docker run --rm args sh -c "cat /greeting; ls /second 2>&1"',
        'docker history args | grep -c "WHO=students"',
      ].join('\n'),
      120_000,
    );
    expect(r.out).toMatch(/^Step 3\/3 : RUN echo "hello \$WHO" > \/greeting$/m);
    expect(r.out).toContain('[Warning] One or more build-args [UNUSED] were not consumed');
    expect(r.out).toContain('hello students\nls: /second: No such file or directory\n');
    expect(r.out.trim().split('\n').at(-1)).toBe('1');
  });

  it('names the Dockerfile line of an error and keeps earlier layers cached', async () => {
    const r = await ctx.sh(
      [
        write('/ctx/fail/Dockerfile', 'FROM busybox\nRUN echo step-one > /one\nRUN echo about to fail && exit 3'),
        'docker build -t fail /ctx/fail 2>&1; echo "rc=$?"',
        'docker build -t fail /ctx/fail 2>&1 | grep -c "Using cache"',
        write('/ctx/bad/Dockerfile', 'FROM busybox\nCOPY missing.txt /\n'),
        'docker build /ctx/bad 2>&1; echo "rc=$?"',
        write('/ctx/syntax/Dockerfile', 'FROM busybox\nRUN true\nFRM oops\n'),
        'docker build /ctx/syntax 2>&1; echo "rc=$?"',
      ].join('\n'),
      120_000,
    );
    expect(r.out).toContain('about to fail\n');
    expect(r.out).toContain(
      "The command '/bin/sh -c echo about to fail && exit 3' returned a non-zero code: 3\nrc=1\n",
    );
    expect(r.out).toMatch(/^1$/m);
    expect(r.out).toContain(
      'Dockerfile:2:1: COPY: file not found in build context or excluded by .dockerignore: stat missing.txt: file does not exist\nrc=1',
    );
    expect(r.out).toContain('Dockerfile:3:1: unknown instruction: FRM\nrc=1');
  });

  it('copies with --chown by name, directory semantics and .dockerignore', async () => {
    const r = await ctx.sh(
      [
        write(
          '/ctx/copy/Dockerfile',
          `FROM busybox
COPY --chown=nobody:nogroup conf/ /etc/app/
COPY one.txt /opt/renamed.txt
COPY one.txt two.txt /opt/both/
WORKDIR /work
COPY one.txt .`,
        ),
        write('/ctx/copy/conf/a.conf', 'a'),
        write('/ctx/copy/conf/debug.log', 'noise'),
        write('/ctx/copy/one.txt', '1'),
        write('/ctx/copy/two.txt', '2'),
        write('/ctx/copy/.dockerignore', '**/*.log'),
        'docker build -q -t copied /ctx/copy >/dev/null',
        'docker run --rm copied sh -c "ls -ln /etc/app | tail -n +2 | awk \'{print \\$3, \\$4, \\$9}\'; ls /opt; ls /opt/both; ls /work"',
      ].join('\n'),
      120_000,
    );
    expect(r.out).toBe('65534 65534 a.conf\nboth\nrenamed.txt\none.txt\ntwo.txt\none.txt\n');
  });

  it('unpacks a local tar with ADD, refuses an unsafe one naming the entry, and explains that ADD cannot download', async () => {
    // An archive whose entry climbs out of the destination (the guest's tar would not write one).
    const evil = await packTar([{ header: { name: 'd/../../f', size: 2 }, body: 'x\n' }]);
    await ctx.vm.channel.exec(['/bin/sh', '-c', 'mkdir -p /ctx/evil && cat > /ctx/evil/evil.tar'], { stdin: evil });
    const r = await ctx.sh(
      [
        'mkdir -p /ctx/add/src/conf && echo one > /ctx/add/src/conf/a && echo two > /ctx/add/src/b',
        'cd /ctx/add && tar -czf site.tar.gz -C src . && rm -rf src',
        write('/ctx/add/Dockerfile', 'FROM busybox\nADD site.tar.gz /srv/\nADD notes.txt /srv/notes.txt'),
        'echo plain > /ctx/add/notes.txt',
        'docker build -q -t added /ctx/add >/dev/null && docker run --rm added sh -c "cat /srv/conf/a /srv/b /srv/notes.txt"',
        write('/ctx/evil/Dockerfile', 'FROM busybox\nADD evil.tar /srv/'),
        'docker build /ctx/evil 2>&1 | tail -1',
        write('/ctx/url/Dockerfile', 'FROM busybox\nADD https://example.com/file.txt /'),
        'docker build /ctx/url 2>&1 | tail -1',
      ].join('\n'),
      120_000,
    );
    const lines = r.out.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['one', 'two', 'plain']);
    expect(lines[3]).toBe('Dockerfile:2:1: ADD: refused archive entry "d/../../f": path leaves the root (..)');
    expect(lines[4]).toMatch(/^Dockerfile:2:1: ADD: https:\/\/example.com\/file.txt: this playground has no network/);
  });
});
