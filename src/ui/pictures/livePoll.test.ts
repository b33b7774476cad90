import { afterEach, describe, expect, it, vi } from 'vitest';
import { LivePoll } from './livePoll.svelte';

describe('LivePoll', () => {
  afterEach(() => vi.useRealTimers());

  it('reads once more right after a read under way when a change is announced during it', async () => {
    vi.useFakeTimers();
    let state = 'before';
    const reads: string[] = [];
    let release!: () => void;
    const poll = new LivePoll(async () => {
      const seen = state;
      // The first read is slow: the guest answers after the change was announced.
      if (reads.length === 0) await new Promise<void>((r) => (release = r));
      reads.push(seen);
      return seen;
    });
    poll.start();
    state = 'after';
    void poll.refresh();
    release();
    await vi.advanceTimersByTimeAsync(10);
    // Not a second later (the polling interval): at once.
    expect(reads).toEqual(['before', 'after']);
    expect(poll.value).toBe('after');
    poll.stop();
  });

  it('waits longer while nothing changes, and reads at once on refresh', async () => {
    vi.useFakeTimers();
    let n = 0;
    const poll = new LivePoll(async () => (n++, 'same'), { minMs: 1000, maxMs: 8000 });
    poll.start();
    await vi.advanceTimersByTimeAsync(1000 + 2000 + 4000 + 10);
    expect(n).toBe(4);
    await vi.advanceTimersByTimeAsync(7000);
    expect(n).toBe(4);
    await poll.refresh();
    expect(n).toBe(5);
    poll.stop();
  });
});
