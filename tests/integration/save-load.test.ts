import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packTar, type TarEntry } from 'modern-tar';
import { afterAll, describe, expect, it } from 'vitest';
import { useEngine, useVm } from './vm';

const dir = mkdtempSync(join(tmpdir(), 'save-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docker save and docker load', () => {
  const ctx = useVm();
  const env = useEngine(ctx);

  /** A file of the guest, copied to the host. */
  const fetchFile = async (path: string) => (await ctx.vm.channel.exec(['cat', path])).stdout;
  /** A host file, copied into the guest. */
  const putFile = (path: string, data: Uint8Array) =>
    ctx.vm.channel.exec(['/bin/sh', '-c', `cat > ${path}`], { stdin: data });

  it('writes an OCI archive that skopeo and umoci read', async () => {
    const r = await ctx.sh(
      `mkdir -p /ctx/app && cd /ctx/app && printf 'FROM busybox\\nRUN echo exported > /proof\\nCMD ["cat", "/proof"]\\n' > Dockerfile
       docker build -q -t exported:1.0 . >/dev/null && docker save -o /tmp/exported.tar exported:1.0 && echo saved`,
      120_000,
    );
    expect(r.out.trim(), r.err).toBe('saved');
    const tar = join(dir, 'exported.tar');
    writeFileSync(tar, await fetchFile('/tmp/exported.tar'));
    const inspect = JSON.parse(execFileSync('skopeo', ['inspect', `oci-archive:${tar}:1.0`], { encoding: 'utf8' }));
    const image = await env.engine.image('exported:1.0');
    expect(inspect.Digest).toBe(image.manifestDigest);
    expect(inspect.Layers).toEqual(image.manifest.layers.map((l) => l.digest));
    expect(inspect.Architecture).toBe('386');

    const layout = join(dir, 'layout');
    execFileSync('mkdir', ['-p', layout]);
    execFileSync('tar', ['-xf', tar, '-C', layout]);
    const bundle = join(dir, 'bundle');
    execFileSync('umoci', ['unpack', '--image', `${layout}:1.0`, bundle]);
    expect(readFileSync(join(bundle, 'rootfs', 'proof'), 'utf8')).toBe('exported\n');
    expect(readdirSync(join(bundle, 'rootfs', 'bin'))).toContain('busybox');
  });

  it('loads a saved image back with the same digests', async () => {
    const before = await env.engine.image('exported:1.0');
    const r = await ctx.sh(
      'docker rmi exported:1.0 >/dev/null && docker load -i /tmp/exported.tar && docker run --rm exported:1.0',
    );
    expect(r.out).toBe('Loaded image: exported:1.0\nexported\n');
    const after = await env.engine.image('exported:1.0');
    expect(after.id).toBe(before.id);
    expect(after.manifestDigest).toBe(before.manifestDigest);
  });

  it('refuses each unsafe archive, naming the entry', async () => {
    const base = await env.engine.image('busybox');
    const layerOf = async (entries: TarEntry[]) => packTar(entries);
    const file = (name: string): TarEntry => ({ header: { name, size: 2, type: 'file' }, body: 'x\n' });
    /** A docker save archive of one image whose only layer holds `entries`. */
    const saveWith = async (entries: TarEntry[], outer: TarEntry[] = []) => {
      const layer = await layerOf(entries);
      const { sha256 } = await import('../../src/engine/images/digest');
      const diffId = await sha256(layer);
      const config = new TextEncoder().encode(
        JSON.stringify({ ...base.config, rootfs: { type: 'layers', diff_ids: [diffId] }, history: [] }),
      );
      const manifest = new TextEncoder().encode(
        JSON.stringify([{ Config: 'config.json', RepoTags: ['evil:latest'], Layers: ['layer.tar'] }]),
      );
      return packTar([
        { header: { name: 'manifest.json', size: manifest.length }, body: manifest },
        { header: { name: 'config.json', size: config.length }, body: config },
        { header: { name: 'layer.tar', size: layer.length }, body: layer },
        ...outer,
      ]);
    };
    const cases: [string, Uint8Array, RegExp][] = [
      ['absolute', await saveWith([file('/etc/cron')]), /"layer.tar: \/etc\/cron": absolute path/],
      ['dotdot', await saveWith([file('../../escape')]), /"layer.tar: ..\/..\/escape": path leaves the root/],
      [
        'symlink',
        await saveWith([{ header: { name: 'up', type: 'symlink', size: 0, linkname: '../../../etc' } }]),
        /"layer.tar: up": symlink to ..\/..\/..\/etc leaves the root/,
      ],
      [
        'through-symlink',
        await saveWith([{ header: { name: 'e', type: 'symlink', size: 0, linkname: '/etc' } }, file('e/passwd')]),
        /"layer.tar: e\/passwd": path runs through the symlink e/,
      ],
      [
        'hardlink',
        await saveWith([{ header: { name: 'h', type: 'link', size: 0, linkname: '../../etc/shadow' } }]),
        /"layer.tar: h": hard link to ..\/..\/etc\/shadow leaves the root/,
      ],
      [
        'device',
        await saveWith([{ header: { name: 'dev/mem', type: 'character-device', size: 0 } }]),
        /"layer.tar: dev\/mem": device node/,
      ],
      ['outer', await saveWith([file('ok')], [file('../outside')]), /"..\/outside": path leaves the root/],
    ];
    for (const [name, tar, message] of cases) {
      await putFile(`/tmp/${name}.tar`, tar);
      const r = await ctx.sh(`docker load -i /tmp/${name}.tar; echo "rc=$?"`);
      expect(r.err, name).toMatch(message);
      expect(r.err, name).toMatch(/^Error response from daemon: the archive was refused: /);
      expect(r.out, name).toBe('rc=1\n');
    }
    // Nothing of a refused archive was tagged.
    expect((await env.engine.images.list()).some((i) => i.tags.includes('evil:latest'))).toBe(false);
  });

  it('refuses a blob whose digest does not match, naming the digest', async () => {
    const saved = await fetchFile('/tmp/exported.tar');
    const { unpackTar } = await import('modern-tar');
    const entries = await unpackTar(saved);
    const image = await env.engine.image('exported:1.0');
    const layerName = `blobs/sha256/${image.manifest.layers.at(-1)!.digest.slice(7)}`;
    const tampered = entries.map((e) => {
      if (e.header.name !== layerName || !e.data) return e;
      const data = e.data.slice();
      data[data.length - 10] = data[data.length - 10]! ^ 0xff;
      return { ...e, data };
    });
    await env.engine.removeImage('exported:1.0', true);
    for (const d of image.manifest.layers) await env.engine.images.blobs.delete(d.digest);
    await putFile('/tmp/tampered.tar', await packTar(tampered));
    const r = await ctx.sh('docker load -i /tmp/tampered.tar; echo "rc=$?"');
    expect(r.err).toContain(image.manifest.layers.at(-1)!.digest);
    expect(r.out).toBe('rc=1\n');
  });
});
