/**
 * The API paths that talk to a registry on the client's behalf (moby's
 * distribution and registry routers): POST /images/create?fromImage= (pull),
 * POST /images/{name}/push, POST /auth (login) and GET /images/search.
 * Credentials travel as Docker's CLI sends them: a base64 JSON
 * X-Registry-Auth header, or the /auth body.
 */
import { invalidParameter, notFound, systemError, unauthorized } from '../engineError';
import { BlobVerificationError, RegistryError, type RegistryAuth } from '../distribution/registryClient';
import { PullError } from '../distribution/pull';
import { UnreachableRegistryError } from '../distribution/transport';
import { DigestMismatchError } from '../images/digest';
import { UnsafeArchiveError } from '../images/layerArchive';
import { ArchiveError } from '../images/imageArchive';
import { formatReference, parseReference, type Reference } from '../images/reference';
import { responseHead } from './http';
import { json } from './respond';
import type { Call, Route } from './router';
import { withImages } from './router';
import { object, optional, parseBody, string } from './schema';

/** X-Registry-Auth: base64url(JSON {username, password, serveraddress}); an empty or "{}" one means anonymous. */
export function registryAuth(header: string | undefined): RegistryAuth | undefined {
  if (!header) return undefined;
  try {
    const b64 = header.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
    const v = JSON.parse(new TextDecoder().decode(bytes)) as Partial<RegistryAuth>;
    return v.username && v.password ? { username: v.username, password: v.password } : undefined;
  } catch {
    throw invalidParameter('the X-Registry-Auth header is not base64 JSON');
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

export const distributionRoutes: Route[] = [
  { method: 'POST', path: '/images/create', handler: withImages(pull), when: (q) => !!q.get('fromImage') },
  { method: 'POST', path: '/images/{name*}/push', handler: withImages(push) },
  { method: 'POST', path: '/auth', handler: login },
  { method: 'GET', path: '/images/search', handler: search },
];

/** From here on the answer is a stream of progress lines; a failure is the last of them, as Docker's is. */
function progress(conn: Call['conn']) {
  const enc = new TextEncoder();
  conn.write(responseHead(200, { 'Content-Type': 'application/json' }));
  return (v: unknown) => conn.write(enc.encode(JSON.stringify(v) + '\n'));
}

async function pull({ engine, req, conn, query }: Call): Promise<number> {
  const from = query.get('fromImage')!;
  const tag = query.get('tag');
  let ref: Reference;
  try {
    ref = parseReference(tag ? (tag.startsWith('sha256:') ? `${from}@${tag}` : `${from}:${tag}`) : from);
  } catch (e) {
    throw invalidParameter((e as Error).message);
  }
  const auth = registryAuth(req.headers['x-registry-auth']);
  const line = progress(conn);
  try {
    await engine.distribution.pull(ref, auth, (m) => line(m));
  } catch (e) {
    const message = pullFailure(e, ref);
    line({ errorDetail: { message }, error: message });
  }
  conn.end();
  return 200;
}

async function push({ engine, req, conn, params, query }: Call): Promise<number> {
  const name = params.name!;
  const tag = query.get('tag') || 'latest';
  let ref: Reference;
  try {
    ref = parseReference(`${name}:${tag}`);
  } catch (e) {
    throw invalidParameter((e as Error).message);
  }
  const image = await engine.images.resolve(formatReference(ref)).catch(() => {
    throw notFound(`An image does not exist locally with the tag: ${name}`);
  });
  const auth = registryAuth(req.headers['x-registry-auth']);
  const line = progress(conn);
  try {
    await engine.distribution.push(image, ref.name, ref.tag ?? 'latest', auth, (msg) => line(msg));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    line({ errorDetail: { message }, error: message });
  }
  conn.end();
  return 200;
}

const AuthBody = object({ username: optional(string), password: optional(string), serveraddress: optional(string) });

async function login({ engine, req, conn }: Call): Promise<number> {
  const body = parseBody(req, AuthBody);
  if (!body.username || !body.password) throw invalidParameter('a username and a password are required');
  try {
    await engine.distribution.login(
      { username: body.username, password: body.password },
      body.serveraddress || undefined,
    );
  } catch (e) {
    if (e instanceof RegistryError && e.status === 401) {
      throw unauthorized(`login attempt failed with status: 401 Unauthorized (incorrect username or password)`);
    }
    throw systemError(e instanceof Error ? e.message : String(e));
  }
  return json(conn, 200, { Status: 'Login Succeeded', IdentityToken: '' });
}

async function search({ engine, conn, query }: Call): Promise<number> {
  const term = query.get('term') ?? '';
  if (!term) throw invalidParameter('a search term is required (term=)');
  const limit = Math.max(1, Math.min(100, Number(query.get('limit') ?? 25) || 25));
  try {
    return json(conn, 200, await engine.distribution.search(term, limit));
  } catch (e) {
    throw systemError(e instanceof Error ? e.message : String(e));
  }
}
