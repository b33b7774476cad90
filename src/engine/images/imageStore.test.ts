import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DigestMismatchError, hexOf, sha256 } from './digest';
import { ImageNotFoundError, ImageStore } from './imageStore';
import { MEDIA } from './oci';
import { parseReference } from './reference';
import { MemoryBlobStore, MemoryMetaStore } from './storage';

const BASE = join(import.meta.dirname, '..', '..', '..', 'public', 'images');
const readBase = async (p: string) => new Uint8Array(readFileSync(join(BASE, p)));

describe('image references', () => {
  it('parses names, tags and digests as the docker CLI does', () => {
    expect(parseReference('busybox')).toEqual({ name: 'busybox', tag: 'latest' });
    expect(parseReference('library/busybox:1.35')).toEqual({ name: 'busybox', tag: '1.35' });
    expect(parseReference('me/app@sha256:' + 'a'.repeat(64))).toEqual({
      name: 'me/app',
      digest: 'sha256:' + 'a'.repeat(64),
    });
    expect(() => parseReference('Busybox')).toThrow('invalid reference format: "Busybox"');
    expect(() => parseReference('busybox:')).toThrow(/invalid reference format/);
  });
});

describe('ImageStore', () => {
  it('imports the shipped base images, verifying every blob, and tags them', async () => {
    const store = new ImageStore(new MemoryBlobStore(), new MemoryMetaStore());
    const tags = await store.importLayout(readBase);
    expect(tags).toEqual(expect.arrayContaining(['busybox:latest', 'scratch:latest']));
    const bb = await store.resolve('busybox:latest');
    expect(bb.manifest.layers).toHaveLength(1);
    expect(bb.manifest.layers[0]!.mediaType).toBe(MEDIA.layerGzip);
    // Found by a short image id too, as `docker run 1a2b3c` would.
    expect((await store.resolve(hexOf(bb.id).slice(0, 12))).manifestDigest).toBe(bb.manifestDigest);
  });

  it('labels busybox with the Debian package the VM image was built from', async () => {
    const store = new ImageStore(new MemoryBlobStore(), new MemoryMetaStore());
    await store.importLayout(readBase);
    const labels = (await store.resolve('busybox')).config.config.Labels!;
    const vm = JSON.parse(readFileSync(join(BASE, '..', 'vm', 'manifest.json'), 'utf8')) as {
      debianPackages: { package: string; version: string }[];
    };
    const deb = vm.debianPackages.find((p) => p.package === 'busybox-static')!;
    expect(labels['dev.playground.debian.version']).toBe(deb.version);
  });

  it('refuses a layout whose blob does not match its digest, naming the digest', async () => {
    const store = new ImageStore(new MemoryBlobStore(), new MemoryMetaStore());
    const index = JSON.parse(new TextDecoder().decode(await readBase('index.json'))) as {
      manifests: { digest: `sha256:${string}` }[];
    };
    const target = hexOf(index.manifests[0]!.digest);
    const tampered = async (p: string) => {
      const b = await readBase(p);
      if (p.endsWith(target)) b[b.length - 2] = (b[b.length - 2] ?? 0) ^ 1;
      return b;
    };
    const err = await store.importLayout(tampered).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as Error).message).toContain(index.manifests[0]!.digest);
  });

  it('says "No such image" for an unknown reference', async () => {
    const store = new ImageStore(new MemoryBlobStore(), new MemoryMetaStore());
    await expect(store.resolve('nothing:here')).rejects.toBeInstanceOf(ImageNotFoundError);
  });

  it('stores, tags and untags an image of its own', async () => {
    const store = new ImageStore(new MemoryBlobStore(), new MemoryMetaStore());
    const layer = new TextEncoder().encode('not really a tar');
    const d = await store.blobs.put(layer);
    const m = await store.putImage(
      { architecture: '386', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [await sha256(layer)] } },
      [{ mediaType: MEDIA.layerTar, digest: d, size: layer.length }],
    );
    await store.tag(m, 'mine:v1');
    expect((await store.resolve('mine:v1')).tags).toEqual(['mine:v1']);
    expect(await store.untag('mine:v1')).toBe(true);
    await expect(store.resolve('mine:v1')).rejects.toThrow('No such image: mine:v1');
  });
});
