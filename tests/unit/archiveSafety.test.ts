/**
 * No accepted archive places a byte outside its root: generated tar trees
 * go through the engine's check and canonical rewrite (what the guest
 * unpacks), then through a model of the guest's tar. The real guest does the
 * same in tests/integration/archive-escape.test.ts.
 */
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { packTar } from 'modern-tar';
import { describe, expect, it } from 'vitest';
import {
  canonicalLayerTar,
  gunzipBounded,
  normalizeEntryPath,
  UnsafeArchiveError,
} from '../../src/engine/images/layerArchive';
import { archives, buildArchive, HAND_WRITTEN } from '../archives/tarTrees';
import { extractInModel } from '../archives/tarModel';

/** What the guest would unpack, or the refusal. */
async function accept(bytes: Uint8Array): Promise<Uint8Array | UnsafeArchiveError> {
  try {
    return await canonicalLayerTar(bytes);
  } catch (e) {
    if (e instanceof UnsafeArchiveError) return e;
    throw e;
  }
}

describe('the model of the guest’s tar', () => {
  it('sees an escape when an unsafe archive is unpacked unchecked', async () => {
    // The others need a tar that ignores global PAX names (busybox does), or one that does not unlink
    // before mknod, or they only aim a symlink out without writing through it.
    const escaping = [
      'dot segment hides a symlink',
      'doubled slash hides a symlink',
      'dot segments deepen a relative symlink',
      'hard link through a symlink',
      'hard link to a symlink, used as a directory',
      'directory over a symlink (chmod follows it)',
    ];
    for (const { what, archive } of HAND_WRITTEN.filter((c) => escaping.includes(c.what))) {
      const r = await extractInModel(await buildArchive(archive));
      expect(r.escapes, what).not.toEqual([]);
    }
  });
});

describe('archive paths', () => {
  it('normalises segment by segment and refuses what leaves the root', () => {
    expect(normalizeEntryPath('./a//b/./c/')).toBe('a/b/c');
    expect(normalizeEntryPath('.')).toBe('');
    expect(() => normalizeEntryPath('a/../b')).toThrow('path leaves the root');
    expect(() => normalizeEntryPath('/etc')).toThrow('absolute path');
    expect(() => normalizeEntryPath('a\0b')).toThrow('NUL byte');
  });
});

describe('no accepted archive writes outside its root', () => {
  it('hand-written cases: each known hole is refused, the harmless long-name tree is kept', async () => {
    const results: string[] = [];
    for (const { what, archive } of HAND_WRITTEN) {
      const r = await accept(await buildArchive(archive));
      if (r instanceof UnsafeArchiveError) results.push(`${what}: refused (${r.reason})`);
      else {
        const m = await extractInModel(r);
        expect(m.escapes, what).toEqual([]);
        results.push(`${what}: accepted`);
      }
    }
    // The two whose PAX or GNU name disagrees with the ustar name are safe: the guest gets the name that was checked.
    expect(results.filter((r) => r.endsWith('accepted'))).toEqual([
      'PAX path disagrees with the ustar name: accepted',
      'GNU long name disagrees with the ustar name: accepted',
      'long names inside, kept: accepted',
    ]);
  });

  it('generated tar trees (fast-check): accepted ones never escape in the model', async () => {
    const stats = { tried: 0, refused: 0, accepted: 0 };
    await fc.assert(
      fc.asyncProperty(archives, async (a) => {
        stats.tried++;
        const r = await accept(await buildArchive(a));
        if (r instanceof UnsafeArchiveError) {
          stats.refused++;
          return true;
        }
        stats.accepted++;
        const m = await extractInModel(r);
        return m.escapes.length === 0;
      }),
      { numRuns: 3000, seed: 15 },
    );
    console.info(`archive safety (model): ${JSON.stringify(stats)}`);
    // The generator must produce both kinds, or the property proves nothing.
    expect(stats.accepted).toBeGreaterThan(300);
    expect(stats.refused).toBeGreaterThan(300);
  }, 120_000);
});

describe('gzip is decompressed as a stream with a running count', () => {
  it('refuses a small gzip that claims or makes more than the limit, without making it', () => {
    const bomb = gzipSync(new Uint8Array(8 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(() => gunzipBounded(bomb, 1024 * 1024)).toThrow(/decompresses to more than 1048576 bytes/);
    // A trailer that lies about the size (what gunzipSync allocates up front) changes nothing here.
    const lying = bomb.slice();
    new DataView(lying.buffer).setUint32(lying.length - 4, 0xfffffff0, true);
    expect(() => gunzipBounded(lying, 1024 * 1024)).toThrow(UnsafeArchiveError);
    expect(gunzipBounded(gzipSync(new TextEncoder().encode('hello')))).toEqual(new TextEncoder().encode('hello'));
  });

  it('a layer that decompresses past the archive limit is refused before its tar is read', async () => {
    const tar = await packTar([
      { header: { name: 'zeros', size: 4 * 1024 * 1024, type: 'file' }, body: new Uint8Array(4 * 1024 * 1024) },
    ]);
    const { ungzip } = await import('../../src/engine/images/layerArchive');
    expect(() => ungzip(gzipSync(tar), 1024 * 1024)).toThrow(/decompresses to more than/);
  });
});
