import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, LogEntry } from '../../src/engine/engine';
import { END_OF_OUTPUT } from '../../src/engine/engine';
import { createNodeEngine } from '../../src/node/nodeEngine';
import { bootNodeVm, nodeAssets } from '../../src/node/nodeVm';
import { VmHost } from '../../src/vm/vmHost';
import { packMachine } from '../../src/worker/machineFile';
import {
  captureMachine,
  identityOf,
  notQuiet,
  reattach,
  waitQuiet,
  type CapturedMachine,
  type Reattached,
} from '../../src/worker/machineSnapshot';

const decoder = new TextDecoder();

/** A machine with containers is saved, thrown away, and restored into a new VmHost and a new Engine. */
describe('a machine snapshot: the guest and the daemon restored together', () => {
  let store: string;
  let saved: CapturedMachine;
  let vm: VmHost;
  let engine: Engine;
  let back: Reattached;
  const ids = {} as Record<'ticker' | 'stopped' | 'web', string>;
  const sh = async (script: string) => {
    const r = await vm.channel.sh(script, { timeoutMs: 30_000 });
    return { out: decoder.decode(r.stdout), err: decoder.decode(r.stderr), code: r.exitCode };
  };

  beforeAll(async () => {
    store = mkdtempSync(join(tmpdir(), 'persist-'));
    vm = await bootNodeVm();
    engine = await createNodeEngine(vm, store);
    const ticker = await engine.create({
      image: 'busybox',
      name: 'ticker',
      cmd: ['sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done'],
    });
    await engine.start(ticker.Id);
    ids.ticker = ticker.Id;
    const stopped = await engine.create({ image: 'busybox', name: 'stopped', cmd: ['sh', '-c', 'echo bye; exit 3'] });
    await engine.start(stopped.Id);
    expect(await engine.wait(stopped.Id)).toBe(3);
    ids.stopped = stopped.Id;
    engine.networks.create({ name: 'backend' });
    const web = await engine.create({
      image: 'busybox',
      name: 'web',
      network: 'backend',
      portBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
      cmd: ['httpd', '-f', '-p', '80', '-h', '/etc'],
    });
    await engine.start(web.Id);
    ids.web = web.Id;
    expect((await sh('echo kept > /root/note.txt')).code).toBe(0);
    // A client the old page answers: it must be disconnected, not left hanging, after the restore.
    await sh('(docker logs -f ticker > /tmp/follow.out 2>&1; echo "status $?" >> /tmp/follow.out) >/dev/null 2>&1 &');
    await new Promise((r) => setTimeout(r, 1500));
    await waitQuiet(vm, () => null, 10_000);
    saved = await captureMachine(vm, engine);
    // Structured clone and JSON both carry it (IndexedDB and the machine file).
    saved = { ...saved, engine: JSON.parse(JSON.stringify(saved.engine)), channels: structuredClone(saved.channels) };
    await vm.destroy();

    const assets = nodeAssets();
    vm = await VmHost.start({
      assets: { ...assets, bzimage: null },
      state: saved.state,
      channels: saved.channels,
    });
    engine = await createNodeEngine(vm, store);
    back = reattach(vm, engine, saved.engine);
  }, 240_000);
  afterAll(async () => {
    await vm?.destroy();
    rmSync(store, { recursive: true, force: true });
  });

  it('was taken between requests, with the guest stopped only for the copy', () => {
    expect(saved.containers).toBe(3);
    expect(saved.running).toBe(2);
    expect(saved.pausedMs).toBeGreaterThan(0);
    expect(back).toMatchObject({ adopted: 2, disconnected: 1 });
  });

  it('lists what it listed: docker ps -a through the CLI in the restored guest', async () => {
    const r = await sh('docker ps -a');
    expect(r.code).toBe(0);
    const rows = r.out.trim().split('\n').slice(1);
    expect(rows, r.out).toHaveLength(3);
    const row = (name: string) => rows.find((l) => l.trimEnd().endsWith(` ${name}`)) ?? '';
    expect(row('stopped')).toMatch(/Exited \(3\)/);
    expect(row('ticker')).toMatch(/ Up /);
    expect(row('web')).toMatch(/ Up .*8080->80\/tcp/);
  });

  it('inspects the same containers: ids, addresses, bound ports, the network', async () => {
    const web = engine.inspect('web');
    expect(web.Id).toBe(ids.web);
    expect(web.State.Running).toBe(true);
    expect(web.NetworkSettings.Networks.backend?.IPAddress).toMatch(/^172\.\d+\.0\.2$/);
    expect(web.NetworkSettings.Ports['80/tcp']).toEqual([{ HostIp: '0.0.0.0', HostPort: '8080' }]);
    // The published port still answers: the proxy and the container's network came back with the guest.
    const page = await sh('wget -q -O - http://127.0.0.1:8080/hostname');
    expect(page.out.trim()).toBe(web.Config.Hostname);
    expect(engine.inspect('stopped').State.ExitCode).toBe(3);
  });

  it("keeps the guest's files and the old page's logs; new output reaches a follower", async () => {
    expect((await sh('cat /root/note.txt')).out).toBe('kept\n');
    const before = (await engine.logs('ticker')).length;
    expect(before).toBeGreaterThan(0);
    const live: LogEntry[] = [];
    const off = engine.follow('ticker', (e) => live.push(e));
    await expect.poll(() => live.length, { timeout: 10_000 }).toBeGreaterThan(1);
    off();
    expect(live[0]!.text).toMatch(/^tick \d+\n$/);
    const n = Number(/tick (\d+)/.exec(live.at(-1)!.text)![1]);
    expect(n).toBeGreaterThan(before - 1);
  });

  it('disconnected the docker client that was following logs in the old page', async () => {
    await expect.poll(async () => (await sh('cat /tmp/follow.out')).out, { timeout: 10_000 }).toMatch(/status \d+\n$/);
  });

  it('execs in a restored container and stops it: its exit reaches the restored engine', async () => {
    const r = await engine.exec('ticker', ['sh', '-c', 'echo inside-$((6*7)); hostname']);
    expect(r.stdout).toMatch(/^inside-42\n[0-9a-f]{12}\n$/);
    const ended: LogEntry[] = [];
    engine.follow('ticker', (e) => ended.push(e));
    await engine.stop('ticker', 2);
    const s = engine.inspect('ticker').State;
    expect(s.Running).toBe(false);
    expect(s.Status).toBe('exited');
    expect([137, 143]).toContain(s.ExitCode);
    expect(ended.at(-1)).toBe(END_OF_OUTPUT);
    expect(engine.events.recent.some((e) => e.Action === 'die' && e.Actor.ID === ids.ticker)).toBe(true);
    // And the guest agrees: no process left in its cgroup.
    expect((await sh(`cat /sys/fs/cgroup/docker/${ids.ticker}/cgroup.procs | wc -l`)).out.trim()).toBe('0');
    expect(notQuiet(vm)).toBeNull();
  });

  it('starts and removes containers as a machine that never went away', async () => {
    const r = await sh('docker run --name pinger --network backend busybox ping -c 1 -W 2 web');
    expect(r.code, r.out + r.err).toBe(0);
    expect((await sh('docker rm -f web stopped pinger')).code).toBe(0);
    expect(engine.list(true).map((c) => c.Name)).toEqual(['ticker']);
  });

  it("a machine file: the lesson's checks run on it headless (npm run lab -- lesson check … --machine)", async () => {
    expect((await sh('docker run -d --name ns-demo --hostname demo busybox sleep 600')).code).toBe(0);
    await waitQuiet(vm, () => null, 10_000);
    const now = await captureMachine(vm, engine);
    const file = join(store, 'student.zip');
    const work = { 'playground.progress.v1/03-namespaces': JSON.stringify({ step: 0, passed: { 'own-hostname': 1 } }) };
    writeFileSync(
      file,
      packMachine(
        { ...now, gz: gzipSync(new Uint8Array(now.state)), work, createdAt: Date.now() },
        identityOf(nodeAssets().manifest),
        'test',
      ),
    );
    const r = await promisify(execFile)(
      'npx',
      ['tsx', 'scripts/lab.ts', 'lesson', 'check', 'lessons/03-namespaces', '--machine', file],
      { timeout: 240_000 },
    ).catch((e: { stdout: string; stderr: string; code: number }) => e);
    expect(r.stdout).toMatch(/✓ own-hostname \(marked passed in the student's browser\)/);
    expect(r.stdout).toMatch(/✗ enter-it/);
    expect((r as { code?: number }).code).toBe(1);
  }, 300_000);
});
