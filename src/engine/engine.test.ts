/**
 * The daemon's own logic on a fake guest: names, states, waits, rmi chains,
 * network settings. What the guest kernel does is tested on the real VM in
 * tests/integration.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineError } from './engineError';
import { fakeEngine } from './testing/fakeEngine';

const BASE = join(import.meta.dirname, '..', '..', 'public', 'images');
const readBase = async (p: string) => new Uint8Array(readFileSync(join(BASE, p)));
const setup = () => fakeEngine(readBase);

/** The kind of the error `p` fails with. */
async function kindOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof EngineError) return `${e.kind}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('container names', () => {
  it('refuses a name in use and a name against the rule, and gives every unnamed container its own', async () => {
    const { engine } = setup();
    const a = await engine.create({ image: 'busybox', cmd: ['true'], name: 'web' });
    expect(await kindOf(engine.create({ image: 'busybox', cmd: ['true'], name: 'web' }))).toBe(
      'conflict: Conflict. The container name "/web" is already in use.',
    );
    expect(await kindOf(engine.create({ image: 'busybox', cmd: ['true'], name: '-bad' }))).toBe(
      'invalidParameter: Invalid container name (-bad)',
    );
    const names = new Set<string>();
    for (let i = 0; i < 20; i++) names.add((await engine.create({ image: 'busybox', cmd: ['true'] })).Name);
    expect(names.size).toBe(20);
    // Found by name, /name, a unique id prefix; an ambiguous prefix is the client's mistake.
    expect(engine.get('/web')).toBe(a);
    expect(engine.get(a.Id.slice(0, 12))).toBe(a);
    expect(await kindOf(() => engine.get(''))).toMatch(/^(notFound|invalidParameter)/);
  });

  it('renames under the same rule, and keeps a container its own name', async () => {
    const { engine } = setup();
    const a = await engine.create({ image: 'busybox', cmd: ['true'], name: 'a' });
    const b = await engine.create({ image: 'busybox', cmd: ['true'], name: 'b' });
    expect(await kindOf(() => engine.rename('a', 'b'))).toBe(
      `conflict: Conflict. The container name "/b" is already in use by container "${b.Id}".`,
    );
    engine.rename('a', 'a');
    engine.rename('a', '/c');
    expect(engine.get('c')).toBe(a);
    expect(engine.events.recent.at(-1)).toMatchObject({ Action: 'rename', Actor: { Attributes: { oldName: '/a' } } });
  });
});

describe('container states', () => {
  it('goes created → running → paused → running → exited through the named transitions', async () => {
    const { engine, guest } = setup();
    const c = await engine.create({ image: 'busybox', cmd: ['sleep', '60'] });
    expect(engine.inspect(c.Id).State).toMatchObject({ Status: 'created', Running: false, Pid: 0 });
    await engine.start(c.Id);
    const pid = guest.pids()[0]!;
    expect(engine.inspect(c.Id).State).toMatchObject({ Status: 'running', Running: true, Pid: pid, ExitCode: 0 });
    await engine.pause(c.Id);
    expect(engine.inspect(c.Id).State).toMatchObject({ Status: 'paused', Running: true, Paused: true });
    expect(await kindOf(engine.pause(c.Id))).toBe(`conflict: Container ${c.Id} is already paused`);
    await engine.unpause(c.Id);
    expect(engine.inspect(c.Id).State).toMatchObject({ Status: 'running', Paused: false });
    expect(await kindOf(engine.remove(c.Id))).toMatch(/^conflict: You cannot remove a running container/);
    await engine.kill(c.Id, 'KILL');
    expect(await engine.wait(c.Id)).toBe(137);
    expect(engine.inspect(c.Id).State).toMatchObject({ Status: 'exited', Running: false, Pid: 0, ExitCode: 137 });
    expect(await kindOf(engine.kill(c.Id))).toBe(`conflict: Container ${c.Id} is not running`);
    expect(await kindOf(engine.kill(c.Id, 'NOPE'))).toMatch(/^conflict/); // not running comes first
    // A restart of an exited container undoes the last run's mount in the same process, before anything else.
    await engine.start(c.Id);
    expect(guest.commands(/vmctr run/).at(-1)).toMatch(
      /^vmctr run (--before \S+ )*--before umount:\S+\/merged --before/,
    );
    expect(engine.inspect(c.Id).State.Status).toBe('running');
    await engine.remove(c.Id, { force: true });
    expect(await kindOf(() => engine.get(c.Id))).toBe(`notFound: No such container: ${c.Id}`);
    expect(engine.events.recent.map((e) => e.Action)).toEqual(
      expect.arrayContaining(['create', 'start', 'pause', 'unpause', 'kill', 'die', 'destroy']),
    );
  });

  it('keeps a failed start as it was, with the reason, and says which step failed', async () => {
    const { engine, guest } = setup();
    guest.on(/vmctr run/, {
      stdout: 'begin 1700000000.000000\nok 0 1700000000.001000\n',
      stderr: 'mkdir: Permission denied',
      exitCode: 1,
    });
    const c = await engine.create({ image: 'busybox', cmd: ['true'] });
    const err = await kindOf(engine.start(c.Id));
    expect(err).toMatch(/^system: step 2 \(mkdir: overlayfs's scratch space/);
    expect(engine.inspect(c.Id).State).toMatchObject({ Status: 'created', Running: false });
    expect(engine.inspect(c.Id).State.Error).toMatch(/Permission denied/);
  });

  it('answers a wait after --rm with the exit code, also while the removal is under way', async () => {
    const { engine, guest } = setup();
    engine.network.create({ name: 'net' });
    const peer = await engine.create({ image: 'busybox', cmd: ['sleep', '60'], network: 'net' });
    await engine.start(peer.Id);
    const c = await engine.create({ image: 'busybox', cmd: ['true'], network: 'net', autoRemove: true });
    await engine.start(c.Id);
    // The peer's /etc/hosts is rewritten when c leaves the network: hold that round trip.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    guest.on(/printf %s .*\/hosts$/m, async () => {
      await held;
      return {};
    });
    const early = engine.wait(c.Id);
    guest.exit(engine.get(c.Id).State.Pid, 3);
    for (let i = 0; i < 5; i++) await tick();
    const during = engine.wait(c.Id);
    release();
    expect(await early).toBe(3);
    expect(await during).toBe(3);
    expect(await engine.wait(c.Id.slice(0, 12))).toBe(3);
    expect(await kindOf(() => engine.get(c.Id))).toMatch(/^notFound/);
    // --rm took it apart in the same process as the run: no second teardown round trip.
    expect(guest.commands(/rm-rf:\/var\/lib\/docker\/overlay2/)).toHaveLength(1);
  });

  it('waits as Docker for each condition: not-running at once, next-exit and removed until they happen', async () => {
    const { engine, guest } = setup();
    const c = await engine.create({ image: 'busybox', cmd: ['sleep', '60'] });
    // Asked before the start, as `docker run` does: not-running answers for the created container at once.
    expect(await engine.wait(c.Id)).toBe(0);
    let nextExit: number | undefined;
    let removed: number | undefined;
    void engine.wait(c.Id, 'next-exit').then((code) => (nextExit = code));
    void engine.wait(c.Id, 'removed').then((code) => (removed = code));
    await engine.start(c.Id);
    await tick();
    expect(nextExit).toBeUndefined();
    guest.exit(engine.get(c.Id).State.Pid, 4);
    await engine.wait(c.Id);
    await tick();
    expect(nextExit).toBe(4);
    // Exited, not yet removed.
    expect(removed).toBeUndefined();
    await engine.remove(c.Id);
    await tick();
    expect(removed).toBe(4);
  });

  it('stops docker-proxy before answering the exit of a --rm container only when it published ports', async () => {
    const { engine, guest } = setup();
    const plain = await engine.create({ image: 'busybox', cmd: ['true'], autoRemove: true });
    const published = await engine.create({
      image: 'busybox',
      cmd: ['true'],
      autoRemove: true,
      portBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
    });
    await engine.start(plain.Id);
    await engine.start(published.Id);
    const runOf = (id: string) => guest.commands(new RegExp(`^vmctr run .*${id}`))[0]!;
    // Its --after steps run before vmctr reports the exit: nothing to stop when no proxy was started.
    expect(runOf(plain.Id)).not.toMatch(/--after/);
    expect(runOf(published.Id)).toMatch(new RegExp(`--after kill-pids:\\S*${published.Id.slice(0, 12)}`));
  });

  it('lets go of a wait whose client has left', async () => {
    const { engine } = setup();
    const c = await engine.create({ image: 'busybox', cmd: ['true'] });
    let leave!: () => void;
    const waiting = engine.wait(c.Id, 'next-exit', new Promise<void>((r) => (leave = r)));
    leave();
    await expect(waiting).rejects.toThrow('the client closed the connection');
  });

  it('answers a removed wait asked before the start of a --rm container once it is gone', async () => {
    const { engine, guest } = setup();
    const c = await engine.create({ image: 'busybox', cmd: ['true'], autoRemove: true });
    const removed = engine.wait(c.Id, 'removed');
    await engine.start(c.Id);
    guest.exit(engine.get(c.Id).State.Pid, 2);
    expect(await removed).toBe(2);
    expect(await kindOf(() => engine.get(c.Id))).toMatch(/^notFound/);
  });
});

describe('docker logs', () => {
  it('reads no log before the first start (none exists yet), and the json-file log after it', async () => {
    const { engine, guest } = setup();
    const c = await engine.create({ image: 'busybox', cmd: ['echo', 'hi'] });
    expect(await engine.logs(c.Id)).toEqual([]);
    expect(guest.commands(/^cat .*json\.log/)).toEqual([]);
    guest.on(/^cat .*json\.log/, {
      stdout: '{"log":"hi\\n","stream":"stdout","time":"2026-11-30T10:00:00.000000000Z"}\n',
    });
    await engine.start(c.Id);
    expect(await engine.logs(c.Id)).toEqual([
      { stream: 'stdout', text: 'hi\n', time: '2026-11-30T10:00:00.000000000Z' },
    ]);
    expect(guest.commands(/^cat .*json\.log/)).toHaveLength(1);
  });
});

describe('docker rmi', () => {
  it('untags one name of several, refuses what a container or a second name holds, deletes with the last tag', async () => {
    const { engine } = setup();
    await engine.ensureImages();
    const bb = await engine.image('busybox');
    await engine.imageService.tag(bb, 'a:1');
    await engine.imageService.tag(bb, 'b:1');
    expect(await engine.removeImage('a:1')).toEqual([{ Untagged: 'a:1' }]);
    expect(await kindOf(engine.removeImage(bb.id))).toMatch(
      /^conflict: conflict: unable to delete .* referenced in multiple/,
    );
    const c = await engine.create({ image: 'b:1', cmd: ['true'] });
    // busybox's own tags go; b:1 still names the image.
    for (const t of bb.tags) expect(await engine.removeImage(t)).toEqual([{ Untagged: t }]);
    expect(await kindOf(engine.removeImage('b:1'))).toMatch(
      new RegExp(`^conflict: .*container ${c.Id.slice(0, 12)} is using its referenced image`),
    );
    await engine.remove(c.Id);
    expect(await engine.removeImage('b:1')).toEqual([
      { Untagged: 'b:1:latest'.replace(':latest', '') },
      { Deleted: bb.id },
    ]);
    expect(await kindOf(engine.image('busybox'))).toBe('notFound: No such image: busybox');
    expect(engine.events.recent.filter((e) => e.Type === 'image').map((e) => e.Action)).toEqual(
      expect.arrayContaining(['tag', 'untag', 'delete']),
    );
  });

  it('takes the untagged parents a commit chain left, as far as nothing else needs them', async () => {
    const { engine } = setup();
    const c1 = await engine.create({ image: 'busybox', cmd: ['true'] });
    const step = await engine.commit(c1.Id, { changes: ['ENV A=1'] });
    const c2 = await engine.create({ image: step.id, cmd: ['true'] });
    const app = await engine.commit(c2.Id, { repo: 'app', tag: '1', changes: ['ENV B=2'] });
    expect(app.tags).toEqual(['app:1']);
    await engine.remove(c2.Id);
    await engine.remove(c1.Id);
    const out = await engine.removeImage('app:1');
    expect(out).toEqual([{ Untagged: 'app:1' }, { Deleted: app.id }, { Deleted: step.id }]);
    expect((await engine.image('busybox')).id).toBeTruthy();
  });
});

describe('network settings', () => {
  it('shows addresses while the container runs, the host network with empty fields, aliases on user networks', async () => {
    const { engine, guest } = setup();
    const c = await engine.create({
      image: 'busybox',
      cmd: ['sleep', '9'],
      portBindings: { '80/tcp': [{ HostIp: '', HostPort: '' }] },
    });
    let ns = engine.inspect(c.Id).NetworkSettings;
    expect(ns.Networks.bridge).toMatchObject({ IPAddress: '', Aliases: null });
    expect(ns.Ports).toEqual({ '80/tcp': null });
    await engine.start(c.Id);
    ns = engine.inspect(c.Id).NetworkSettings;
    expect(ns).toMatchObject({
      IPAddress: '172.17.0.2',
      Gateway: '172.17.0.1',
      SandboxKey: `/var/run/netns/${c.Id.slice(0, 12)}`,
    });
    expect(ns.Ports['80/tcp']).toEqual([{ HostIp: '0.0.0.0', HostPort: '49153' }]);
    guest.exit(engine.get(c.Id).State.Pid, 0);
    await engine.wait(c.Id);
    expect(engine.inspect(c.Id).NetworkSettings).toMatchObject({
      IPAddress: '',
      SandboxKey: '',
      Ports: { '80/tcp': null },
    });

    const h = await engine.create({ image: 'busybox', cmd: ['true'], network: 'host' });
    expect(engine.inspect(h.Id).NetworkSettings.Networks).toEqual({
      host: expect.objectContaining({ IPAddress: '', EndpointID: '', Aliases: null }),
    });
    engine.network.create({ name: 'back' });
    const u = await engine.create({ image: 'busybox', cmd: ['true'], network: 'back', name: 'db' });
    expect(engine.inspect(u.Id).NetworkSettings.Networks.back!.Aliases).toEqual(['db', u.Id.slice(0, 12)]);
    expect(await kindOf(engine.connect('host', u.Id))).toMatch(/^invalidParameter/);
    expect(await kindOf(engine.disconnect('bridge', u.Id))).toMatch(/^forbidden: container .* is not connected/);
  });

  it('tells the running peers on a user network about a container that starts', async () => {
    const { engine, guest } = setup();
    engine.network.create({ name: 'app' });
    const a = await engine.create({ image: 'busybox', cmd: ['sleep', '9'], network: 'app', name: 'a' });
    await engine.start(a.Id);
    const b = await engine.create({ image: 'busybox', cmd: ['sleep', '9'], network: 'app', name: 'b' });
    await engine.start(b.Id);
    const refresh = guest.scripts(/printf %s/).at(-1)!;
    expect(refresh).toContain(`/var/lib/docker/containers/${a.Id}/hosts`);
    expect(refresh).toMatch(/172\.\d+\.0\.3\tb/);
  });
});

describe('bugs found by hand (issue 16)', () => {
  it('refuses exec in a paused container at once, as Docker does', async () => {
    const { engine } = setup();
    const c = await engine.create({ image: 'busybox', cmd: ['sleep', '60'] });
    await engine.start(c.Id);
    const id = engine.createExec(c.Id, ['true']);
    await engine.pause(c.Id);
    const refused = `conflict: Container ${c.Id} is paused, unpause the container before exec`;
    expect(await kindOf(() => engine.createExec(c.Id, ['true']))).toBe(refused);
    expect(await kindOf(engine.startExec(id, () => {}))).toBe(refused);
  });

  it('copies from and into a created container by mounting its layers for the moment', async () => {
    const { engine, guest } = setup();
    const c = await engine.create({ image: 'busybox', cmd: ['true'] });
    await engine.archive(c.Id, '/etc/hostname');
    const script = guest.scripts(/tar -c/).at(-1)!;
    const merged = `/var/lib/docker/overlay2/${c.Id}/merged`;
    expect(script).toMatch(/^vmctr do .* overlay:\S+\/merged=lowerdir=/);
    expect(script.indexOf(`tar -c -C ${merged}/etc hostname`)).toBeGreaterThan(script.indexOf(' overlay:'));
    expect(script).toMatch(new RegExp(`umount ${merged}\\nexit \\$s$`));
    await engine.extractArchive(c.Id, '/tmp', new Uint8Array(1024));
    expect(guest.scripts(/tar -x/).at(-1)).toMatch(/^vmctr do .* overlay:/);
  });

  it('gives a --network host container the host’s name', async () => {
    const { engine, guest } = setup();
    guest.on(/^hostname$/, { stdout: 'playground\n' });
    const h = await engine.create({ image: 'busybox', cmd: ['hostname'], network: 'host' });
    expect(h.Config.Hostname).toBe('playground');
    const own = await engine.create({ image: 'busybox', cmd: ['hostname'], network: 'host', hostname: 'mine' });
    expect(own.Config.Hostname).toBe('mine');
    const b = await engine.create({ image: 'busybox', cmd: ['hostname'] });
    expect(b.Config.Hostname).toBe(b.Id.slice(0, 12));
  });

  it('never lists scratch among the images, and FROM scratch still finds it', async () => {
    const { engine } = setup();
    const tags = (await engine.imageService.list()).flatMap((i) => i.tags);
    expect(tags).toContain('busybox:latest');
    expect(tags).not.toContain('scratch:latest');
    expect((await engine.image('scratch')).config.rootfs.diff_ids).toEqual([]);
  });
});

describe('a start’s speed', () => {
  it('answers the wait of a --rm run once the exit is known, while the guest still tears down', async () => {
    const { engine, guest } = setup();
    const c = await engine.create({ image: 'busybox', cmd: ['true'], autoRemove: true });
    await engine.start(c.Id);
    const waited = engine.wait(c.Id);
    const finishTeardown = guest.exit(engine.get(c.Id).State.Pid, 0, { holdTeardown: true });
    expect(await waited).toBe(0);
    for (let i = 0; i < 5; i++) await tick();
    expect(await kindOf(() => engine.get(c.Id))).toMatch(/^notFound/);
    expect(await engine.wait(c.Id)).toBe(0);
    finishTeardown();
    // No second teardown from the engine: vmctr run does it.
    expect(guest.commands(/rm-rf:\/var\/lib\/docker\/overlay2/)).toHaveLength(1);
  });
});
