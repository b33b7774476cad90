/**
 * The page's image registry: the OCI Distribution API (the API Docker
 * Hub and `registry:2` speak) over its own blob and metadata stores, which
 * are not the daemon's. Blobs are content-addressed once and linked into
 * each repository that holds them, as the reference registry does, so a
 * blob pushed to one repository is "already there" only for repositories
 * linked to it; another repository gets it by a cross-repository mount.
 */
import { concat } from '../engine/bytes';
import type { RegistryRequest, RegistryResponse } from '../engine/distribution/transport';
import { isDigest, sha256, type Digest } from '../engine/images/digest';
import {
  IMAGE_NAME,
  MEDIA,
  REF_NAME,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from '../engine/images/oci';
import type { BlobStore, MetaStore } from '../engine/images/storage';
import { accountHash, parseBasicAuth } from './accounts';

const REPOS_KEY = 'repositories';
const ACCOUNTS_KEY = 'accounts';

/** Docker's schema 2 manifest type; accepted alongside OCI's because Docker clients push it. */
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const MANIFEST_TYPES: readonly string[] = [MEDIA.manifest, DOCKER_MANIFEST];

const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPO_NAME = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;

export interface Repository {
  tags: Record<string, Digest>;
  manifests: Digest[];
  /** The blobs linked into this repository. */
  blobs: Digest[];
}

/** The account a fresh registry has, for the lesson on logging in (written in the lesson, too). */
export const SEED_ACCOUNT = { username: 'student', password: 'container' } as const;

type ErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'TAG_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED';

const enc = new TextEncoder();
const dec = new TextDecoder();

const BASE_HEADERS = { 'docker-distribution-api-version': 'registry/2.0' };

function answer(status: number, headers: Record<string, string> = {}, body?: unknown): RegistryResponse {
  const bytes =
    body === undefined ? new Uint8Array(0) : body instanceof Uint8Array ? body : enc.encode(JSON.stringify(body));
  const h: Record<string, string> = { ...BASE_HEADERS, 'content-length': String(bytes.length), ...headers };
  if (body !== undefined && !(body instanceof Uint8Array)) h['content-type'] ??= 'application/json';
  return { status, headers: h, body: bytes };
}

function problem(status: number, code: ErrorCode, message: string, detail?: unknown): RegistryResponse {
  const headers: Record<string, string> =
    status === 401 ? { 'www-authenticate': 'Basic realm="playground registry"' } : {};
  return answer(status, headers, { errors: [{ code, message, ...(detail === undefined ? {} : { detail }) }] });
}

interface Upload {
  repository: string;
  chunks: Uint8Array[];
  size: number;
  /** When the client last sent or asked for anything of it (ms, the registry's clock). */
  touched: number;
}

/**
 * Upload sessions are held in memory: bounded in time, size and number, so
 * abandoned or hostile pushes cannot fill the worker that runs the machine.
 */
export interface RegistryLimits {
  /** A session nobody touched for this long is gone (the client starts another, as with registry:2). */
  uploadIdleMs: number;
  /** The largest blob an upload may grow to. */
  uploadBytes: number;
  /** Sessions at once; the least recently touched goes first. */
  uploads: number;
}

export const REGISTRY_LIMITS: RegistryLimits = {
  uploadIdleMs: 10 * 60 * 1000,
  uploadBytes: 128 * 1024 * 1024,
  uploads: 32,
};

/**
 * Who may do what. `hub` plays Docker Hub: anyone may pull, a push needs a
 * login, official images (library/…) are read-only, and `docker search`
 * works. `open` is `registry:2` as every tutorial runs it at localhost:5000:
 * no accounts, anyone may push and pull, no search endpoint.
 */
export type RegistryPolicy = 'hub' | 'open';

export interface RegistryContents {
  repositories: {
    name: string;
    tags: { tag: string; manifest: Digest; layers: { digest: Digest; size: number }[] }[];
  }[];
  blobs: number;
  bytes: number;
}

export class Registry {
  /** Upload sessions live as long as the worker; a client whose session vanished starts a new one. */
  private readonly uploads = new Map<string, Upload>();
  /** Writes to the repository document one at a time (concurrent pushes read-modify-write it). */
  private writing: Promise<unknown> = Promise.resolve();
  /** Every request answered, for the page's push/pull picture. */
  private readonly listeners = new Set<(req: RegistryRequest, res: RegistryResponse) => void>();

  constructor(
    readonly blobs: BlobStore,
    readonly meta: MetaStore,
    private readonly limits: RegistryLimits = REGISTRY_LIMITS,
    private readonly now: () => number = () => Date.now(),
    readonly policy: RegistryPolicy = 'hub',
  ) {}

  /** Upload sessions now open (after expired ones are dropped). */
  openUploads(): number {
    this.expireUploads();
    return this.uploads.size;
  }

  private expireUploads(): void {
    const t = this.now();
    for (const [id, up] of this.uploads) if (t - up.touched > this.limits.uploadIdleMs) this.uploads.delete(id);
  }

  private tooLarge(): RegistryResponse {
    return problem(413, 'SIZE_INVALID', `blob larger than this registry takes (${this.limits.uploadBytes} bytes)`);
  }

  onRequest(listener: (req: RegistryRequest, res: RegistryResponse) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async handle(req: RegistryRequest): Promise<RegistryResponse> {
    let res: RegistryResponse;
    try {
      res = await this.route(req);
    } catch (e) {
      res = answer(500, {}, { errors: [{ code: 'UNKNOWN', message: e instanceof Error ? e.message : String(e) }] });
    }
    if (req.method === 'HEAD') res = { ...res, body: new Uint8Array(0) };
    for (const l of this.listeners) l(req, res);
    return res;
  }

  private async repositories(): Promise<Record<string, Repository>> {
    return (await this.meta.get<Record<string, Repository>>(REPOS_KEY)) ?? {};
  }

  private update<T>(fn: (repos: Record<string, Repository>) => T | Promise<T>): Promise<T> {
    const run = this.writing.then(async () => {
      const repos = await this.repositories();
      const r = await fn(repos);
      await this.meta.set(REPOS_KEY, repos);
      return r;
    });
    this.writing = run.catch(() => undefined);
    return run;
  }

  private static repo(repos: Record<string, Repository>, name: string): Repository {
    return (repos[name] ??= { tags: {}, manifests: [], blobs: [] });
  }

  /** Accounts by name, each with its password's hash. */
  async addAccount(username: string, password: string): Promise<void> {
    const accounts = (await this.meta.get<Record<string, string>>(ACCOUNTS_KEY)) ?? {};
    accounts[username] = await accountHash(username, password);
    await this.meta.set(ACCOUNTS_KEY, accounts);
  }

  /** The user an Authorization header proves, null for none, or 'invalid'. */
  private async user(headers: Record<string, string> | undefined): Promise<string | null | 'invalid'> {
    const auth = headers?.['authorization'];
    // registry:2 without auth configured ignores credentials altogether.
    if (!auth || this.policy === 'open') return null;
    const creds = parseBasicAuth(auth);
    if (!creds) return 'invalid';
    const accounts = (await this.meta.get<Record<string, string>>(ACCOUNTS_KEY)) ?? {};
    const want = accounts[creds.username];
    return want && want === (await accountHash(creds.username, creds.password)) ? creds.username : 'invalid';
  }

  private async route(req: RegistryRequest): Promise<RegistryResponse> {
    const url = new URL(req.path, 'http://registry');
    const path = url.pathname;
    const user = await this.user(req.headers);
    if (user === 'invalid')
      return problem(401, 'UNAUTHORIZED', 'authentication required', 'incorrect username or password');

    if (path === '/v2/' || path === '/v2') return answer(200, {}, {});
    if (path === '/v2/_catalog' && req.method === 'GET') {
      const names = Object.keys(await this.repositories()).sort();
      const last = url.searchParams.get('last');
      const n = Number(url.searchParams.get('n') ?? names.length);
      const page = names.filter((x) => !last || x > last).slice(0, n);
      return answer(200, {}, { repositories: page });
    }
    if (path === '/v1/search' && req.method === 'GET' && this.policy === 'hub') return this.search(url.searchParams);

    const m = /^\/v2\/(.+?)\/(blobs\/uploads\/([^/]*)|blobs\/([^/]+)|manifests\/([^/]+)|tags\/list)$/.exec(path);
    if (!m) return problem(404, 'UNSUPPORTED', `no such API path: ${path}`);
    const name = m[1]!;
    if (!REPO_NAME.test(name)) return problem(400, 'NAME_INVALID', 'invalid repository name', { name });
    const writes = req.method !== 'GET' && req.method !== 'HEAD';
    if (writes && this.policy === 'hub') {
      if (user === null) return problem(401, 'UNAUTHORIZED', 'authentication required');
      // As on Docker Hub, official images (library/…) are not writable by users.
      if (name.startsWith('library/')) return problem(403, 'DENIED', 'requested access to the resource is denied');
    }
    if (m[3] !== undefined) return this.upload(req, name, m[3], url.searchParams);
    if (m[4] !== undefined) return this.blob(req, name, m[4]);
    if (m[5] !== undefined) return this.manifest(req, name, decodeURIComponent(m[5]));
    if (req.method !== 'GET') return problem(405, 'UNSUPPORTED', 'method not allowed');
    const repo = (await this.repositories())[name];
    if (!repo) return problem(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name });
    return answer(200, {}, { name, tags: Object.keys(repo.tags).sort() });
  }

  private async blob(req: RegistryRequest, name: string, digest: string): Promise<RegistryResponse> {
    if (!isDigest(digest)) return problem(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content');
    if (req.method === 'DELETE') {
      return this.update((repos) => {
        const repo = repos[name];
        if (!repo?.blobs.includes(digest)) return problem(404, 'BLOB_UNKNOWN', 'blob unknown to registry', { digest });
        repo.blobs = repo.blobs.filter((d) => d !== digest);
        return answer(202);
      });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return problem(405, 'UNSUPPORTED', 'method not allowed');
    const linked = (await this.repositories())[name]?.blobs.includes(digest);
    const data = linked ? await this.blobs.get(digest) : null;
    if (!data) return problem(404, 'BLOB_UNKNOWN', 'blob unknown to registry', { digest });
    // The stored bytes are served as they are: a registry does not re-check them on the way out; clients must.
    return answer(200, { 'docker-content-digest': digest, 'content-type': 'application/octet-stream' }, data);
  }

  private async upload(
    req: RegistryRequest,
    name: string,
    id: string,
    query: URLSearchParams,
  ): Promise<RegistryResponse> {
    const body = req.body ?? new Uint8Array(0);
    this.expireUploads();
    if (id === '') {
      if (req.method !== 'POST') return problem(405, 'UNSUPPORTED', 'method not allowed');
      const mount = query.get('mount');
      const from = query.get('from');
      if (mount && from && isDigest(mount)) {
        const mounted = await this.update((repos) => {
          if (!repos[from]?.blobs.includes(mount)) return false;
          const repo = Registry.repo(repos, name);
          if (!repo.blobs.includes(mount)) repo.blobs.push(mount);
          return true;
        });
        if (mounted && (await this.blobs.has(mount))) {
          return answer(201, { location: `/v2/${name}/blobs/${mount}`, 'docker-content-digest': mount });
        }
        // Not mountable: the spec says to fall back to an ordinary upload session.
      }
      const digest = query.get('digest');
      if (body.length > this.limits.uploadBytes) return this.tooLarge();
      if (digest) return this.finish(name, digest, [body]);
      // At the limit, the session touched longest ago makes room (Map order is insertion; touches re-insert).
      while (this.uploads.size >= this.limits.uploads) this.uploads.delete(this.uploads.keys().next().value!);
      const uuid = crypto.randomUUID();
      this.uploads.set(uuid, { repository: name, chunks: [], size: 0, touched: this.now() });
      return answer(202, {
        location: `/v2/${name}/blobs/uploads/${uuid}`,
        range: '0-0',
        'docker-upload-uuid': uuid,
      });
    }
    const up = this.uploads.get(id);
    if (!up || up.repository !== name) return problem(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry');
    up.touched = this.now();
    this.uploads.delete(id);
    this.uploads.set(id, up);
    const status = (code: number) =>
      answer(code, {
        location: `/v2/${name}/blobs/uploads/${id}`,
        range: `0-${Math.max(0, up.size - 1)}`,
        'docker-upload-uuid': id,
      });
    if (req.method === 'GET') return status(204);
    if (req.method === 'DELETE') {
      this.uploads.delete(id);
      return answer(204);
    }
    if (req.method === 'PATCH' || req.method === 'PUT') {
      if (body.length) {
        const range = req.headers?.['content-range'];
        const start = range ? Number(/^(\d+)-/.exec(range)?.[1]) : up.size;
        // A chunk must continue where the upload is; anything else is out of order.
        if (start !== up.size) return answer(416, { range: `0-${Math.max(0, up.size - 1)}` });
        if (up.size + body.length > this.limits.uploadBytes) {
          this.uploads.delete(id);
          return this.tooLarge();
        }
        up.chunks.push(body.slice());
        up.size += body.length;
      }
      if (req.method === 'PATCH') return status(202);
      this.uploads.delete(id);
      const digest = query.get('digest');
      if (!digest) return problem(400, 'DIGEST_INVALID', 'a digest is required to complete an upload');
      return this.finish(name, digest, up.chunks);
    }
    return problem(405, 'UNSUPPORTED', 'method not allowed');
  }

  /** The end of an upload: the bytes must hash to the digest the client named, or nothing is kept. */
  private async finish(name: string, digest: string, chunks: Uint8Array[]): Promise<RegistryResponse> {
    if (!isDigest(digest)) return problem(400, 'DIGEST_INVALID', 'invalid digest', { digest });
    const data = concat(chunks);
    const actual = await sha256(data);
    if (actual !== digest) {
      return problem(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content', {
        expected: digest,
        actual,
      });
    }
    await this.blobs.put(data);
    await this.update((repos) => {
      const repo = Registry.repo(repos, name);
      if (!repo.blobs.includes(digest)) repo.blobs.push(digest);
    });
    return answer(201, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest });
  }

  /** The blobs a manifest names, itself included; [] for bytes that are not a manifest. */
  private async manifestBlobs(digest: Digest): Promise<Digest[]> {
    const bytes = await this.blobs.get(digest);
    if (!bytes) return [];
    try {
      const m = JSON.parse(dec.decode(bytes)) as ImageManifest;
      return [digest, m.config.digest, ...m.layers.map((l) => l.digest)];
    } catch {
      return [digest];
    }
  }

  /**
   * Garbage collection after a manifest is deleted. Of the blobs it named
   * (itself, its config, its layers): those no remaining manifest of this
   * repository names are unlinked from it; those no manifest of any
   * repository names, and no other repository links (it may be in the middle
   * of a push), are deleted from the store. Blobs of uploads no manifest
   * names yet are left alone.
   */
  private async collect(repos: Record<string, Repository>, name: string, deleted: Digest): Promise<void> {
    const candidates = await this.manifestBlobs(deleted);
    if (!candidates.length) return;
    const usedHere = new Set<Digest>();
    const usedAnywhere = new Set<Digest>();
    for (const [n, repo] of Object.entries(repos)) {
      for (const m of repo.manifests) {
        for (const d of await this.manifestBlobs(m)) {
          usedAnywhere.add(d);
          if (n === name) usedHere.add(d);
        }
      }
    }
    const repo = repos[name]!;
    repo.blobs = repo.blobs.filter((d) => !candidates.includes(d) || usedHere.has(d));
    for (const d of candidates) {
      if (usedAnywhere.has(d)) continue;
      if (Object.values(repos).some((r) => r.blobs.includes(d))) continue;
      await this.blobs.delete(d);
    }
  }

  private async manifest(req: RegistryRequest, name: string, ref: string): Promise<RegistryResponse> {
    if (req.method === 'PUT') return this.putManifest(req, name, ref);
    const repos = await this.repositories();
    const repo = repos[name];
    const digest = isDigest(ref) ? (repo?.manifests.includes(ref) ? ref : undefined) : repo?.tags[ref];
    if (req.method === 'DELETE') {
      if (!isDigest(ref)) return problem(400, 'UNSUPPORTED', 'manifests are deleted by digest');
      if (!digest) return problem(404, 'MANIFEST_UNKNOWN', 'manifest unknown', { name, reference: ref });
      return this.update(async (all) => {
        const r = Registry.repo(all, name);
        r.manifests = r.manifests.filter((d) => d !== digest);
        for (const [t, d] of Object.entries(r.tags)) if (d === digest) delete r.tags[t];
        await this.collect(all, name, digest);
        if (!r.manifests.length && !Object.keys(r.tags).length && !r.blobs.length) delete all[name];
        return answer(202);
      });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return problem(405, 'UNSUPPORTED', 'method not allowed');
    if (!repo) return problem(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name });
    const bytes = digest ? await this.blobs.get(digest) : null;
    if (!digest || !bytes) return problem(404, 'MANIFEST_UNKNOWN', 'manifest unknown', { name, reference: ref });
    const type = (JSON.parse(dec.decode(bytes)) as { mediaType?: string }).mediaType ?? MEDIA.manifest;
    return answer(200, { 'docker-content-digest': digest, 'content-type': type }, bytes);
  }

  private async putManifest(req: RegistryRequest, name: string, ref: string): Promise<RegistryResponse> {
    const body = req.body ?? new Uint8Array(0);
    let manifest: ImageManifest;
    try {
      manifest = JSON.parse(dec.decode(body)) as ImageManifest;
    } catch (e) {
      return problem(400, 'MANIFEST_INVALID', 'manifest invalid', { reason: (e as Error).message });
    }
    const type = req.headers?.['content-type'] ?? manifest.mediaType;
    if (!MANIFEST_TYPES.includes(type) || manifest.schemaVersion !== 2 || !Array.isArray(manifest.layers)) {
      return problem(400, 'MANIFEST_INVALID', 'manifest invalid', { reason: `unsupported manifest type ${type}` });
    }
    const digest = await sha256(body);
    if (isDigest(ref) && ref !== digest) {
      return problem(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content', {
        expected: ref,
        actual: digest,
      });
    }
    if (!isDigest(ref) && !TAG.test(ref)) return problem(400, 'TAG_INVALID', 'manifest tag did not match URI', { ref });
    return this.update(async (repos) => {
      const repo = Registry.repo(repos, name);
      // Every blob the manifest names must be in this repository already: nothing dangling is published.
      for (const d of [manifest.config, ...manifest.layers]) {
        if (!repo.blobs.includes(d.digest) || !(await this.blobs.has(d.digest))) {
          if (!repo.manifests.length && !Object.keys(repo.tags).length && !repo.blobs.length) delete repos[name];
          return problem(400, 'MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', { digest: d.digest });
        }
      }
      await this.blobs.put(body);
      if (!repo.manifests.includes(digest)) repo.manifests.push(digest);
      if (!isDigest(ref)) repo.tags[ref] = digest;
      return answer(201, { location: `/v2/${name}/manifests/${digest}`, 'docker-content-digest': digest });
    });
  }

  /** Docker Hub's search endpoint (not part of the distribution spec; `docker search` calls it). */
  private async search(query: URLSearchParams): Promise<RegistryResponse> {
    const term = (query.get('q') ?? '').toLowerCase();
    const n = Math.min(100, Number(query.get('n') ?? 25) || 25);
    const repos = await this.repositories();
    const results = [];
    for (const [name, repo] of Object.entries(repos).sort(([a], [b]) => a.localeCompare(b))) {
      if (!name.includes(term) || !Object.keys(repo.tags).length) continue;
      const official = name.startsWith('library/');
      results.push({
        name: official ? name.slice('library/'.length) : name,
        description: await this.description(repo),
        star_count: 0,
        is_official: official,
        is_automated: false,
      });
    }
    return answer(200, {}, { query: term, num_results: results.length, results: results.slice(0, n) });
  }

  /** The image's own description label, from its newest tag, if it has one. */
  private async description(repo: Repository): Promise<string> {
    const digest = repo.tags['latest'] ?? Object.values(repo.tags)[0];
    const manifest = digest && (await this.blobs.get(digest));
    if (!manifest) return '';
    const m = JSON.parse(dec.decode(manifest)) as ImageManifest;
    const config = await this.blobs.get(m.config.digest);
    if (!config) return '';
    const labels = (JSON.parse(dec.decode(config)) as ImageConfig).config.Labels ?? {};
    return labels['org.opencontainers.image.description'] ?? labels['org.opencontainers.image.title'] ?? '';
  }

  /**
   * Publishes the images of an OCI layout (the site's base images) as
   * official repositories, verifying each blob, and creates the seed
   * account. Blobs already stored are not read again; `scratch` is not
   * published (Docker reserves the name).
   */
  async seed(read: (path: string) => Promise<Uint8Array>): Promise<void> {
    const accounts = await this.meta.get<Record<string, string>>(ACCOUNTS_KEY);
    if (!accounts?.[SEED_ACCOUNT.username]) await this.addAccount(SEED_ACCOUNT.username, SEED_ACCOUNT.password);
    const index = JSON.parse(dec.decode(await read('index.json'))) as ImageIndex;
    for (const desc of index.manifests) {
      const full = desc.annotations?.[IMAGE_NAME] ?? desc.annotations?.[REF_NAME] ?? '';
      const [repoName, tag = 'latest'] = full.split(':');
      if (!repoName || repoName === 'scratch') continue;
      const name = repoName.includes('/') ? repoName : `library/${repoName}`;
      const current = (await this.repositories())[name];
      if (current?.tags[tag] === desc.digest) continue;
      const fetchBlob = async (d: Digest) => {
        const data = (await this.blobs.get(d)) ?? (await read(`blobs/sha256/${d.slice(7)}`));
        const actual = await sha256(data);
        if (actual !== d) throw new Error(`seed blob ${d} does not match its digest (${actual})`);
        await this.blobs.put(data);
        return data;
      };
      const m = JSON.parse(dec.decode(await fetchBlob(desc.digest))) as ImageManifest;
      for (const d of [m.config, ...m.layers]) await fetchBlob(d.digest);
      await this.update((repos) => {
        const repo = Registry.repo(repos, name);
        for (const d of [m.config.digest, ...m.layers.map((l) => l.digest)]) {
          if (!repo.blobs.includes(d)) repo.blobs.push(d);
        }
        if (!repo.manifests.includes(desc.digest)) repo.manifests.push(desc.digest);
        repo.tags[tag] = desc.digest;
      });
    }
  }

  /** What the registry holds, for the page's picture. */
  async contents(): Promise<RegistryContents> {
    const repos = await this.repositories();
    const out: RegistryContents = { repositories: [], blobs: 0, bytes: 0 };
    const counted = new Set<Digest>();
    for (const [name, repo] of Object.entries(repos).sort(([a], [b]) => a.localeCompare(b))) {
      const tags = [];
      for (const [tag, manifest] of Object.entries(repo.tags).sort(([a], [b]) => a.localeCompare(b))) {
        const bytes = await this.blobs.get(manifest);
        if (!bytes) continue;
        const m = JSON.parse(dec.decode(bytes)) as ImageManifest;
        tags.push({ tag, manifest, layers: m.layers.map((l) => ({ digest: l.digest, size: l.size })) });
      }
      for (const d of repo.blobs) {
        if (counted.has(d)) continue;
        counted.add(d);
        const b = await this.blobs.get(d);
        if (b) {
          out.blobs++;
          out.bytes += b.length;
        }
      }
      out.repositories.push({ name, tags });
    }
    return out;
  }
}
