/**
 * The daemon's HTTP face: Docker Engine API paths and JSON bodies, answered
 * by the Engine. Each connection carries one request; streaming answers
 * (attach, logs --follow, exec) write as output arrives and end by closing.
 */
import { securityWarnings } from '../runtime/security';
import { END_OF_OUTPUT, EngineError, type CreateOptions, type Engine } from '../engine';

import { HttpParseError, muxFrame, parseRequest, responseHead, type HttpRequest } from './http';
import { bool, json, type ApiConnection } from './respond';
import { handleImageRequest } from './imageRoutes';
import { handleRegistryRequest } from './registryRoutes';
import { handleNetworkRequest } from './networkRoutes';
import { publishedPorts } from '../network/portBindings';
import { diskUsage, pruneContainers, pruneImages } from '../diskUsage';

export type { ApiConnection };

/** What the UI can show of client → API → daemon traffic. */
export interface ApiTraffic {
  method: string;
  path: string;
  status: number;
  ms: number;
}

const STREAM_HEADERS = { 'Content-Type': 'application/vnd.docker.raw-stream' };

/**
 * One API connection: collects the request bytes, then answers. Returns the
 * function to feed incoming bytes to.
 */
export function serveConnection(engine: Engine, conn: ApiConnection, onTraffic?: (t: ApiTraffic) => void) {
  let buf = new Uint8Array(0);
  let done = false;
  // After an attach with stdin, the connection carries keystrokes for the container.
  let input: ((b: Uint8Array) => void) | null = null;
  const ctx: RequestContext = {
    onInput: (fn) => (input = fn),
    onInputEnd: (fn) => conn.onEnd?.(fn),
  };
  return (chunk: Uint8Array) => {
    if (done) {
      input?.(chunk);
      return;
    }
    const merged = new Uint8Array(buf.length + chunk.length);
    merged.set(buf);
    merged.set(chunk, buf.length);
    buf = merged;
    let req: HttpRequest | null;
    try {
      req = parseRequest(buf);
    } catch (e) {
      done = true;
      json(conn, 400, { message: e instanceof HttpParseError ? e.message : String(e) });
      return;
    }
    if (!req) return;
    done = true;
    const t0 = performance.now();
    const r = req;
    handle(engine, r, conn, ctx).then(
      (status) => onTraffic?.({ method: r.method, path: r.path, status, ms: performance.now() - t0 }),
      (e: unknown) => {
        const status = e instanceof EngineError ? e.status : 500;
        json(conn, status, { message: e instanceof Error ? e.message : String(e) });
        onTraffic?.({ method: r.method, path: r.path, status, ms: performance.now() - t0 });
      },
    );
  };
}

interface RequestContext {
  /** Takes the bytes the client sends after its request (a hijacked attach). */
  onInput(fn: (b: Uint8Array) => void): void;
  /** Called once the client has no more to send. */
  onInputEnd(fn: () => void): void;
}

