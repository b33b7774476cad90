/** The check vocabulary on a fake guest: what a failed check tells the student. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeEngine } from '../engine/testing/fakeEngine';
import { evaluate } from './checks';

const BASE = join(import.meta.dirname, '..', '..', 'public', 'images');
const readBase = async (p: string) => new Uint8Array(readFileSync(join(BASE, p)));

describe('a container check of the image it runs', () => {
  it('says which image the container runs, also when the wanted image is not on this machine', async () => {
    const { engine } = fakeEngine(readBase);
    await engine.create({ image: 'busybox', cmd: ['true'], name: 'prod' });
    const ctx = { engine, events: [] };
    expect(await evaluate({ container: 'prod', fromImage: 'busybox' }, ctx)).toEqual({ ok: true, failures: [] });
    const other = await evaluate({ container: 'prod', fromImage: 'scratch' }, ctx);
    expect(other.failures).toEqual([
      {
        what: { key: 'check.what.runsImage', params: { name: 'prod' } },
        want: 'scratch',
        found: expect.stringMatching(/^busybox:/),
      },
    ]);
    const absent = await evaluate({ container: 'prod', fromImage: 'app:1.1.0' }, ctx);
    expect(absent.failures.map((f) => [f.what, f.want, f.found])).toEqual([
      [{ key: 'check.what.runsImage', params: { name: 'prod' } }, 'app:1.1.0', expect.stringMatching(/^busybox:/)],
      [
        { key: 'check.what.image', params: { ref: 'app:1.1.0' } },
        { key: 'check.value.exists' },
        { key: 'check.value.none' },
      ],
    ]);
  });
});

describe('all of several checks', () => {
  it('says a difference that two of them find only once', async () => {
    const { engine } = fakeEngine(readBase);
    await engine.create({ image: 'busybox', cmd: ['true'], name: 'prod' });
    const r = await evaluate(
      {
        all: [
          { container: 'prod', fromImage: 'app:1.1.0' },
          { image: 'app:1.1.0', exists: true },
        ],
      },
      { engine, events: [] },
    );
    expect(r.ok).toBe(false);
    expect(r.failures.filter((f) => JSON.stringify(f.what).includes('check.what.image'))).toHaveLength(1);
    expect(r.failures).toHaveLength(2);
  });
});
