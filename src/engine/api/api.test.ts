/** The API layer on a fake guest: routes, body checks, and each error kind's one status code. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineError, type ErrorKind } from '../engineError';
import type { Engine } from '../engine';
import { MemoryBlobStore } from '../images/storage';
import { fakeEngine } from '../testing/fakeEngine';
import { statusOf } from './errors';
import { serveConnection } from './routes';

const BASE = join(import.meta.dirname, '..', '..', '..', 'public', 'images');
const readBase = async (p: string) => new Uint8Array(readFileSync(join(BASE, p)));

/** One request through serveConnection; the status and the JSON body of the answer. */
async function request(engine: Engine, method: string, path: string, body?: unknown) {
  const payload = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const raw = `${method} /v1.43${path} HTTP/1.1\r\nHost: docker\r\nContent-Length: ${new TextEncoder().encode(payload).length}\r\n\r\n${payload}`;
  const chunks: Uint8Array[] = [];
  const ended = new Promise<void>((resolve) => {
    const feed = serveConnection(engine, { write: (b) => chunks.push(b), end: resolve });
    feed(new TextEncoder().encode(raw));
  });
  await ended;
  const text = new TextDecoder().decode(Buffer.concat(chunks));
  const [head, rest] = text.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d+)/.exec(head!)![1]);
  return { status, body: rest ? (JSON.parse(rest) as { message?: string } & Record<string, unknown>) : undefined };
}

describe('error kinds become statuses in one place', () => {
  it('maps every kind, and anything else is the daemon’s fault', () => {
    const kinds: [ErrorKind, number][] = [
      ['invalidParameter', 400],
      ['unauthorized', 401],
      ['forbidden', 403],
      ['notFound', 404],
      ['conflict', 409],
      ['notModified', 304],
      ['system', 500],
    ];
    for (const [kind, status] of kinds) expect(statusOf(new EngineError('x', kind))).toBe(status);
    expect(statusOf(new Error('disk full'))).toBe(500);
    expect(statusOf('thrown string')).toBe(500);
  });
});

