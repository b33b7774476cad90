import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packTar } from 'modern-tar';
import { describe, expect, it } from 'vitest';
import { BlobSources, type ProgressMessage } from '../engine/distribution/transfer';
import { pullImage } from '../engine/distribution/pull';
import { pushImage } from '../engine/distribution/push';
import {
  BlobVerificationError,
  RegistryClient,
  RegistryError,
  UPLOAD_CHUNK,
} from '../engine/distribution/registryClient';
import { UnreachableRegistryError } from '../engine/distribution/transport';
import { hexOf, sha256, type Digest } from '../engine/images/digest';
import { checkLayer } from '../engine/images/imageArchive';
import { ImageStore } from '../engine/images/imageStore';
import { MEDIA, type ImageConfig } from '../engine/images/oci';
import { parseReference, registryHostOf, registryPath } from '../engine/images/reference';
import { MemoryBlobStore, MemoryMetaStore } from '../engine/images/storage';
import { localTransport } from './localTransport';
import { Registry, REGISTRY_LIMITS, SEED_ACCOUNT, type RegistryLimits } from './registry';

const BASE = join(import.meta.dirname, '..', '..', 'public', 'images');
const readBase = async (p: string) => new Uint8Array(readFileSync(join(BASE, p)));
const HOST = 'docker.io';

async function seeded() {
  const registry = new Registry(new MemoryBlobStore(), new MemoryMetaStore());
  await registry.seed(readBase);
  return registry;
}

/** A daemon store with the base images and an image of n layers of its own on busybox. */
async function storeWith(layers: number) {
  const store = new ImageStore(new MemoryBlobStore(), new MemoryMetaStore());
  await store.importLayout(readBase);
  const base = await store.resolve('busybox');
  const descs = [...base.manifest.layers];
  const diffIds = [...base.config.rootfs.diff_ids];
  for (let i = 0; i < layers; i++) {
    const tar = await packTar([{ header: { name: `file${i}`, size: 3, type: 'file' }, body: `v${i}\n` }]);
    descs.push({ mediaType: MEDIA.layerTar, digest: await store.blobs.put(tar), size: tar.length });
    diffIds.push(await sha256(tar));
  }
  const config: ImageConfig = { ...base.config, rootfs: { type: 'layers', diff_ids: diffIds } };
  const manifest = await store.putImage(config, descs);
  await store.tag(manifest, 'student/app:v1');
  return { store, image: await store.resolve('student/app:v1') };
}

const client = (registry: Registry, auth = true) =>
  new RegistryClient(localTransport({ [HOST]: registry }), HOST, auth ? { ...SEED_ACCOUNT } : undefined);

describe('image names with a registry host', () => {
  it('keeps the host in the name and finds registry and repository as Docker does', () => {
    expect(parseReference('localhost:5000/app:v1')).toEqual({ name: 'localhost:5000/app', tag: 'v1' });
    expect(parseReference('localhost:5000/app')).toEqual({ name: 'localhost:5000/app', tag: 'latest' });
    expect(parseReference('registry.example.com/team/app@sha256:' + 'b'.repeat(64)).name).toBe(
      'registry.example.com/team/app',
    );
    expect(registryPath('busybox')).toEqual({ host: HOST, repository: 'library/busybox' });
    expect(registryPath('cncamp/httpserver')).toEqual({ host: HOST, repository: 'cncamp/httpserver' });
    expect(registryPath('localhost:5000/app')).toEqual({ host: 'localhost:5000', repository: 'app' });
    expect(registryPath('ghcr.io/x/y')).toEqual({ host: 'ghcr.io', repository: 'x/y' });
    expect(() => parseReference('Localhost:5000/App')).toThrow(/invalid reference format/);
  });
});

describe('which registry a login or a name means', () => {
  it("files Docker Hub's logins under docker.io, as Docker's CLI and daemon do, and any other server under its host", () => {
    expect(registryHostOf('https://index.docker.io/v1/')).toBe('docker.io');
    expect(registryHostOf('index.docker.io')).toBe('docker.io');
    expect(registryHostOf('registry-1.docker.io')).toBe('docker.io');
    expect(registryHostOf('localhost:5000')).toBe('localhost:5000');
    expect(registryHostOf('http://localhost:5000/v2/')).toBe('localhost:5000');
  });
});

