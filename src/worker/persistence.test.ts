import { describe, expect, it } from 'vitest';
import type { ApiStream } from '../vm/apiChannel';
import { IMAGE_STORE_LOCK, Persistence } from './persistence';
import { SnapshotStore } from './stateStore';

/** Web Locks as one tab sees them: one holder at a time, in order (shared requests simply wait too). */
function fakeLocks() {
  const held: string[] = [];
  let tail = Promise.resolve();
  const locks = {
    held,
    request(name: string, opts: LockOptions, fn: () => Promise<unknown>) {
      const run = tail.then(async () => {
        held.push(`${name}:${opts.mode}`);
        try {
          return await fn();
        } finally {
          held.pop();
        }
      });
      tail = run.then(
        () => {},
        () => {},
      );
      return run;
    },
  };
  return locks as unknown as LockManager & { held: string[] };
}

function stream(id: number) {
  const closeListeners: (() => void)[] = [];
  const s: ApiStream & { ended: boolean; closeByClient(): void } = {
    id,
    ended: false,
    write: () => {},
    end: () => void (s.ended = true),
    onClose: (l) => closeListeners.push(l),
    onEnd: () => {},
    closeByClient: () => closeListeners.forEach((l) => l()),
  };
  return s;
}

/** A Persistence with no machine behind it, its snapshots in memory, under these locks. */
const persistence = (locks = fakeLocks()) =>
  new Persistence(
    { vm: () => null, engine: () => null, manifest: () => null, publish: () => {} },
    { version: 'test' },
    new SnapshotStore('test', false),
    locks,
  );

const request = (line: string) => new TextEncoder().encode(`${line} HTTP/1.1\r\nHost: docker\r\n\r\n`);
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('Persistence.trackApi', () => {
  it('runs image-changing requests one at a time under the image store lock; lasting ones need none', async () => {
    const locks = fakeLocks();
    const p = persistence(locks);
    const fed: string[] = [];
    const answers = new Map<number, ApiStream>();
    const handler = p.trackApi((s) => {
      answers.set(s.id, s);
      return (d) => fed.push(`${s.id}:${new TextDecoder().decode(d).split(' ')[0]}`);
    });
    const build = stream(1);
    const prune = stream(2);
    const attach = stream(3);
    handler(build)(request('POST /build?t=app'));
    handler(prune)(request('POST /images/prune'));
    handler(attach)(request('POST /containers/abc/attach?stream=1'));
    await settle();
    // The build holds the lock; the prune waits for it; the attach went straight on.
    expect(fed).toEqual(['3:POST', '1:POST']);
    expect(locks.held).toEqual([`${IMAGE_STORE_LOCK}:exclusive`]);
    answers.get(1)!.end();
    await settle();
    expect(fed).toEqual(['3:POST', '1:POST', '2:POST']);
    // A client that goes away lets the lock go too.
    prune.closeByClient();
    await settle();
    expect(locks.held).toEqual([]);
  });
});

describe('Persistence.apiIdle', () => {
  it('lets a picture read once the Docker requests under way are answered, not during them', async () => {
    const p = persistence();
    const answers = new Map<number, ApiStream>();
    const handler = p.trackApi((s) => {
      answers.set(s.id, s);
      return () => {};
    });
    let idle = false;
    await p.apiIdle(5000);
    const start = stream(1);
    const attach = stream(2);
    handler(attach)(request('POST /containers/abc/attach?stream=1'));
    handler(start)(request('POST /containers/abc/start'));
    await settle();
    void p.apiIdle(5000).then(() => (idle = true));
    await settle();
    // The start is being answered; the attach (it lasts as long as the container) does not count.
    expect(idle).toBe(false);
    answers.get(start.id)!.end();
    await settle();
    expect(idle).toBe(true);
  });

  it('gives up waiting after its limit', async () => {
    const p = persistence();
    p.trackApi(() => () => {})(stream(1))(request('POST /build?t=app'));
    await settle();
    const t0 = performance.now();
    await p.apiIdle(30);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
  });
});
