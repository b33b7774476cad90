/** Docker's image API: list, inspect, tag, history, remove, prune, save, load and import. */
import { invalidParameter } from '../engineError';
import { saveImages } from '../images/imageArchive';
import { formatReference, parseReference } from '../images/reference';
import { responseHead } from './http';
import { bool, json } from './respond';
import type { Call, Route } from './router';
import { withImages } from './router';

const routes: Route[] = [
  { method: 'GET', path: '/images/json', handler: listImages },
  { method: 'GET', path: '/images/get', handler: save },
  { method: 'POST', path: '/images/load', handler: load },
  { method: 'POST', path: '/images/prune', handler: prune },
  { method: 'POST', path: '/images/create', handler: importRootfs, when: (q) => q.get('fromSrc') === '-' },
  {
    method: 'GET',
    path: '/images/{name*}/json',
    handler: async (c) => json(c.conn, 200, await c.engine.imageService.inspect(c.params.name!)),
  },
  {
    method: 'GET',
    path: '/images/{name*}/history',
    handler: async (c) => json(c.conn, 200, await c.engine.imageService.history(c.params.name!)),
  },
  { method: 'GET', path: '/images/{name*}/get', handler: save },
  { method: 'POST', path: '/images/{name*}/tag', handler: tag },
  { method: 'DELETE', path: '/images/{name*}', handler: remove },
];

/** Every image path needs the base images in the store first. */
export const imageRoutes: Route[] = routes.map((r) => ({ ...r, handler: withImages(r.handler) }));

async function listImages({ engine, conn }: Call): Promise<number> {
  const images = await engine.imageService.list();
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

async function tag({ engine, conn, params, query }: Call): Promise<number> {
  const image = await engine.image(params.name!);
  const repo = query.get('repo');
  if (!repo) throw invalidParameter('repository name must have at least one component');
  await engine.imageService.tag(image, `${repo}:${query.get('tag') || 'latest'}`);
  return json(conn, 201);
}

async function remove({ engine, conn, params, query }: Call): Promise<number> {
  return json(conn, 200, await engine.imageService.remove(params.name!, bool(query.get('force'))));
}

async function prune({ engine, conn, query }: Call): Promise<number> {
  // Docker's CLI asks for every unused image (-a) with the filter dangling=false.
  const all = /"dangling"\s*:\s*(\{\s*"false"|\[\s*"false")/.test(query.get('filters') ?? '');
  return json(conn, 200, await engine.imageService.prune(all));
}

/** `docker save`: GET /images/get?names=… or /images/{name}/get. */
async function save({ engine, conn, params, query }: Call): Promise<number> {
  const names = params.name !== undefined ? [params.name] : query.getAll('names');
  if (!names.length) throw invalidParameter('no image names given (names=)');
  const chosen = [];
  for (const n of names) {
    const image = await engine.image(n);
    // Saved under the name it was asked by, like Docker; an id saves the image untagged.
    const byId = /^(sha256:)?[0-9a-f]{6,64}$/.test(n);
    chosen.push({ image, tags: byId ? [] : [formatReference({ tag: 'latest', ...parseReference(n) })] });
  }
  const tar = await saveImages(engine.images, chosen);
  conn.write(responseHead(200, { 'Content-Type': 'application/x-tar', 'Content-Length': String(tar.length) }));
  conn.write(tar);
  conn.end();
  return 200;
}

async function load({ engine, req, conn, query }: Call): Promise<number> {
  const loaded = await engine.imageService.load(req.body);
  conn.write(responseHead(200, { 'Content-Type': 'application/json' }));
  const enc = new TextEncoder();
  if (!bool(query.get('quiet'))) {
    for (const l of loaded) {
      const text = l.startsWith('sha256:') ? `Loaded image ID: ${l}\n` : `Loaded image: ${l}\n`;
      conn.write(enc.encode(JSON.stringify({ stream: text }) + '\n'));
    }
  }
  conn.end();
  return 200;
}

/** `docker import`: POST /images/create?fromSrc=- with the tar as the body. */
async function importRootfs({ engine, req, conn, query }: Call): Promise<number> {
  const repo = query.get('repo');
  const image = await engine.imageService.import(
    req.body,
    query.get('message') || 'Imported from -',
    repo ? `${repo}:${query.get('tag') || 'latest'}` : undefined,
  );
  conn.write(responseHead(200, { 'Content-Type': 'application/json' }));
  conn.write(new TextEncoder().encode(JSON.stringify({ status: image.id }) + '\n'));
  conn.end();
  return 200;
}
