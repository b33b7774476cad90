import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEngine, useVm } from './vm';

const count = (text: string, pattern: RegExp) => text.split('\n').filter((l) => pattern.test(l)).length;

/** docker pull / push / login / search against the registry beside the engine (separate store), from the guest's CLI. */
describe('registry: push, pull, login, search', () => {
  const ctx = useVm();
  const env = useEngine(ctx);

  it('refuses a push before login, logs in (stored base64 in config.json), and logs out', async () => {
    await ctx.sh(
      `mkdir -p /reg && cd /reg && printf 'FROM busybox\\nRUN echo one > /one\\nRUN echo two > /two\\n' > Dockerfile && docker build -q -t student/app:v1 .`,
      120_000,
    );
    const denied = await ctx.sh('docker push student/app:v1');
    expect(denied.code).toBe(1);
    expect(denied.err).toContain('unauthorized: authentication required');
    const wrong = await ctx.sh('echo nope | docker login -u student --password-stdin');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('401 Unauthorized');
    const ok = await ctx.sh('echo container | docker login -u student --password-stdin');
    expect(ok.out).toContain('Login Succeeded');
    const config = JSON.parse((await ctx.sh('cat /root/.docker/config.json')).out) as {
      auths: Record<string, { auth: string }>;
    };
    // Docker's CLI files Docker Hub's login under its v1 index URL.
    expect(config.auths['https://index.docker.io/v1/']!.auth).toBe(Buffer.from('student:container').toString('base64'));
    expect((await ctx.sh('docker logout')).out).toBe('Removing login credentials for https://index.docker.io/v1/\n');
    expect((await ctx.sh('cat /root/.docker/config.json')).out).not.toContain('index.docker.io');
  });

  it('pushes only the layers the registry lacks: the base is mounted, then everything already exists', async () => {
    await ctx.sh('echo container | docker login -u student --password-stdin');
    const first = await ctx.sh('docker push student/app:v1', 60_000);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('The push refers to repository [docker.io/student/app]');
    expect(count(first.out, /: Pushed$/)).toBe(2);
    expect(count(first.out, /: Mounted from library\/busybox$/)).toBe(1);
    expect(first.out).toMatch(/^v1: digest: sha256:[0-9a-f]{64} size: \d+$/m);

    await ctx.sh(
      `cd /reg && printf 'FROM student/app:v1\\nRUN echo three > /three\\n' > Dockerfile.v2 && docker build -q -f Dockerfile.v2 -t student/app:v2 .`,
      120_000,
    );
    const second = await ctx.sh('docker push student/app:v2', 60_000);
    expect(count(second.out, /: Pushed$/)).toBe(1);
    expect(count(second.out, /: Layer already exists$/)).toBe(3);
  });

  it('pull after rmi restores the image with identical digests, downloading only the missing layers', async () => {
    const before = (await ctx.sh(`docker inspect -f '{{.Id}} {{json .RepoDigests}}' student/app:v1`)).out;
    expect(before).toMatch(/^sha256:[0-9a-f]{64} \["student\/app@sha256:[0-9a-f]{64}"\]\n$/);
    expect((await ctx.sh('docker images student/app -q')).out).toMatch(/^[0-9a-f]{12}\n[0-9a-f]{12}\n$/);
    const removed = await ctx.sh('docker rmi student/app:v2 student/app:v1');
    // The build's untagged step images go with them, as with Docker's rmi.
    expect(count(removed.out, /^Deleted: sha256:/)).toBeGreaterThan(2);
    expect((await ctx.sh('docker images student/app -q')).out).toBe('');
    const pulled = await ctx.sh('docker pull student/app:v1', 60_000);
    expect(pulled.code, pulled.err).toBe(0);
    expect(pulled.out).toContain('v1: Pulling from student/app');
    expect(count(pulled.out, /: Already exists$/)).toBe(1);
    expect(count(pulled.out, /: Pull complete$/)).toBe(2);
    expect(pulled.out).toContain('Status: Downloaded newer image for student/app:v1');
    expect(pulled.out.trim().split('\n').at(-1)).toBe('docker.io/student/app:v1');
    expect((await ctx.sh(`docker inspect -f '{{.Id}} {{json .RepoDigests}}' student/app:v1`)).out).toBe(before);
    expect((await ctx.sh('docker run --rm student/app:v1 cat /one /two')).out).toBe('one\ntwo\n');
    const again = await ctx.sh('docker pull student/app:v1');
    expect(again.out).toContain('Status: Image is up to date for student/app:v1');
  });

  it('docker run pulls an image it does not have, as Docker does', async () => {
    await ctx.sh('docker rmi student/app:v1');
    const r = await ctx.sh('docker run --rm student/app:v2 cat /three', 60_000);
    expect(r.err).toContain("Unable to find image 'student/app:v2' locally");
    expect(r.err).toContain('Status: Downloaded newer image for student/app:v2');
    expect(r.out).toBe('three\n');
  });

  it('refuses a corrupted blob on pull, naming its digest, and keeps nothing of it', async () => {
    // The registry's copy of the top layer's blob (the same bytes as the local one), damaged on its disk.
    const layers = (await env.engine.images.resolve('student/app:v2')).manifest.layers;
    expect(layers).toHaveLength(4);
    const top = layers[3]!.digest.slice('sha256:'.length);
    const file = join(env.store, 'registry', 'blobs', 'sha256', top);
    const bytes = readFileSync(file);
    const at = bytes.length >> 1;
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(file, bytes);
    await ctx.sh('docker rmi student/app:v2');
    const r = await ctx.sh('docker pull student/app:v2', 60_000);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`filesystem layer verification failed for digest sha256:${top}`);
    expect((await ctx.sh('docker images student/app -q')).out).toBe('');
    expect(await env.engine.images.blobs.has(layers[3]!.digest)).toBe(false);
  });

  it('pushes to localhost:5000 without a login, as to registry:2, and pulls it back; Docker Hub still wants one', async () => {
    await ctx.sh('docker logout');
    const built = await ctx.sh(
      `cd /reg && printf 'FROM busybox\\nRUN echo local > /local\\n' > Dockerfile.local && docker build -q -f Dockerfile.local -t localhost:5000/team/app:1 .`,
      120_000,
    );
    expect(built.code, built.err).toBe(0);
    await ctx.sh('docker tag localhost:5000/team/app:1 team/app:1');
    const hub = await ctx.sh('docker push team/app:1');
    expect(hub.err).toContain('unauthorized: authentication required');
    const pushed = await ctx.sh('docker push localhost:5000/team/app:1', 60_000);
    expect(pushed.code, pushed.err).toBe(0);
    expect(pushed.out).toContain('The push refers to repository [localhost:5000/team/app]');
    // An empty registry: nothing to mount, every layer crosses.
    expect(count(pushed.out, /: Pushed$/)).toBe(2);
    await ctx.sh('docker rmi localhost:5000/team/app:1 team/app:1');
    const pulled = await ctx.sh('docker pull localhost:5000/team/app:1', 60_000);
    expect(pulled.code, pulled.err).toBe(0);
    expect(pulled.out.trim().split('\n').at(-1)).toBe('localhost:5000/team/app:1');
    expect((await ctx.sh('docker run --rm localhost:5000/team/app:1 cat /local')).out).toBe('local\n');
    // Two registries, two stores: Docker Hub's stand-in never saw this repository.
    expect((await ctx.sh('docker pull team/app:1')).err).toContain('pull access denied for team/app');
  }, 240_000);

  it('search lists the official base image and what was pushed; unknown names and hosts fail clearly', async () => {
    const s = (await ctx.sh('docker search busybox')).out.split('\n');
    expect(s[0]).toMatch(/^NAME\s+DESCRIPTION\s+STARS\s+OFFICIAL$/);
    expect(s[1]).toMatch(/^busybox\s+.*\[OK\]$/);
    expect((await ctx.sh('docker search app')).out).toMatch(/^student\/app\s/m);
    const none = await ctx.sh('docker pull nosuch');
    expect(none.code).toBe(1);
    expect(none.err).toContain(
      "pull access denied for nosuch, repository does not exist or may require 'docker login'",
    );
    const far = await ctx.sh('docker pull ghcr.io/x/y:1');
    expect(far.err).toContain('no such host (this playground has no network)');
    const tag = await ctx.sh('docker pull busybox:nope');
    expect(tag.err).toContain('manifest for busybox:nope not found: manifest unknown');
  });
});
