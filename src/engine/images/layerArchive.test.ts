import { packTar, type TarEntry } from 'modern-tar';
import { describe, expect, it } from 'vitest';
import { checkEntries, layerFromTar, readLayer, UnsafeArchiveError } from './layerArchive';

const file = (name: string, body = 'x'): TarEntry => ({ header: { name, size: body.length, type: 'file' }, body });
const refusal = async (entries: TarEntry[]) => {
  try {
    await readLayer(await packTar(entries));
  } catch (e) {
    if (e instanceof UnsafeArchiveError) return `${e.entry}: ${e.reason}`;
    throw e;
  }
  return 'accepted';
};

describe('layer archives', () => {
  it('tells whiteouts and opaque directories apart from files', async () => {
    const entries = await readLayer(
      await packTar([
        { header: { name: 'etc/', type: 'directory', size: 0 } },
        file('etc/.wh.passwd', ''),
        file('var/cache/.wh..wh..opq', ''),
        file('./hello', 'hi'),
      ]),
    );
    expect(entries.map((e) => [e.path, e.type])).toEqual([
      ['etc', 'directory'],
      ['etc/passwd', 'whiteout'],
      ['var/cache', 'opaque'],
      ['hello', 'file'],
    ]);
  });

  it('refuses each unsafe kind of entry, naming it', async () => {
    expect(await refusal([file('/etc/passwd')])).toBe('/etc/passwd: absolute path');
    expect(await refusal([file('a/../../escape')])).toBe('a/../../escape: path leaves the root (..)');
    expect(await refusal([{ header: { name: 'up', type: 'symlink', size: 0, linkname: '../../..' } }])).toBe(
      'up: symlink to ../../.. leaves the root',
    );
    expect(
      await refusal([{ header: { name: 'etc', type: 'symlink', size: 0, linkname: '/etc' } }, file('etc/shadow')]),
    ).toBe('etc/shadow: path runs through the symlink etc');
    expect(await refusal([{ header: { name: 'h', type: 'link', size: 0, linkname: '../outside' } }])).toBe(
      'h: hard link to ../outside leaves the root',
    );
    expect(await refusal([{ header: { name: 'dev/sda', type: 'block-device', size: 0 } }])).toMatch(
      /^dev\/sda: device node/,
    );
    // A symlink that points up but stays inside is fine, as are absolute targets.
    expect(
      await refusal([
        { header: { name: 'a/b/up', type: 'symlink', size: 0, linkname: '../x' } },
        { header: { name: 'abs', type: 'symlink', size: 0, linkname: '/bin/busybox' } },
      ]),
    ).toBe('accepted');
  });

  it('refuses entries over the size limit', () => {
    expect(() => checkEntries([{ name: 'big', size: 10 }], { entryBytes: 5, totalBytes: 100, entries: 10 })).toThrow(
      /big.*larger than 5 bytes/,
    );
    expect(() =>
      checkEntries(
        [
          { name: 'a', size: 4 },
          { name: 'b', size: 4 },
        ],
        { entryBytes: 5, totalBytes: 6, entries: 10 },
      ),
    ).toThrow(/"b".*archive larger than 6 bytes/);
  });

  it('makes the same blob from the same tar', async () => {
    const tar = await packTar([file('a', 'same')]);
    const [x, y] = [await layerFromTar(tar), await layerFromTar(tar.slice())];
    expect(x.descriptor.digest).toBe(y.descriptor.digest);
    expect(x.diffId).not.toBe(x.descriptor.digest);
    expect(x.descriptor.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
  });
});