describe('localhost:5000, a plain registry beside the Hub stand-in', () => {
  it('takes an anonymous push to any repository and gives it back; the Hub stand-in still asks for a login', async () => {
    const open = new Registry(new MemoryBlobStore(), new MemoryMetaStore(), undefined, undefined, 'open');
    const hub = await seeded();
    const transport = localTransport({ [HOST]: hub, 'localhost:5000': open });
    const { store, image } = await storeWith(1);
    const sources = new BlobSources(store.meta);
    const push = (host: string, name: string) =>
      pushImage({
        store,
        client: new RegistryClient(transport, host),
        image,
        name,
        tag: 'v1',
        sources,
        onProgress: () => {},
      });
    await expect(push(HOST, 'student/app')).rejects.toThrow('unauthorized: authentication required');
    const pushed = await push('localhost:5000', 'localhost:5000/app');
    expect(pushed.layers.map((l) => l.fate)).toEqual(['moved', 'moved']);
    // No library/ rule and no accounts: registry:2 without auth ignores credentials.
    await push('localhost:5000', 'localhost:5000/library/busybox');
    const anyone = new RegistryClient(transport, 'localhost:5000', { username: 'who', password: 'ever' });
    await expect(anyone.ping()).resolves.toBeUndefined();
    expect((await anyone.getManifest('app', 'v1')).digest).toBe(image.manifestDigest);
    // registry:2 has no search endpoint; that is Docker Hub's.
    await expect(anyone.search('app', 10)).rejects.toBeInstanceOf(RegistryError);
    expect((await open.contents()).repositories.map((r) => r.name)).toEqual(['app', 'library/busybox']);
    expect((await hub.contents()).repositories.some((r) => r.name === 'student/app')).toBe(false);
  });
});

