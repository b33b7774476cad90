/**
 * The API paths that make and move images: POST /build (a context tar in,
 * the build log out as Docker's JSON progress lines), POST /commit, and
 * docker save / load (GET /images/get, POST /images/load).
 */
import { Builder, BuildError } from '../build/builder';
import { BuildContext } from '../build/buildContext';
import { EngineError, type Engine } from '../engine';
import { DigestMismatchError } from '../images/digest';
import { ArchiveError, importRootfs, loadImages, saveImages } from '../images/imageArchive';
import { UnsafeArchiveError } from '../images/layerArchive';
import { formatReference, parseReference } from '../images/reference';
import type { HttpRequest } from './http';
import { responseHead } from './http';
import { bool, json, type ApiConnection } from './respond';

/** Answers the request if it is one of these paths; undefined otherwise. */
export async function handleImageRequest(
  engine: Engine,
  req: HttpRequest,
  conn: ApiConnection,
): Promise<number | undefined> {
  const { method, path, query } = req;
  if (method === 'POST' && path === '/commit') {
    await engine.ensureImages();
    const container = query.get('container');
    if (!container) throw new EngineError('a container to commit is required (container=)', 400);
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
  if (method === 'POST' && path === '/build') {
    let context: BuildContext;
    try {
      context = await BuildContext.fromTar(req.body);
    } catch (e) {
      if (e instanceof UnsafeArchiveError) throw new EngineError(`the build context was refused: ${e.message}`, 400);
      throw new EngineError(`the build context is not a tar archive: ${(e as Error).message}`, 400);
    }
    let buildArgs: Record<string, string>;
    try {
      buildArgs = JSON.parse(query.get('buildargs') ?? '{}') as Record<string, string>;
    } catch {
      throw new EngineError('buildargs is not a JSON object', 400);
    }
    const quiet = bool(query.get('q'));
    // From here on the answer is a stream: errors travel in it, as Docker's do.
    conn.write(responseHead(200, { 'Content-Type': 'application/json' }));
    const enc = new TextEncoder();
    const line = (v: unknown) => conn.write(enc.encode(JSON.stringify(v) + '\n'));
    try {
      const r = await new Builder(engine).build({
        context,
        dockerfile: query.get('dockerfile') ?? 'Dockerfile',
        tags: query.getAll('t'),
        buildArgs,
        noCache: bool(query.get('nocache')),
        ...(query.get('target') ? { target: query.get('target')! } : {}),
        onLog: (text) => {
          if (!quiet) line({ stream: text });
        },
      });
      line({ aux: { ID: r.image.id } });
    } catch (e) {
      const message = e instanceof BuildError || e instanceof EngineError ? e.message : String(e);
      line({ errorDetail: { message }, error: message });
    }
    conn.end();
    return 200;
  }
  if (method === 'GET' && (path === '/images/get' || /^\/images\/.+\/get$/.test(path))) {
    await engine.ensureImages();
    const names = path === '/images/get' ? query.getAll('names') : [decodeURIComponent(path.slice(8, -4))];
    if (!names.length) throw new EngineError('no image names given (names=)', 400);
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
  if (method === 'POST' && path === '/images/create' && query.get('fromSrc') === '-') {
    await engine.ensureImages();
    let image;
    try {
      image = await importRootfs(engine.images, req.body, query.get('message') || 'Imported from -');
    } catch (e) {
      if (e instanceof UnsafeArchiveError) throw new EngineError(`the archive was refused: ${e.message}`, 400);
      throw new EngineError(`not a filesystem tar: ${(e as Error).message}`, 400);
    }
    const repo = query.get('repo');
    if (repo) {
      const target = `${repo}:${query.get('tag') || 'latest'}`;
      await engine.images.tag(image.manifestDigest, target).catch((e: Error) => {
        throw new EngineError(e.message, 400);
      });
      engine.events.emit('image', 'tag', image.id, { name: target });
    }
    engine.events.emit('image', 'import', image.id, {});
    conn.write(responseHead(200, { 'Content-Type': 'application/json' }));
    conn.write(new TextEncoder().encode(JSON.stringify({ status: image.id }) + '\n'));
    conn.end();
    return 200;
  }
  if (method === 'POST' && path === '/images/load') {
    await engine.ensureImages();
    let loaded: string[];
    try {
      loaded = (await loadImages(engine.images, req.body)).loaded;
    } catch (e) {
      if (e instanceof UnsafeArchiveError || e instanceof ArchiveError || e instanceof DigestMismatchError) {
        throw new EngineError(`the archive was refused: ${e.message}`, 400);
      }
      throw e;
    }
    for (const l of loaded) engine.events.emit('image', 'load', l, { name: l });
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
  return undefined;
}
