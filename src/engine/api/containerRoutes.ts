/** /containers/… and POST /commit: Docker's container API. */
import { securityWarnings } from '../runtime/security';
import type { CreateOptions } from '../containers/create';
import { statusText } from '../containers/inspect';
import { WAIT_CONDITIONS, type WaitCondition } from '../containers/lifecycle';
import { pruneContainers } from '../diskUsage';
import { invalidParameter } from '../engineError';
import { publishedPorts } from '../network/portBindings';
import { responseHead } from './http';
import { bool, json } from './respond';
import type { Call, Route } from './router';
import { withImages } from './router';
import { boolean, list, number, object, optional, parseBody, record, string } from './schema';
import { streamOutput } from './streams';

export const containerRoutes: Route[] = [
  { method: 'GET', path: '/containers/json', handler: listContainers },
  { method: 'POST', path: '/containers/create', handler: create },
  {
    method: 'POST',
    path: '/containers/prune',
    handler: async (c) => json(c.conn, 200, await pruneContainers(c.engine)),
  },
  { method: 'GET', path: '/containers/{id}/json', handler: (c) => json(c.conn, 200, c.engine.inspect(c.params.id!)) },
  { method: 'POST', path: '/containers/{id}/start', handler: start },
  { method: 'POST', path: '/containers/{id}/stop', handler: stop },
  { method: 'POST', path: '/containers/{id}/restart', handler: restart },
  { method: 'POST', path: '/containers/{id}/kill', handler: kill },
  { method: 'POST', path: '/containers/{id}/pause', handler: async (c) => done(c, c.engine.pause(c.params.id!)) },
  { method: 'POST', path: '/containers/{id}/unpause', handler: async (c) => done(c, c.engine.unpause(c.params.id!)) },
  { method: 'POST', path: '/containers/{id}/rename', handler: rename },
  { method: 'POST', path: '/containers/{id}/wait', handler: wait },
  { method: 'DELETE', path: '/containers/{id}', handler: remove },
  { method: 'POST', path: '/containers/{id}/attach', handler: attach },
  { method: 'GET', path: '/containers/{id}/logs', handler: logs },
  { method: 'POST', path: '/containers/{id}/resize', handler: resize },
  {
    method: 'GET',
    path: '/containers/{id}/top',
    handler: async (c) => json(c.conn, 200, await c.engine.top(c.params.id!)),
  },
  {
    method: 'GET',
    path: '/containers/{id}/stats',
    handler: async (c) => json(c.conn, 200, await c.engine.stats(c.params.id!)),
  },
  {
    method: 'GET',
    path: '/containers/{id}/changes',
    handler: async (c) => json(c.conn, 200, await c.engine.changes(c.params.id!)),
  },
  {
    method: 'GET',
    path: '/containers/{id}/export',
    handler: async (c) => tar(c, await c.engine.exportFilesystem(c.params.id!)),
  },
  {
    method: 'GET',
    path: '/containers/{id}/archive',
    handler: async (c) => tar(c, await c.engine.archive(c.params.id!, c.query.get('path') ?? '/')),
  },
  { method: 'PUT', path: '/containers/{id}/archive', handler: putArchive },
  { method: 'POST', path: '/commit', handler: withImages(commit) },
];

async function done(c: Call, p: Promise<void>): Promise<number> {
  await p;
  return json(c.conn, 204);
}

function tar(c: Call, bytes: Uint8Array): number {
  c.conn.write(responseHead(200, { 'Content-Type': 'application/x-tar', 'Content-Length': String(bytes.length) }));
  c.conn.write(bytes);
  c.conn.end();
  return 200;
}

const timeout = (q: URLSearchParams) => (q.has('t') ? Number(q.get('t')) : 10);