describe('the API on a fake guest', () => {
  it('answers 400 to a body that is not JSON or has the wrong shape, naming the field', async () => {
    const { engine } = fakeEngine(readBase);
    let r = await request(engine, 'POST', '/containers/create', '{"Image": "busybox",');
    expect(r.status).toBe(400);
    expect(r.body!.message).toMatch(/^invalid JSON in the request body/);
    r = await request(engine, 'POST', '/containers/create', { Image: 'busybox', Cmd: 'true' });
    expect(r).toEqual({ status: 400, body: { message: 'invalid request body: Cmd must be a list, not string' } });
    r = await request(engine, 'POST', '/containers/create', { Image: 'busybox', HostConfig: { Memory: '1g' } });
    expect(r.body!.message).toBe('invalid request body: HostConfig.Memory must be a number, not string');
    r = await request(engine, 'POST', '/containers/create', [1]);
    expect(r.status).toBe(400);
    // What the Docker CLI sends for unset fields: null, and fields this daemon does not use.
    r = await request(engine, 'POST', '/containers/create?name=ok', {
      Image: 'busybox',
      Cmd: ['true'],
      Entrypoint: null,
      Env: null,
      Volumes: {},
      HostConfig: { Binds: null, PortBindings: { '80/tcp': null }, LogConfig: { Type: '' } },
    });
    expect(r.status).toBe(201);
  });

  it("answers a wait's condition as Docker does, and 400 to one it does not know", async () => {
    const { engine } = fakeEngine(readBase);
    const c = await engine.create({ image: 'busybox', cmd: ['true'] });
    expect(await request(engine, 'POST', `/containers/${c.Id}/wait?condition=not-running`)).toEqual({
      status: 200,
      body: { StatusCode: 0, Error: null },
    });
    expect(await request(engine, 'POST', `/containers/${c.Id}/wait?condition=soon`)).toEqual({
      status: 400,
      body: { message: 'invalid condition: "soon"' },
    });
  });

  it('404 for what is not there, 409 for a clash with the state, 500 for a guest failure', async () => {
    const { engine, guest } = fakeEngine(readBase);
    expect((await request(engine, 'GET', '/containers/nope/json')).status).toBe(404);
    expect((await request(engine, 'GET', '/images/nope:1/json')).status).toBe(404);
    expect((await request(engine, 'GET', '/exec/' + 'a'.repeat(64) + '/json')).status).toBe(404);
    expect((await request(engine, 'GET', '/networks/nope')).status).toBe(404);
    expect((await request(engine, 'GET', '/no/such/path')).body!.message).toBe('page not found: GET /no/such/path');
    await request(engine, 'POST', '/containers/create?name=web', { Image: 'busybox', Cmd: ['sleep', '9'] });
    expect((await request(engine, 'POST', '/containers/create?name=web', { Image: 'busybox' })).status).toBe(409);
    expect((await request(engine, 'POST', '/containers/web/start')).status).toBe(204);
    expect((await request(engine, 'POST', '/containers/web/start')).status).toBe(304);
    expect((await request(engine, 'DELETE', '/containers/web')).status).toBe(409);
    expect((await request(engine, 'DELETE', '/networks/bridge')).status).toBe(403);
    guest.on(/vmctr run/, { stderr: 'mount: No such device', exitCode: 32 });
    await request(engine, 'POST', '/containers/create?name=broken', { Image: 'busybox', Cmd: ['true'] });
    const r = await request(engine, 'POST', '/containers/broken/start');
    expect(r.status).toBe(500);
    expect(r.body!.message).toMatch(/mount: No such device/);
  });

  it('answers 500, not 400, when the image storage fails', async () => {
    class BrokenStore extends MemoryBlobStore {
      broken = false;
      override async get(d: Parameters<MemoryBlobStore['get']>[0]) {
        if (this.broken) throw new Error('IndexedDB: QuotaExceededError');
        return super.get(d);
      }
    }
    const blobs = new BrokenStore();
    const { engine } = fakeEngine(readBase, { blobs });
    await engine.ensureImages();
    blobs.broken = true;
    const r = await request(engine, 'GET', '/images/busybox/json');
    expect(r).toEqual({ status: 500, body: { message: 'IndexedDB: QuotaExceededError' } });
  });

  it('routes image names with a registry host and slashes', async () => {
    const { engine } = fakeEngine(readBase);
    await request(engine, 'POST', '/images/busybox/tag?repo=localhost:5000/team/app&tag=1');
    const r = await request(engine, 'GET', `/images/${encodeURIComponent('localhost:5000/team/app:1')}/json`);
    expect(r.status).toBe(200);
    expect(r.body!.RepoTags).toContain('localhost:5000/team/app:1');
    expect((await request(engine, 'GET', '/images/localhost:5000/team/app:1/history')).status).toBe(200);
  });
});

describe('the start record', () => {
  it('has every step of the plan with its guest time, and the requests of that docker run', async () => {
    const { engine } = fakeEngine(readBase);
    const made = await request(engine, 'POST', '/containers/create?name=rec', { Image: 'busybox', Cmd: ['true'] });
    await request(engine, 'POST', '/containers/rec/start');
    const r = engine.starts.last!;
    expect(r).toMatchObject({ containerId: made.body!.Id, name: 'rec', image: 'busybox' });
    expect(r.steps.map((s) => s.kind)).toEqual(engine.get('rec').plan.map((s) => s.kind));
    expect(r.steps.at(-1)).toMatchObject({ kind: 'start', detail: expect.stringMatching(/^vmctr run --rootfs /) });
    // Steps follow each other: each starts where the last ended, and together they are the guest's run.
    for (let i = 1; i < r.steps.length; i++) {
      expect(r.steps[i]!.startMs).toBeCloseTo(r.steps[i - 1]!.startMs + r.steps[i - 1]!.ms, 2);
    }
    expect(r.steps.reduce((n, s) => n + s.ms, 0)).toBeCloseTo(r.guestMs, 2);
    expect(r.api.map((a) => `${a.method} ${a.path} ${a.status}`)).toEqual([
      'POST /containers/create 201',
      'POST /containers/rec/start 204',
    ]);
  });
});
