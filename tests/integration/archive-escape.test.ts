/**
 * No accepted archive places a byte outside its root, in the real guest:
 * generated and hand-written tar trees that the engine accepts are unpacked
 * the way the engine unpacks layers (LayerCache: the canonical tar, busybox
 * `tar -x` into a temporary directory, `vmctr whiteouts`), and then every
 * file outside their directories is compared with a listing made before
 * (type, size, mode, owner, mtime, link count). A control shows the listing
 * sees each kind of escape (a new file, a hard link, a chmod). The guest's
 * busybox tar defers symlinks with absolute or `..` targets and hard links to
 * the end of the archive, which stops most of these by itself; the engine's
 * check does not rely on it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexOf, sha256 } from '../../src/engine/images/digest';
import { canonicalLayerTar, UnsafeArchiveError } from '../../src/engine/images/layerArchive';
import { LayerCache, LAYERS_DIR } from '../../src/engine/runtime/layerCache';
import { archives, buildArchive, HAND_WRITTEN } from '../archives/tarTrees';
import { useVm } from './vm';

const SCAN = `find / \\( -path /proc -o -path /sys -o -path /dev \\) -prune -o -print0 |
  xargs -0 stat -c '%n|%F|%s|%a|%u|%g|%Y|%h|%N' 2>/dev/null | sort`;

describe('archives unpacked in the guest stay inside their directory', () => {
  const ctx = useVm();

  const scan = async () => {
    const r = await ctx.sh(SCAN, 120_000);
    expect(r.code).toBe(0);
    return new Map(
      r.out
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('|')), l]),
    );
  };
  const changes = (before: Map<string, string>, after: Map<string, string>, own: (path: string) => boolean) => {
    const out: string[] = [];
    for (const [p, l] of after)
      if (!own(p) && before.get(p) !== l) out.push(before.has(p) ? `changed ${l}` : `new ${l}`);
    for (const p of before.keys()) if (!own(p) && !after.has(p)) out.push(`gone ${p}`);
    return out;
  };

  it('the listing sees what an escape would do: a new file, a hard link to a file, a chmod', async () => {
    // /var/lib/docker is its own tmpfs: a hard link from a layer can only reach a file there.
    await ctx.sh('mkdir -p /tmp/outside; echo s > /var/lib/docker/sentinel');
    const before = await scan();
    await ctx.sh(
      'echo x > /tmp/outside/pwned; ln /var/lib/docker/sentinel /tmp/../var/lib/docker/hl; chmod 700 /tmp/outside',
    );
    const found = changes(before, await scan(), (p) => p === '/var/lib/docker/hl' || p === '/var/lib/docker');
    await ctx.sh('rm -f /tmp/outside/pwned /var/lib/docker/hl; chmod 755 /tmp/outside');
    expect(found.some((c) => c.startsWith('new /tmp/outside/pwned|'))).toBe(true);
    expect(found.some((c) => c.startsWith('changed /var/lib/docker/sentinel|') && c.includes('|2|'))).toBe(true);
    expect(found.some((c) => c.startsWith('changed /tmp/outside|directory|') && c.includes('|700|'))).toBe(true);
  });

  it('every accepted case, unpacked as the engine unpacks layers, changes nothing outside its directory', async () => {
    const layers = new LayerCache(ctx.vm);
    const cases = [
      ...HAND_WRITTEN.map((c) => ({ what: c.what, archive: c.archive })),
      ...fc.sample(archives, { numRuns: 600, seed: 16 }).map((archive, i) => ({ what: `generated #${i}`, archive })),
    ];
    // A first unpack makes the layers directory, so the listing before already has it.
    await layers.ensure(await sha256(new TextEncoder().encode('warm-up')), async () =>
      buildArchive({ gzip: false, entries: [{ kind: 'file', name: 'x' }] }),
    );
    await ctx.sh('mkdir -p /tmp/outside');
    const before = await scan();
    const stats = { tried: 0, refused: 0, accepted: 0, tarFailed: 0 };
    const dirs: string[] = [];
    for (const c of cases) {
      stats.tried++;
      const bytes = await buildArchive(c.archive);
      try {
        await canonicalLayerTar(bytes);
      } catch (e) {
        if (!(e instanceof UnsafeArchiveError)) throw e;
        stats.refused++;
        continue;
      }
      stats.accepted++;
      const diffId = await sha256(bytes);
      dirs.push(`${LAYERS_DIR}/${hexOf(diffId)}`);
      // tar may still fail on a legal but odd archive (a hard link to a name that is not there): not an escape.
      await layers.ensure(diffId, async () => bytes).catch(() => stats.tarFailed++);
    }
    const after = await scan();
    const own = (p: string) =>
      p === LAYERS_DIR || dirs.some((d) => p === d || p.startsWith(`${d}/`)) || p.startsWith(`${LAYERS_DIR}/.unpack.`);
    console.info(`archive safety (guest): ${JSON.stringify(stats)}`);
    expect(changes(before, after, own)).toEqual([]);
    expect(stats.accepted).toBeGreaterThan(50);
  }, 600_000);
});
