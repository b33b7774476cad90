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

const request = (line: string) => new TextEncoder().encode(`${line} HTTP/1.1\r\nHost: docker\r\n\r\n`);
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('Persistence.trackApi', () => {
  it('runs image-changing requests one at a time under the image store lock; lasting ones need none', async () => {
    const locks = fakeLocks();
    const p = new Persistence(
      { vm: () => null, engine: () => null, manifest: () => null, publish: () => {} },
      { version: 'test' },
      new SnapshotStore('test', false),
      locks,
    );
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