function listContainers({ engine, conn, query }: Call): number {
  return json(
    conn,
    200,
    engine.list(bool(query.get('all'))).map((c) => ({
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

/** The fields of Docker's create body that this daemon acts on. */
const CreateBody = object({
  Image: optional(string),
  Cmd: optional(list(string)),
  Entrypoint: optional(list(string)),
  Env: optional(list(string)),
  WorkingDir: optional(string),
  User: optional(string),
  Hostname: optional(string),
  Labels: optional(record(string)),
  Tty: optional(boolean),
  OpenStdin: optional(boolean),
  HostConfig: optional(
    object({
      Memory: optional(number),
      NanoCpus: optional(number),
      PidsLimit: optional(number),
      NetworkMode: optional(string),
      PortBindings: optional(record(optional(list(object({ HostIp: optional(string), HostPort: optional(string) }))))),
      UsernsMode: optional(string),
      AutoRemove: optional(boolean),
      Binds: optional(list(string)),
      CapAdd: optional(list(string)),
      CapDrop: optional(list(string)),
      Privileged: optional(boolean),
      SecurityOpt: optional(list(string)),
      Init: optional(boolean),
      IpcMode: optional(string),
      PidMode: optional(string),
    }),
  ),
});

async function create(call: Call): Promise<number> {
  const { engine, req, conn, query } = call;
  const b = parseBody(req, CreateBody);
  if (!b.Image) throw invalidParameter('Config cannot be empty in order to create a container');
  const hc: NonNullable<typeof b.HostConfig> = b.HostConfig ?? {};
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
      Object.entries(hc.PortBindings ?? {}).map(([k, bindings]) => [
        k,
        (bindings ?? []).map((p) => ({ HostIp: p.HostIp ?? '', HostPort: p.HostPort ?? '' })),
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
      ...(hc.Init !== undefined ? { init: hc.Init } : {}),
      ...(hc.IpcMode ? { ipcMode: hc.IpcMode } : {}),
      ...(hc.PidMode ? { pidMode: hc.PidMode } : {}),
    },
  };
  const c = await engine.create(opts);
  call.containerId = c.Id;
  return json(conn, 201, { Id: c.Id, Warnings: securityWarnings(c.HostConfig) });
}

async function start({ engine, conn, params }: Call): Promise<number> {
  if (engine.get(params.id!).State.Running) return json(conn, 304);
  await engine.start(params.id!);
  return json(conn, 204);
}

async function stop({ engine, conn, params, query }: Call): Promise<number> {
  if (!engine.get(params.id!).State.Running) return json(conn, 304);
  await engine.stop(params.id!, timeout(query));
  return json(conn, 204);
}

async function restart(c: Call): Promise<number> {
  return done(c, c.engine.restart(c.params.id!, timeout(c.query)));
}

async function kill(c: Call): Promise<number> {
  return done(c, c.engine.kill(c.params.id!, c.query.get('signal') ?? 'KILL'));
}

function rename({ engine, conn, params, query }: Call): number {
  engine.rename(params.id!, query.get('name') ?? '');
  return json(conn, 204);
}

async function wait({ engine, conn, params, query }: Call): Promise<number> {
  const condition = query.get('condition') || 'not-running';
  if (!(WAIT_CONDITIONS as readonly string[]).includes(condition))
    throw invalidParameter(`invalid condition: "${condition}"`);
  const gone = new Promise<void>((resolve) => conn.onClose?.(resolve));
  const code = await engine.wait(params.id!, condition as WaitCondition, gone);
  return json(conn, 200, { StatusCode: code, Error: null });
}

async function remove(c: Call): Promise<number> {
  return done(c, c.engine.remove(c.params.id!, { force: bool(c.query.get('force')) }));
}

async function resize({ engine, conn, params, query }: Call): Promise<number> {
  await engine.resize(params.id!, Number(query.get('h') ?? 24), Number(query.get('w') ?? 80));
  return json(conn, 200);
}

async function putArchive({ engine, conn, params, query, req }: Call): Promise<number> {
  await engine.extractArchive(params.id!, query.get('path') ?? '/', req.body);
  return json(conn, 200);
}

function attach({ engine, conn, params, query, req, io }: Call): Promise<number> {
  const id = params.id!;
  if (bool(query.get('stdin'))) {
    const cid = engine.get(id).Id;
    io.onInput((b) => engine.writeStdin(cid, b));
    io.onInputEnd(() => engine.closeStdin(cid));
  }
  return streamOutput(engine, id, conn, {
    upgrade: /upgrade/i.test(req.headers['connection'] ?? ''),
    logs: bool(query.get('logs')),
    follow: bool(query.get('stream')),
    tail: query.get('tail'),
    stdout: bool(query.get('stdout')),
    stderr: bool(query.get('stderr')),
  });
}

function logs({ engine, conn, params, query }: Call): Promise<number> {
  return streamOutput(engine, params.id!, conn, {
    logs: true,
    follow: bool(query.get('follow')),
    tail: query.get('tail'),
    stdout: bool(query.get('stdout')),
    stderr: bool(query.get('stderr')),
  });
}

async function commit({ engine, conn, query }: Call): Promise<number> {
  const container = query.get('container');
  if (!container) throw invalidParameter('a container to commit is required (container=)');
  const image = await engine.commit(container, {
    ...(query.get('repo') ? { repo: query.get('repo')! } : {}),
    ...(query.get('tag') ? { tag: query.get('tag')! } : {}),
    ...(query.get('comment') ? { comment: query.get('comment')! } : {}),
    ...(query.get('author') ? { author: query.get('author')! } : {}),
    changes: query.getAll('changes'),
    pause: query.get('pause') === null ? true : bool(query.get('pause')),
  });
  return json(conn, 201, { Id: image.id });
}
