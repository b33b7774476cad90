/**
 * The API paths that talk to a registry on the client's behalf: POST
 * /images/create?fromImage= (pull), POST /images/{name}/push, POST /auth
 * (login) and GET /images/search. Credentials travel as Docker's CLI sends
 * them: a base64 JSON X-Registry-Auth header, or the /auth body.
 */
import { EngineError, type Engine } from '../engine';
import { BlobVerificationError, RegistryError, type RegistryAuth } from '../distribution/registryClient';
import { PullError } from '../distribution/pull';
import { UnreachableRegistryError } from '../distribution/transport';
import { DigestMismatchError } from '../images/digest';
import { UnsafeArchiveError } from '../images/layerArchive';
import { ArchiveError } from '../images/imageArchive';
import { formatReference, parseReference, type Reference } from '../images/reference';
import type { HttpRequest } from './http';
import { responseHead } from './http';
import { json, type ApiConnection } from './respond';

/** X-Registry-Auth: base64url(JSON {username, password, serveraddress}); an empty or "{}" one means anonymous. */
export function registryAuth(header: string | undefined): RegistryAuth | undefined {
  if (!header) return undefined;
  try {
    const b64 = header.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
    const v = JSON.parse(new TextDecoder().decode(bytes)) as Partial<RegistryAuth>;
    return v.username && v.password ? { username: v.username, password: v.password } : undefined;
  } catch {
    throw new EngineError('the X-Registry-Auth header is not base64 JSON', 400);
  }
}

/** The words Docker uses for a failed pull. */
function pullFailure(e: unknown, ref: Reference): string {
  if (e instanceof RegistryError) {
    if (e.code === 'NAME_UNKNOWN' || (e.status === 401 && e.code === 'UNAUTHORIZED')) {
      return `pull access denied for ${ref.name}, repository does not exist or may require 'docker login': ${e.message}`;
    }
    if (e.code === 'MANIFEST_UNKNOWN') {
      return `manifest for ${formatReference(ref)} not found: manifest unknown: ${e.text}`;
    }
    return e.message;
  }
  if (
    e instanceof BlobVerificationError ||
    e instanceof DigestMismatchError ||
    e instanceof UnreachableRegistryError ||
    e instanceof PullError ||
    e instanceof ArchiveError
  ) {
    return e.message;
  }
  if (e instanceof UnsafeArchiveError) return `a layer was refused: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** Answers the request if it is one of these paths; undefined otherwise. */
export async function handleRegistryRequest(
  engine: Engine,
  req: HttpRequest,
  conn: ApiConnection,
): Promise<number | undefined> {
  const { method, path, query } = req;
  const enc = new TextEncoder();
  const stream = () => {
    conn.write(responseHead(200, { 'Content-Type': 'application/json' }));
    return (v: unknown) => conn.write(enc.encode(JSON.stringify(v) + '\n'));
  };

  if (method === 'POST' && path === '/images/create' && query.get('fromImage')) {
    await engine.ensureImages();
    const from = query.get('fromImage')!;
    const tag = query.get('tag');
    let ref: Reference;
    try {
      ref = parseReference(tag ? (tag.startsWith('sha256:') ? `${from}@${tag}` : `${from}:${tag}`) : from);
    } catch (e) {
      throw new EngineError((e as Error).message, 400);
    }
    const auth = registryAuth(req.headers['x-registry-auth']);
    // From here on the answer is a stream of progress lines; a failure is the last of them, as Docker's is.
    const line = stream();
    try {
      await engine.distribution.pull(ref, auth, (m) => line(m));
    } catch (e) {
      const message = pullFailure(e, ref);
      line({ errorDetail: { message }, error: message });
    }
    conn.end();
    return 200;
  }

  let m: RegExpExecArray | null;
  if (method === 'POST' && (m = /^\/images\/(.+)\/push$/.exec(path))) {
    await engine.ensureImages();
    const name = decodeURIComponent(m[1]!);
    const tag = query.get('tag') || 'latest';
    let ref: Reference;
    try {
      ref = parseReference(`${name}:${tag}`);
    } catch (e) {
      throw new EngineError((e as Error).message, 400);
    }
    const local = formatReference(ref);
    const image = await engine.images.resolve(local).catch(() => {
      throw new EngineError(`An image does not exist locally with the tag: ${name}`, 404);
    });
    const auth = registryAuth(req.headers['x-registry-auth']);
    const line = stream();
    try {
      await engine.distribution.push(image, ref.name, ref.tag ?? 'latest', auth, (msg) => line(msg));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      line({ errorDetail: { message }, error: message });
    }
    conn.end();
    return 200;
  }

  if (method === 'POST' && path === '/auth') {
    const body = req.body.length
      ? (JSON.parse(new TextDecoder().decode(req.body)) as Partial<RegistryAuth> & { serveraddress?: string })
      : {};
    if (!body.username || !body.password) throw new EngineError('a username and a password are required', 400);
    try {
      await engine.distribution.login(
        { username: body.username, password: body.password },
        body.serveraddress || undefined,
      );
    } catch (e) {
      if (e instanceof RegistryError && e.status === 401) {
        throw new EngineError(
          `login attempt failed with status: 401 Unauthorized (incorrect username or password)`,
          401,
        );
      }
      throw new EngineError(e instanceof Error ? e.message : String(e), 500);
    }
    return json(conn, 200, { Status: 'Login Succeeded', IdentityToken: '' });
  }

  if (method === 'GET' && path === '/images/search') {
    const term = query.get('term') ?? '';
    if (!term) throw new EngineError('a search term is required (term=)', 400);
    const limit = Math.max(1, Math.min(100, Number(query.get('limit') ?? 25) || 25));
    try {
      return json(conn, 200, await engine.distribution.search(term, limit));
    } catch (e) {
      throw new EngineError(e instanceof Error ? e.message : String(e), 500);
    }
  }
  return undefined;
}
