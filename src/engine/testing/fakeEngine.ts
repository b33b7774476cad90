/** An Engine on a FakeGuest with the shipped base images in memory: for unit tests of the daemon's logic. */
import { Engine } from '../engine';
import { ImageStore } from '../images/imageStore';
import { MemoryBlobStore, MemoryMetaStore, type BlobStore } from '../images/storage';
import { FakeGuest } from './fakeGuest';

/** `readBase` reads a file of public/images (the test supplies it: the engine itself has no file system). */
export function fakeEngine(readBase: (path: string) => Promise<Uint8Array>, opts: { blobs?: BlobStore } = {}) {
  const guest = new FakeGuest();
  // An unpacked layer is "there" at once; a layer tar read back from a container is an empty tar;
  // the host's name is a made-up one (a test that cares sets its own rule first).
  guest
    .on(/^test -d /, { exitCode: 0 })
    .on(/^vmctr layer-tar /, { stdout: new Uint8Array(1024) })
    .on(/^hostname$/, { stdout: 'fake-guest\n' });
  const images = new ImageStore(opts.blobs ?? new MemoryBlobStore(), new MemoryMetaStore());
  const engine = new Engine(guest, images, () => images.importLayout(readBase));
  return { engine, guest, images };
}
