import { describe, expect, it } from 'vitest';
import type { Digest } from './digest';
import type { Image } from './imageStore';
import { isAncestor, untaggedParents } from './imageParents';

const d = (n: number) => `sha256:${String(n).padStart(64, '0')}` as Digest;
let next = 100;
/** An image whose layers and history are given by the steps it went through. */
function image(steps: string[], layers: number[], tags: string[] = []): Image {
  const id = d(next++);
  return {
    id,
    manifestDigest: d(next++),
    manifest: {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'c', digest: id, size: 1 },
      layers: layers.map((n) => ({ mediaType: 'l', digest: d(n), size: 1 })),
    },
    config: {
      architecture: '386',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: layers.map(d) },
      history: steps.map((s) => ({ created_by: s, created: '2026-01-01T00:00:00Z' })),
    },
    tags,
  };
}

describe('image parents (docker rmi of a built image)', () => {
  const base = image(['busybox'], [1], ['busybox:latest']);
  const step1 = image(['busybox', 'COPY a'], [1, 2]);
  const step2 = image(['busybox', 'COPY a', 'RUN b'], [1, 2, 3]);
  const app = image(['busybox', 'COPY a', 'RUN b', 'CMD x'], [1, 2, 3], ['app:1']);

  it('knows a step image is where the next one came from, not the other way round', () => {
    expect(isAncestor(step1, step2)).toBe(true);
    expect(isAncestor(step2, app)).toBe(true);
    expect(isAncestor(app, step2)).toBe(false);
    expect(isAncestor(image(['busybox', 'COPY other'], [1, 9]), step2)).toBe(false);
  });

  it('deletes the untagged chain below a removed image, stopping at a tagged one', () => {
    expect(untaggedParents(app, [base, step1, step2], new Set())).toEqual([step2, step1]);
  });

  it('keeps a parent another image still grows from, or a container runs', () => {
    const sibling = image(['busybox', 'COPY a', 'RUN other'], [1, 2, 7], ['other:1']);
    expect(untaggedParents(app, [base, step1, step2, sibling], new Set())).toEqual([step2]);
    expect(untaggedParents(app, [base, step1, step2], new Set([step2.id]))).toEqual([]);
  });
});
