/**
 * Makes the base images the engine starts with, as a real OCI image layout in
 * public/images/: `busybox` (Debian's busybox-static:i386, the very binary in
 * the guest, with a link per applet) and `scratch` (no layers at all).
 *
 * The busybox binary and its applet list are read from the booted guest, so
 * the image holds exactly what Debian's package put there; its labels name
 * the package and version from public/vm/manifest.json. Tar and gzip are
 * deterministic (sorted, fixed times), so the digests only change when the
 * package does. Run by `npm run vm:build`, or alone: `npm run images:build`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { packTar, type TarEntry } from 'modern-tar';
import { bootNodeVm, loadManifest, ROOT } from '../src/node/nodeVm';
import { hexOf, sha256, type Digest } from '../src/engine/images/digest';
import { MEDIA, REF_NAME, type Descriptor, type ImageConfig, type ImageManifest } from '../src/engine/images/oci';

const OUT = join(ROOT, 'public', 'images');
const EPOCH = new Date('2024-01-01T00:00:00Z');
const CREATED = EPOCH.toISOString();

const blobs = new Map<Digest, Uint8Array>();
async function blob(data: Uint8Array): Promise<Digest> {
  const d = await sha256(data);
  blobs.set(d, data);
  return d;
}
const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

async function image(config: ImageConfig, layers: Descriptor[], refs: string[]): Promise<Descriptor[]> {
  const configBytes = json(config);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config: { mediaType: MEDIA.config, digest: await blob(configBytes), size: configBytes.length },
    layers,
  };
  const bytes = json(manifest);
  const digest = await blob(bytes);
  return refs.map((ref) => ({
    mediaType: MEDIA.manifest,
    digest,
    size: bytes.length,
    annotations: { [REF_NAME]: ref },
  }));
}

async function main() {
  const vmManifest = loadManifest();
  const pkg = vmManifest.debianPackages.find((p) => p.package === 'busybox-static');
  if (!pkg) throw new Error('public/vm/manifest.json names no busybox-static package');
  const vm = await bootNodeVm({});
  const busybox = (await vm.channel.exec(['cat', '/bin/busybox'])).stdout;
  const applets = new TextDecoder()
    .decode((await vm.channel.exec(['/bin/busybox', '--list-full'])).stdout)
    .split('\n')
    .filter((a) => a && a !== 'bin/busybox')
    .sort();
  await vm.destroy();

  const dir = (name: string, mode = 0o755): TarEntry => ({
    header: { name: `${name}/`, type: 'directory', size: 0, mode, mtime: EPOCH, uid: 0, gid: 0 },
  });
  const file = (name: string, body: Uint8Array | string, mode = 0o644): TarEntry => {
    const data = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    return { header: { name, size: data.length, mode, mtime: EPOCH, uid: 0, gid: 0 }, body: data };
  };
  const dirs = new Set([
    'bin',
    'dev',
    'etc',
    'home',
    'proc',
    'root',
    'sys',
    'tmp',
    'usr',
    'var',
    'var/spool',
    'var/spool/mail',
  ]);
  for (const a of applets) {
    const parts = a.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries: TarEntry[] = [
    ...[...dirs].sort().map((d) => dir(d, d === 'tmp' ? 0o1777 : d === 'root' ? 0o700 : 0o755)),
    file('bin/busybox', busybox, 0o755),
    file(
      'etc/group',
      'root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\nwheel:x:10:\nusers:x:100:\nnogroup:x:65534:\n',
    ),
    file(
      'etc/passwd',
      'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
    ),
    // Absolute links, as `busybox --install -s` makes: they resolve inside the container's root.
    ...applets.map((a) => ({
      header: {
        name: a,
        type: 'symlink' as const,
        linkname: '/bin/busybox',
        size: 0,
        mode: 0o777,
        mtime: EPOCH,
        uid: 0,
        gid: 0,
      },
    })),
  ].sort((x, y) => (x.header.name < y.header.name ? -1 : x.header.name > y.header.name ? 1 : 0));
  const tar = await packTar(entries);
  const gz = gzipSync(tar, { level: 9, mtime: 0 });
  const diffId = await sha256(tar);
  const layer: Descriptor = { mediaType: MEDIA.layerGzip, digest: await blob(gz), size: gz.length };
  const version = pkg.version;
  const upstream = version.replace(/^\d+:/, '').replace(/-.*/, '');
  const busyboxConfig: ImageConfig = {
    created: CREATED,
    architecture: '386',
    os: 'linux',
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['sh'],
      Labels: {
        'org.opencontainers.image.title': 'busybox',
        'org.opencontainers.image.description': `BusyBox from Debian's ${pkg.package} package, one link per applet`,
        'org.opencontainers.image.version': upstream,
        'org.opencontainers.image.licenses': 'GPL-2.0-only',
        'dev.playground.debian.package': pkg.package,
        'dev.playground.debian.version': version,
        'dev.playground.debian.architecture': pkg.architecture,
        'dev.playground.debian.deb-sha256': pkg.sha256,
      },
    },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [
      {
        created: CREATED,
        created_by: `/bin/busybox and ${applets.length} applet links from Debian ${pkg.package} ${version} (${pkg.architecture})`,
      },
      { created: CREATED, created_by: 'CMD ["sh"]', empty_layer: true },
    ],
  };
  const scratchConfig: ImageConfig = {
    created: CREATED,
    architecture: '386',
    os: 'linux',
    config: { Labels: { 'org.opencontainers.image.description': 'An empty image: no layers, no files' } },
    rootfs: { type: 'layers', diff_ids: [] },
    history: [],
  };
  const manifests = [
    ...(await image(busyboxConfig, [layer], ['busybox:latest', `busybox:${upstream}`])),
    ...(await image(scratchConfig, [], ['scratch:latest'])),
  ];

  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(OUT, 'blobs', 'sha256'), { recursive: true });
  for (const [d, data] of blobs) writeFileSync(join(OUT, 'blobs', 'sha256', hexOf(d)), data);
  writeFileSync(join(OUT, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }) + '\n');
  writeFileSync(
    join(OUT, 'index.json'),
    JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.index, manifests }, null, 2) + '\n',
  );
  console.log(`images: busybox ${upstream} (${applets.length} applets, layer ${gz.length} bytes gzip) and scratch`);
  process.exit(0);
}

main().catch((e: Error) => {
  console.error(`images: ${e.message}`);
  process.exit(1);
});