async function handle(engine: Engine, req: HttpRequest, conn: ApiConnection, ctx: RequestContext): Promise<number> {
  const { method, path, query } = req;
  const body = () =>
    req.body.length ? (JSON.parse(new TextDecoder().decode(req.body)) as Record<string, unknown>) : {};
  let m: RegExpExecArray | null;

  if (method === 'GET' && path === '/_ping') return json(conn, 200, 'OK');
  const made =
    (await handleImageRequest(engine, req, conn)) ??
    (await handleRegistryRequest(engine, req, conn)) ??
    (await handleNetworkRequest(engine, req, conn));
  if (made !== undefined) return made;
  if (method === 'GET' && path === '/version') {
    const k = await engine.kernelVersion();
    return json(conn, 200, {
      Platform: { Name: 'Container internals playground' },
      Version: 'playground',
      ApiVersion: '1.43',
      MinAPIVersion: '1.24',
      Os: 'linux',
      Arch: '386',
      KernelVersion: k,
    });
  }
  if (method === 'GET' && path === '/info') {
    const all = engine.list(true);
    return json(conn, 200, {
      Containers: all.length,
      ContainersRunning: all.filter((c) => c.State.Running).length,
      ContainersStopped: all.filter((c) => !c.State.Running).length,
      Images: (await engine.images.list()).length,
      Driver: 'overlay2',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: '2',
      KernelVersion: await engine.kernelVersion(),
      OperatingSystem: 'playground guest (busybox)',
      OSType: 'linux',
      Architecture: 'i686',
      DockerRootDir: '/var/lib/docker',
    });
  }
  if (path.startsWith('/images/') || path === '/info') await engine.ensureImages();
  if (method === 'GET' && path === '/images/json') {
    const images = await engine.images.list();
    return json(
      conn,
      200,
      images.map((i) => ({
        Id: i.id,
        RepoTags: i.tags,
        Created: Math.floor(Date.parse(i.config.created ?? '1970-01-01T00:00:00Z') / 1000),
        Size: i.manifest.layers.reduce((n, l) => n + l.size, 0),
        Labels: i.config.config.Labels ?? {},
      })),
    );
  }
  if (method === 'GET' && (m = /^\/images\/(.+)\/json$/.exec(path))) {
    const i = await engine.image(decodeURIComponent(m[1]!));
    return json(conn, 200, {
      Id: i.id,
      RepoTags: i.tags,
      RepoDigests: await engine.distribution.repoDigests(i),
      Created: i.config.created,
      Architecture: i.config.architecture,
      Os: i.config.os,
      Config: i.config.config,
      RootFS: { Type: 'layers', Layers: i.config.rootfs.diff_ids },
    });
  }
  if (method === 'DELETE' && (m = /^\/images\/(.+)$/.exec(path))) {
    return json(conn, 200, await engine.removeImage(decodeURIComponent(m[1]!), bool(query.get('force'))));
  }
  if (method === 'POST' && (m = /^\/images\/(.+)\/tag$/.exec(path))) {
    const name = decodeURIComponent(m[1]!);
    const image = await engine.image(name);
    const repo = query.get('repo');
    if (!repo) throw new EngineError('repository name must have at least one component', 400);
    const target = `${repo}:${query.get('tag') || 'latest'}`;
    await engine.images.tag(image.manifestDigest, target).catch((e: Error) => {
      throw new EngineError(e.message, 400);
    });
    engine.events.emit('image', 'tag', image.id, { name: target });
    return json(conn, 201);
  }
  if (method === 'GET' && (m = /^\/images\/(.+)\/history$/.exec(path))) {
    const name = decodeURIComponent(m[1]!);
    const image = await engine.image(name);
    // Newest first, as Docker lists it; layer sizes from the manifest, in order.
    const layers = [...image.manifest.layers];
    const entries = (image.config.history ?? []).map((h) => ({
      Created: Math.floor(Date.parse(h.created ?? '1970-01-01T00:00:00Z') / 1000),
      CreatedBy: h.created_by ?? '',
      Size: h.empty_layer ? 0 : (layers.shift()?.size ?? 0),
      Comment: h.comment ?? '',
      Id: '<missing>',
    }));
    entries.reverse();
    if (entries[0]) entries[0].Id = image.id;
    return json(conn, 200, entries);
  }
  if (method === 'GET' && path === '/events') {
    // One JSON object per line as things happen, until the client leaves.
    conn.write(responseHead(200, { 'Content-Type': 'application/json' }));
    const enc = new TextEncoder();
    const since = Number(query.get('since') ?? NaN);
    if (!Number.isNaN(since))
      for (const e of engine.events.recent) if (e.time >= since) conn.write(enc.encode(JSON.stringify(e) + '\n'));
    const off = engine.events.subscribe((e) => conn.write(enc.encode(JSON.stringify(e) + '\n')));
    await new Promise<void>((resolve) => (conn.onClose ? conn.onClose(resolve) : resolve()));
    off();
    conn.end();
    return 200;
  }
  if (method === 'GET' && path === '/system/df') return json(conn, 200, await diskUsage(engine));
  if (method === 'POST' && path === '/containers/prune') return json(conn, 200, await pruneContainers(engine));
  if (method === 'POST' && path === '/images/prune') {
    // Docker's CLI asks for every unused image (-a) with the filter dangling=false.
    const all = /"dangling"\s*:\s*(\{\s*"false"|\[\s*"false")/.test(query.get('filters') ?? '');
    return json(conn, 200, await pruneImages(engine, all));
  }
  if (method === 'GET' && path === '/containers/json') {
    const all = bool(query.get('all'));
    return json(
      conn,
      200,
      engine.list(all).map((c) => ({
        Id: c.Id,
        Names: [`/${c.Name}`],
        Image: c.Config.Image,
        ImageID: c.Image,
        Command: [...(c.Config.Entrypoint ?? []), ...c.Config.Cmd].join(' '),
        Created: Math.floor(Date.parse(c.Created) / 1000),
        State: c.State.Status,
        Status: statusText(c.State),
        Labels: c.Config.Labels,
        Ports: publishedPorts(c.ports ?? {}).map((p) => ({
          IP: p.hostIp,
          PrivatePort: p.containerPort,
          PublicPort: p.hostPort,
          Type: 'tcp',
        })),
      })),
    );
  }
  if (method === 'POST' && path === '/containers/create') {
    const b = body() as {
      Image?: string;
      Cmd?: string[];
      Entrypoint?: string[];
      Env?: string[];
      WorkingDir?: string;
      User?: string;
      Hostname?: string;
      Labels?: Record<string, string>;
      Tty?: boolean;
      OpenStdin?: boolean;
      HostConfig?: {
        Memory?: number;
        NanoCpus?: number;
        PidsLimit?: number;
        NetworkMode?: string;
        PortBindings?: Record<string, { HostIp?: string; HostPort?: string }[]>;
        UsernsMode?: string;
        AutoRemove?: boolean;
        Binds?: string[];
        CapAdd?: string[] | null;
        CapDrop?: string[] | null;
        Privileged?: boolean;
        SecurityOpt?: string[] | null;
        Init?: boolean | null;
        IpcMode?: string;
        PidMode?: string;
      };
    };
    if (!b.Image) throw new EngineError('Config cannot be empty in order to create a container', 400);
    const hc = b.HostConfig ?? {};
    const opts: CreateOptions = {
      image: b.Image,
      cmd: b.Cmd,
      entrypoint: b.Entrypoint,
      name: query.get('name') ?? undefined,
      env: b.Env,
      workdir: b.WorkingDir || undefined,
      user: b.User || undefined,
      hostname: b.Hostname || undefined,
      memory: hc.Memory || undefined,
      nanoCpus: hc.NanoCpus || undefined,
      pidsLimit: hc.PidsLimit && hc.PidsLimit > 0 ? hc.PidsLimit : undefined,
      network: hc.NetworkMode || 'bridge',
      portBindings: Object.fromEntries(
        Object.entries(hc.PortBindings ?? {}).map(([k, list]) => [
          k,
          (list ?? []).map((b) => ({ HostIp: b.HostIp ?? '', HostPort: b.HostPort ?? '' })),
        ]),
      ),
      userns: hc.UsernsMode === 'private',
      autoRemove: hc.AutoRemove ?? false,
      labels: b.Labels,
      tty: b.Tty ?? false,
      openStdin: b.OpenStdin ?? false,
      binds: hc.Binds ?? [],
      security: {
        capAdd: hc.CapAdd ?? [],
        capDrop: hc.CapDrop ?? [],
        privileged: hc.Privileged ?? false,
        securityOpt: hc.SecurityOpt ?? [],
        ...(typeof hc.Init === 'boolean' ? { init: hc.Init } : {}),
        ...(hc.IpcMode ? { ipcMode: hc.IpcMode } : {}),
        ...(hc.PidMode ? { pidMode: hc.PidMode } : {}),
      },
    };
    const c = await engine.create(opts);
    return json(conn, 201, { Id: c.Id, Warnings: securityWarnings(c.HostConfig) });
  }
  if ((m = /^\/containers\/([^/]+)(\/[a-z]+)?$/.exec(path))) {
    const id = decodeURIComponent(m[1]!);
    const action = m[2] ?? '';
    if (method === 'GET' && action === '/json') return json(conn, 200, engine.inspect(id));
    if (method === 'POST' && action === '/start') {
      const c = engine.get(id);
      if (c.State.Running) return json(conn, 304);
      await engine.start(id);
      return json(conn, 204);
    }
    if (method === 'POST' && action === '/stop') {
      const c = engine.get(id);
      if (!c.State.Running) return json(conn, 304);
      await engine.stop(id, query.has('t') ? Number(query.get('t')) : 10);
      return json(conn, 204);
    }
    if (method === 'POST' && (action === '/pause' || action === '/unpause')) {
      await (action === '/pause' ? engine.pause(id) : engine.unpause(id));
      return json(conn, 204);
    }
    if (method === 'POST' && action === '/rename') {
      engine.rename(id, query.get('name') ?? '');
      return json(conn, 204);
    }
    if (method === 'GET' && action === '/export') {
      const tar = await engine.exportFilesystem(id);
      conn.write(responseHead(200, { 'Content-Type': 'application/x-tar', 'Content-Length': String(tar.length) }));
      conn.write(tar);
      conn.end();
      return 200;
    }
    if (method === 'POST' && action === '/restart') {
      await engine.restart(id, query.has('t') ? Number(query.get('t')) : 10);
      return json(conn, 204);
    }
    if (method === 'POST' && action === '/kill') {
      await engine.kill(id, query.get('signal') ?? 'KILL');
      return json(conn, 204);
    }
    if (method === 'GET' && action === '/archive') {
      const tar = await engine.archive(id, query.get('path') ?? '/');
      conn.write(responseHead(200, { 'Content-Type': 'application/x-tar', 'Content-Length': String(tar.length) }));
      conn.write(tar);
      conn.end();
      return 200;
    }
    if (method === 'PUT' && action === '/archive') {
      await engine.extractArchive(id, query.get('path') ?? '/', req.body);
      return json(conn, 200);
    }
    if (method === 'GET' && action === '/changes') return json(conn, 200, await engine.changes(id));
    if (method === 'GET' && action === '/top') return json(conn, 200, await engine.top(id));
    if (method === 'GET' && action === '/stats') return json(conn, 200, await engine.stats(id));
    if (method === 'POST' && action === '/resize') {
      await engine.resize(id, Number(query.get('h') ?? 24), Number(query.get('w') ?? 80));
      return json(conn, 200);
    }
    if (method === 'POST' && action === '/wait')
      return json(conn, 200, { StatusCode: await engine.wait(id), Error: null });
    if (method === 'DELETE' && action === '') {
      await engine.remove(id, { force: bool(query.get('force')) });
      return json(conn, 204);
    }
    if ((method === 'POST' && action === '/attach') || (method === 'GET' && action === '/logs')) {
      if (action === '/attach' && bool(query.get('stdin'))) {
        const cid = engine.get(id).Id;
        ctx.onInput((b) => engine.writeStdin(cid, b));
        ctx.onInputEnd(() => engine.closeStdin(cid));
      }
      return streamOutput(engine, id, conn, {
        upgrade: action === '/attach' && /upgrade/i.test(req.headers['connection'] ?? ''),
        logs: action === '/logs' || bool(query.get('logs')),
        follow: action === '/attach' ? bool(query.get('stream')) : bool(query.get('follow')),
        tail: query.get('tail'),
        stdout: bool(query.get('stdout')),
        stderr: bool(query.get('stderr')),
      });
    }
    if (method === 'POST' && action === '/exec') {
      const b = body() as {
        Cmd?: string[];
        Env?: string[];
        WorkingDir?: string;
        User?: string;
        Tty?: boolean;
        ConsoleSize?: [number, number];
      };
      const execId = engine.createExec(id, b.Cmd ?? [], {
        env: b.Env,
        workdir: b.WorkingDir,
        user: b.User,
        ...(b.Tty ? { tty: { rows: b.ConsoleSize?.[0] ?? 24, cols: b.ConsoleSize?.[1] ?? 80 } } : {}),
      });
      return json(conn, 201, { Id: execId });
    }
  }
  if ((m = /^\/exec\/([0-9a-f]{64})\/(start|json)$/.exec(path))) {
    if (m[2] === 'json') {
      const e = engine.execInfo(m[1]!);
      return json(conn, 200, { ID: e.id, Running: e.running, ExitCode: e.exitCode, ContainerID: e.containerId });
    }
    const e = engine.execInfo(m[1]!); // 404 before any stream starts
    const upgrade = /upgrade/i.test(req.headers['connection'] ?? '');
    conn.write(responseHead(upgrade ? 101 : 200, upgrade ? { ...STREAM_HEADERS, Upgrade: 'tcp' } : STREAM_HEADERS));
    // With a terminal the stream is raw, as Docker sends it; without, multiplexed.
    const tty = !!e.opts.tty;
    await engine.startExec(
      m[1]!,
      (stream, chunk) => conn.write(tty ? chunk : muxFrame(stream, chunk)),
      (write) => ctx.onInput(write),
    );
    conn.end();
    return 200;
  }
  return json(conn, 404, { message: `page not found: ${method} ${path}` });
}

function statusText(s: { Status: string; ExitCode: number; StartedAt: string; FinishedAt: string }): string {
  const since = (iso: string) => {
    const secs = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (secs < 1) return 'Less than a second';
    if (secs < 60) return `${secs} second${secs === 1 ? '' : 's'}`;
    if (secs < 3600) return `${Math.round(secs / 60)} minute${Math.round(secs / 60) === 1 ? '' : 's'}`;
    return `${Math.round(secs / 3600)} hours`;
  };
  if (s.Status === 'running') return `Up ${since(s.StartedAt)}`;
  if (s.Status === 'paused') return `Up ${since(s.StartedAt)} (Paused)`;
  if (s.Status === 'exited') return `Exited (${s.ExitCode}) ${since(s.FinishedAt)} ago`;
  if (s.Status === 'removing') return 'Removal In Progress';
  return s.Status === 'created' ? 'Created' : s.Status;
}

async function streamOutput(
  engine: Engine,
  id: string,
  conn: ApiConnection,
  o: { upgrade?: boolean; logs: boolean; follow: boolean; tail: string | null; stdout: boolean; stderr: boolean },
): Promise<number> {
  const c = engine.get(id);
  conn.write(responseHead(o.upgrade ? 101 : 200, o.upgrade ? { ...STREAM_HEADERS, Upgrade: 'tcp' } : STREAM_HEADERS));
  const enc = new TextEncoder();
  // A container with a terminal has one raw stream, as Docker sends it; others are multiplexed.
  const send = (stream: 'stdout' | 'stderr', text: string) => {
    if (!((stream === 'stdout' && o.stdout) || (stream === 'stderr' && o.stderr))) return;
    conn.write(c.Config.Tty ? enc.encode(text) : muxFrame(stream, enc.encode(text)));
  };
  // Subscribe first, then read the log: nothing written in between is lost,
  // and lines already in the log are not sent twice.
  const live: { stream: 'stdout' | 'stderr'; text: string; time: string }[] = [];
  let replaying = o.logs;
  let finish!: () => void;
  const ended = new Promise<void>((r) => (finish = r));
  const off = o.follow
    ? engine.follow(c.Id, (e) => {
        if (e === END_OF_OUTPUT) finish();
        else if (replaying) live.push(e);
        else send(e.stream, e.text);
      })
    : () => {};
  if (o.logs) {
    const tail = o.tail && o.tail !== 'all' ? Number(o.tail) : undefined;
    const past = await engine.logs(c.Id, tail !== undefined ? { tail } : {});
    const lastTime = past.at(-1)?.time ?? '';
    for (const e of past) send(e.stream, e.text);
    for (const e of live) if (e.time > lastTime) send(e.stream, e.text);
    replaying = false;
  }
  if (o.follow && (c.State.Running || c.State.Status === 'created')) await ended;
  off();
  conn.end();
  return 200;
}
