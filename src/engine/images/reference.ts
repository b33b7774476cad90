/**
 * Image references as the docker CLI accepts them: `busybox`, `busybox:1.35`,
 * `library/busybox:latest`, `busybox@sha256:…`, `localhost:5000/app:v1`.
 * Names are kept as given (a `library/` prefix aside), as `docker images`
 * shows them; `registryPath` says which registry and repository a name means.
 */
import { isDigest, type Digest } from './digest';

export interface Reference {
  name: string;
  tag?: string;
  digest?: Digest;
}

const PATH = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$/;

/**
 * The registry a name without a host goes to: docker.io, as in Docker. The
 * page has no network, so a registry of its own (src/registry) plays Docker
 * Hub's part under that name, with accounts and read-only official images.
 */
export const DEFAULT_REGISTRY = 'docker.io';

/** The server Docker's CLI logs in to by default, and files Docker Hub's login under in config.json. */
export const HUB_LOGIN_SERVER = 'https://index.docker.io/v1/';

/**
 * The registry host a login server names: `https://index.docker.io/v1/`,
 * `index.docker.io` and `registry-1.docker.io` all mean docker.io, as in
 * Docker; any other server is its host (`localhost:5000`).
 */
export function registryHostOf(server: string): string {
  const host = server.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return ['docker.io', 'index.docker.io', 'registry-1.docker.io'].includes(host) ? DEFAULT_REGISTRY : host;
}

/** Docker's rule: a first component with a dot or a port, or `localhost`, is a registry host. */
function splitHost(name: string): { host?: string; path: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { path: name };
  const first = name.slice(0, slash);
  if (first.includes('.') || first.includes(':') || first === 'localhost') {
    return { host: first, path: name.slice(slash + 1) };
  }
  return { path: name };
}

/**
 * Where a name lives: the registry host and the repository in it. As on
 * Docker Hub, a one-word name on the default registry is an official image
 * under `library/`.
 */
export function registryPath(name: string): { host: string; repository: string } {
  const { host, path } = splitHost(name);
  if (host) return { host, repository: path };
  return { host: DEFAULT_REGISTRY, repository: path.includes('/') ? path : `library/${path}` };
}

function validName(name: string): boolean {
  const { host, path } = splitHost(name);
  return (host === undefined || DOMAIN.test(host)) && PATH.test(path);
}
const TAG = /^[\w][\w.-]{0,127}$/;

export class InvalidReferenceError extends Error {
  constructor(readonly input: string) {
    super(`invalid reference format: "${input}"`);
    this.name = 'InvalidReferenceError';
  }
}

export function parseReference(input: string): Reference {
  let rest = input;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const d = rest.slice(at + 1);
    if (!isDigest(d)) throw new InvalidReferenceError(input);
    digest = d;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new InvalidReferenceError(input);
  }
  const name = rest.startsWith('library/') ? rest.slice('library/'.length) : rest;
  if (!validName(name) || name.length > 255) throw new InvalidReferenceError(input);
  if (!tag && !digest) tag = 'latest';
  return { name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

export function formatReference(r: Reference): string {
  return `${r.name}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}