describe('the page registry (OCI distribution API)', () => {
  it('is seeded with the base images as official repositories, not scratch', async () => {
    const r = await seeded();
    const cat = await r.handle({ host: HOST, method: 'GET', path: '/v2/_catalog' });
    expect(JSON.parse(new TextDecoder().decode(cat.body))).toEqual({ repositories: ['library/busybox'] });
    const tags = await r.handle({ host: HOST, method: 'GET', path: '/v2/library/busybox/tags/list' });
    expect(JSON.parse(new TextDecoder().decode(tags.body)).tags).toEqual(['1.35.0', 'latest']);
    const head = await r.handle({ host: HOST, method: 'HEAD', path: '/v2/library/busybox/manifests/latest' });
    expect(head.status).toBe(200);
    expect(head.headers['docker-content-digest']).toMatch(/^sha256:/);
    expect(head.body.length).toBe(0);
  });

  it('pushes only what the repository lacks: new layers uploaded, base layers mounted, then nothing', async () => {
    const registry = await seeded();
    const { store, image } = await storeWith(2);
    const sources = new BlobSources(store.meta);
    await sources.remember([image.manifest.layers[0]!.digest], HOST, 'library/busybox');
    const lines: ProgressMessage[] = [];
    const first = await pushImage({
      store,
      client: client(registry),
      image,
      name: 'student/app',
      tag: 'v1',
      sources,
      onProgress: (m) => lines.push(m),
    });
    expect(first.layers.map((l) => l.fate)).toEqual(['mounted', 'moved', 'moved']);
    expect(first.layers[0]!.from).toBe('library/busybox');
    expect(first.manifest).toBe(image.manifestDigest);
    expect(lines[0]!.status).toBe('The push refers to repository [docker.io/student/app]');
    expect(lines.at(-1)!.status).toMatch(/^v1: digest: sha256:[0-9a-f]{64} size: \d+$/);

    const again = await pushImage({
      store,
      client: client(registry),
      image,
      name: 'student/app',
      tag: 'v2',
      sources,
      onProgress: () => {},
    });
    expect(again.layers.map((l) => l.fate)).toEqual(['present', 'present', 'present']);
  });

  it('refuses a push without a login, and to an official repository with one', async () => {
    const registry = await seeded();
    const { store, image } = await storeWith(1);
    const sources = new BlobSources(store.meta);
    const push = (name: string, auth: boolean) =>
      pushImage({ store, client: client(registry, auth), image, name, tag: 'v1', sources, onProgress: () => {} });
    await expect(push('student/app', false)).rejects.toThrow('unauthorized: authentication required');
    await expect(push('busybox', true)).rejects.toThrow('denied: requested access to the resource is denied');
    const wrong = new RegistryClient(localTransport({ [HOST]: registry }), HOST, {
      username: 'student',
      password: 'nope',
    });
    await expect(wrong.ping()).rejects.toBeInstanceOf(RegistryError);
  });

  it('keeps nothing whose bytes do not match the digest the client named', async () => {
    const registry = await seeded();
    const c = client(registry);
    const data = new TextEncoder().encode('some bytes');
    const wrongDigest = await sha256(new TextEncoder().encode('other bytes'));
    const err = await c.pushBlob('student/x', wrongDigest, data).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).code).toBe('DIGEST_INVALID');
    expect(await registry.blobs.has(wrongDigest)).toBe(false);
    expect(await registry.blobs.has(await sha256(data))).toBe(false);
  });

  it('takes a large blob in chunks, and refuses a chunk out of order', async () => {
    const registry = await seeded();
    const c = client(registry);
    const big = new Uint8Array(UPLOAD_CHUNK * 2 + 10).map((_, i) => i % 251);
    const d = await sha256(big);
    await c.pushBlob('student/big', d, big);
    expect(c.stats.requests).toBe(5); // POST, 3 × PATCH, PUT
    expect(await c.hasBlob('student/big', d)).toBe(true);
    const t = localTransport({ [HOST]: registry });
    const auth = { authorization: `Basic ${btoa('student:container')}` };
    const start = await t({ host: HOST, method: 'POST', path: '/v2/student/big/blobs/uploads/', headers: auth });
    const res = await t({
      host: HOST,
      method: 'PATCH',
      path: start.headers['location']!,
      headers: { ...auth, 'content-range': '100-102' },
      body: new Uint8Array(3),
    });
    expect(res.status).toBe(416);
  });

  it('refuses a manifest naming a blob the repository does not have', async () => {
    const registry = await seeded();
    const missing = `sha256:${'c'.repeat(64)}` as Digest;
    const body = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.manifest,
        config: { mediaType: MEDIA.config, digest: missing, size: 2 },
        layers: [],
      }),
    );
    const err = await client(registry)
      .putManifest('student/app', 'v1', body, MEDIA.manifest)
      .catch((e: unknown) => e);
    expect((err as RegistryError).code).toBe('MANIFEST_BLOB_UNKNOWN');
    expect((err as RegistryError).detail).toEqual({ digest: missing });
  });

  it('pulls into an empty store with the registry’s digests, downloading only what is missing', async () => {
    const registry = await seeded();
    const store = new ImageStore(new MemoryBlobStore(), new MemoryMetaStore());
    const onProgress = () => {};
    const pull = () =>
      pullImage({
        store,
        client: client(registry, false),
        ref: parseReference('busybox'),
        sources: new BlobSources(store.meta),
        checkLayer,
        onProgress,
      });
    const first = await pull();
    expect(first.transfer.layers.map((l) => l.fate)).toEqual(['moved']);
    expect(first.updated).toBe(true);
    const head = await registry.handle({ host: HOST, method: 'HEAD', path: '/v2/library/busybox/manifests/latest' });
    expect((await store.resolve('busybox:latest')).manifestDigest).toBe(head.headers['docker-content-digest']);
    const second = await pull();
    expect(second.transfer.layers.map((l) => l.fate)).toEqual(['present']);
    expect(second.updated).toBe(false);
  });

  it('refuses a corrupted blob on pull, naming its digest, and tags nothing', async () => {
    const registry = await seeded();
    const { image } = await storeWith(0);
    const layer = image.manifest.layers[0]!.digest;
    // Damage the registry's copy in place, as a bad disk would: same key, different bytes.
    const blobs = registry.blobs as MemoryBlobStore;
    const good = (await blobs.get(layer))!;
    const bad = good.slice();
    bad[100] = (bad[100] ?? 0) ^ 0xff;
    (blobs as unknown as { blobs: Map<Digest, Uint8Array> }).blobs.set(layer, bad);
    const store = new ImageStore(new MemoryBlobStore(), new MemoryMetaStore());
    const err = await pullImage({
      store,
      client: client(registry, false),
      ref: parseReference('busybox:1.35.0'),
      sources: new BlobSources(store.meta),
      checkLayer,
      onProgress: () => {},
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlobVerificationError);
    expect((err as Error).message).toBe(`filesystem layer verification failed for digest ${layer}`);
    expect(await store.blobs.has(layer)).toBe(false);
    await expect(store.resolve('busybox:1.35.0')).rejects.toThrow(/No such image/);
    expect(hexOf(layer)).toHaveLength(64);
  });

  it('answers search with the official images, and reaches no other host', async () => {
    const registry = await seeded();
    expect(await client(registry, false).search('busy', 10)).toEqual([
      expect.objectContaining({ name: 'busybox', is_official: true }),
    ]);
    const elsewhere = new RegistryClient(localTransport({ [HOST]: registry }), 'ghcr.io');
    await expect(elsewhere.ping()).rejects.toBeInstanceOf(UnreachableRegistryError);
  });
});

