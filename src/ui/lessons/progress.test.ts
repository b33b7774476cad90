import { describe, expect, it } from 'vitest';
import { Progress } from './progress.svelte';
import { storageHealth } from '../storageHealth.svelte';

/** localStorage as two tabs share it. */
function sharedStorage() {
  const m = new Map<string, string>();
  return {
    map: m,
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
  };
}

describe('Progress', () => {
  it('keeps both passes when two tabs pass different exercises of one lesson', () => {
    const storage = sharedStorage();
    const tabA = new Progress(storage);
    const tabB = new Progress(storage);
    tabA.pass('03-namespaces', 'own-hostname');
    tabB.pass('03-namespaces', 'shared-pid'); // B never saw A's pass in memory
    const later = new Progress(storage);
    expect(later.passed['03-namespaces']?.sort()).toEqual(['own-hostname', 'shared-pid']);
  });

  it('drops passes made before the lesson was started over, keeps later ones', async () => {
    const storage = sharedStorage();
    const tabA = new Progress(storage);
    const tabB = new Progress(storage);
    tabA.pass('04-cgroups', 'memory-limit');
    await new Promise((r) => setTimeout(r, 2));
    tabB.reset('04-cgroups');
    await new Promise((r) => setTimeout(r, 2));
    tabA.pass('04-cgroups', 'pids-limit');
    expect(new Progress(storage).passed['04-cgroups']).toEqual(['pids-limit']);
  });

  it('reads the first format (one key for everything) and keeps it per lesson from then on', () => {
    const storage = sharedStorage();
    storage.setItem(
      'playground.progress.v1',
      JSON.stringify({ lesson: '05-overlay', steps: { '05-overlay': 2 }, passed: { '05-overlay': ['whiteout'] } }),
    );
    const p = new Progress(storage);
    expect(p.lesson).toBe('05-overlay');
    expect(p.step('05-overlay')).toBe(2);
    expect(p.isPassed('05-overlay', 'whiteout')).toBe(true);
    expect(JSON.parse(storage.map.get('playground.progress.v1/05-overlay')!).step).toBe(2);
    expect(new Progress(storage).isPassed('05-overlay', 'whiteout')).toBe(true);
  });

  it('reports a write the browser refuses and keeps the pass in memory', () => {
    const full = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      },
    };
    storageHealth.dismiss();
    const p = new Progress(full);
    p.pass('06-images', 'cache');
    expect(p.isPassed('06-images', 'cache')).toBe(true);
    expect(storageHealth.failed).toMatchObject({ what: 'progress', quota: true });
  });
});

describe('Progress, reset exercises and answers', () => {
  it('an exercise reset in one tab stays reset when another tab writes', async () => {
    const m = new Map<string, string>();
    const storage = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
    const a = new Progress(storage);
    a.pass('07-lifecycle', 'stop-it');
    a.answer('07-lifecycle', 'guess', { answer: 2, right: true });
    const b = new Progress(storage);
    await new Promise((r) => setTimeout(r, 2));
    b.unpass('07-lifecycle', 'stop-it');
    a.goTo('07-lifecycle', 1); // a still believes the exercise passed
    const later = new Progress(storage);
    expect(later.isPassed('07-lifecycle', 'stop-it')).toBe(false);
    expect(later.answerOf('07-lifecycle', 'guess')).toEqual({ answer: 2, right: true });
  });
});

describe('Progress in a work file', () => {
  it('is exported and loaded back whole (the per-lesson keys pass the work file checks)', async () => {
    const { exportWork, importWork } = await import('../savedWork');
    const backing = new Map<string, string>();
    const storage = {
      get length() {
        return backing.size;
      },
      key: (i: number) => [...backing.keys()][i] ?? null,
      getItem: (k: string) => backing.get(k) ?? null,
      setItem: (k: string, v: string) => void backing.set(k, v),
      removeItem: (k: string) => void backing.delete(k),
      clear: () => backing.clear(),
    } as Storage;
    const p = new Progress(storage);
    p.pass('03-namespaces', 'own-hostname');
    p.answer('03-namespaces', 'guess', { answer: 'b', right: false });
    const file = JSON.stringify(exportWork(storage));
    backing.clear();
    const report = importWork(storage, file);
    expect(report.skipped).toEqual([]);
    expect(new Progress(storage).isPassed('03-namespaces', 'own-hostname')).toBe(true);
  });
});
