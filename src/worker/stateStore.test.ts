import { describe, expect, it } from 'vitest';
import { SnapshotStore, describeFailure, type SnapshotRecord } from './stateStore';

const record = (id: string, createdAt: number): SnapshotRecord => ({
  meta: {
    id,
    kind: id === 'resume' ? 'resume' : 'checkpoint',
    label: id,
    createdAt,
    stateKey: 'k',
    site: { version: 't', v86: 'v', image: 'i' },
    bytes: 3,
    rawBytes: 9,
    pausedMs: 1,
    containers: 0,
    running: 0,
  },
  gz: new Uint8Array([1, 2, 3]).buffer,
  engine: {},
  channels: { control: { nextId: 1, requests: [] }, api: { open: [] } },
});

describe('SnapshotStore without IndexedDB', () => {
  it('keeps snapshots in memory and says so', async () => {
    let changed = 0;
    const store = new SnapshotStore('test', false, () => changed++);
    expect(store.mode).toBe('memory');
    await store.put(record('cp:a', 1));
    await store.put(record('resume', 2));
    expect((await store.list()).map((m) => m.id)).toEqual(['resume', 'cp:a']);
    expect((await store.get('cp:a'))?.meta.createdAt).toBe(1);
    await store.delete('cp:a');
    expect((await store.list()).map((m) => m.id)).toEqual(['resume']);
    expect(changed).toBe(2);
  });

  it('names a full quota as such', () => {
    expect(describeFailure(new DOMException('Quota exceeded', 'QuotaExceededError')).kind).toBe('quota');
    expect(describeFailure(new DOMException('gone', 'UnknownError'))).toEqual({
      kind: 'failed',
      message: 'UnknownError: gone',
    });
  });
});