describe('the page registry keeps only what it must', () => {
  const auth = { authorization: `Basic ${btoa('student:container')}` };
  const limited = async (limits: Partial<RegistryLimits>) => {
    let clock = 0;
    const registry = new Registry(
      new MemoryBlobStore(),
      new MemoryMetaStore(),
      { ...REGISTRY_LIMITS, ...limits },
      () => clock,
    );
    await registry.seed(readBase);
    const t = localTransport({ [HOST]: registry });
    const start = async () =>
      (await t({ host: HOST, method: 'POST', path: '/v2/student/x/blobs/uploads/', headers: auth })).headers[
        'location'
      ]!;
    const patch = (at: string, body: Uint8Array) => t({ host: HOST, method: 'PATCH', path: at, headers: auth, body });
    return { registry, t, start, patch, advance: (ms: number) => (clock += ms) };
  };

  it('forgets an upload session nobody touched for a while', async () => {
    const { registry, start, patch, advance } = await limited({ uploadIdleMs: 1000 });
    const at = await start();
    expect((await patch(at, new Uint8Array(3))).status).toBe(202);
    advance(900);
    expect((await patch(at, new Uint8Array(3))).status).toBe(202);
    advance(1001);
    const late = await patch(at, new Uint8Array(3));
    expect(late.status).toBe(404);
    expect(new TextDecoder().decode(late.body)).toContain('BLOB_UPLOAD_UNKNOWN');
    expect(registry.openUploads()).toBe(0);
  });

  it('refuses an upload past its size cap, and drops the session', async () => {
    const { registry, t, start, patch } = await limited({ uploadBytes: 10 });
    const at = await start();
    expect((await patch(at, new Uint8Array(8))).status).toBe(202);
    const over = await patch(at, new Uint8Array(3));
    expect(over.status).toBe(413);
    expect(new TextDecoder().decode(over.body)).toContain('SIZE_INVALID');
    expect(registry.openUploads()).toBe(0);
    const body = new Uint8Array(11);
    const monolithic = await t({
      host: HOST,
      method: 'POST',
      path: `/v2/student/x/blobs/uploads/?digest=${await sha256(body)}`,
      headers: auth,
      body,
    });
    expect(monolithic.status).toBe(413);
    expect(await registry.blobs.has(await sha256(body))).toBe(false);
  });

  it('keeps at most so many sessions, dropping the one touched longest ago', async () => {
    const { registry, start, patch } = await limited({ uploads: 2 });
    const first = await start();
    await start();
    await start();
    expect(registry.openUploads()).toBe(2);
    expect((await patch(first, new Uint8Array(1))).status).toBe(404);
  });

  it('frees the blobs of a deleted manifest that no other manifest uses, and keeps shared ones', async () => {
    const registry = await seeded();
    const { store, image } = await storeWith(2);
    const sources = new BlobSources(store.meta);
    await pushImage({
      store,
      client: client(registry),
      image,
      name: 'student/app',
      tag: 'v1',
      sources,
      onProgress: () => {},
    });
    const own = image.manifest.layers.slice(-2).map((l) => l.digest);
    const base = image.manifest.layers[0]!.digest;
    for (const d of [...own, base, image.manifestDigest]) expect(await registry.blobs.has(d)).toBe(true);
    const before = (await registry.blobs.list()).length;
    const del = await registry.handle({
      host: HOST,
      method: 'DELETE',
      path: `/v2/student/app/manifests/${image.manifestDigest}`,
      headers: auth,
    });
    expect(del.status).toBe(202);
    // Its own two layers, its config (not busybox's: its diff ids differ) and the manifest are gone; busybox's layer stays.
    for (const d of [...own, image.manifestDigest, image.manifest.config.digest])
      expect(await registry.blobs.has(d)).toBe(false);
    expect(await registry.blobs.has(base)).toBe(true);
    expect((await registry.blobs.list()).length).toBe(before - 4);
    const cat = await registry.handle({ host: HOST, method: 'GET', path: '/v2/_catalog' });
    expect(JSON.parse(new TextDecoder().decode(cat.body))).toEqual({ repositories: ['library/busybox'] });
    // The base image still pulls whole.
    const pulled = new ImageStore(new MemoryBlobStore(), new MemoryMetaStore());
    const r = await pullImage({
      store: pulled,
      client: client(registry, false),
      ref: parseReference('busybox'),
      sources: new BlobSources(pulled.meta),
      checkLayer,
      onProgress: () => {},
    });
    expect(r.updated).toBe(true);
  });
});
