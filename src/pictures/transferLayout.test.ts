import { describe, expect, it } from 'vitest';
import type { Transfer } from '../engine/distribution/transfer';
import { BLOCK_W, compareBars, transferLayout } from './transferLayout';

const push: Transfer = {
  direction: 'push',
  reference: 'student/hello:v1',
  host: 'localhost:5000',
  repository: 'student/hello',
  manifest: 'sha256:m',
  layers: [
    { digest: 'sha256:base', size: 1000, fate: 'mounted', from: 'library/busybox' },
    { digest: 'sha256:app', size: 20, fate: 'moved' },
  ],
  bytes: 1200,
  requests: 7,
  ms: 40,
};

describe('the registry transfer', () => {
  it('sends an uploaded layer from the daemon to the registry, top layer first', () => {
    const l = transferLayout(push, 480);
    expect(l.blocks.map((b) => b.digest)).toEqual(['sha256:app', 'sha256:base']);
    const app = l.blocks[0]!;
    expect([app.fromX, app.toX, app.stays]).toEqual([4, 480 - BLOCK_W - 4, true]);
    // Mounted: appears in the registry without crossing.
    const base = l.blocks[1]!;
    expect([base.fromX, base.toX, base.stays]).toEqual([l.rightX, l.rightX, false]);
  });

  it('on a pull, a downloaded layer travels right to left; one already present stays on both sides', () => {
    const pull = transferLayout({
      ...push,
      direction: 'pull',
      layers: [
        { digest: 'sha256:base', size: 1000, fate: 'present' },
        { digest: 'sha256:app', size: 20, fate: 'moved' },
      ],
    });
    expect(pull.blocks[0]!.fromX).toBe(pull.rightX);
    expect(pull.blocks[0]!.toX).toBe(pull.leftX);
    expect(pull.blocks[1]).toMatchObject({ fromX: pull.leftX, toX: pull.leftX, stays: true });
  });

  it('compares two figures on one scale', () => {
    expect(compareBars(4000, 400, 200)).toEqual([200, 20]);
    expect(compareBars(null, 400, 200)).toEqual([0, 200]);
    expect(compareBars(1_000_000, 1, 100)[1]).toBe(2);
  });
});
