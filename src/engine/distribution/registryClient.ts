/**
 * The daemon's side of the OCI Distribution API: the requests `docker pull`
 * and `docker push` make of a registry. Every byte that comes back is
 * checked against the digest it was asked by before anyone uses it.
 */
import { DigestMismatchError, sha256, type Digest } from '../images/digest';
import type { RegistryRequest, RegistryResponse, RegistryTransport } from './transport';

export interface RegistryAuth {
  username: string;
  password: string;
}

/** A registry's error answer, worded as Docker words it: `unauthorized: authentication required`. */
export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: string,
    readonly detail?: unknown,
  ) {
    super(`${code.toLowerCase()}: ${text}`);
    this.name = 'RegistryError';
  }
}

/** A blob whose bytes do not hash to its digest: refused, with the digest named. */
export class BlobVerificationError extends Error {
  constructor(
    readonly digest: Digest,
    readonly actual: Digest,
  ) {
    super(`filesystem layer verification failed for digest ${digest}`);
    this.name = 'BlobVerificationError';
  }
}

/** Chunk size of blob uploads: a few PATCH requests per layer, as a real client sends. */
export const UPLOAD_CHUNK = 256 * 1024;

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

const dec = new TextDecoder();

function basic(auth: RegistryAuth): string {
  const bytes = new TextEncoder().encode(`${auth.username}:${auth.password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

export class RegistryClient {
  /** Requests made and bytes moved, for the transfer figures. */
  readonly stats = { requests: 0, bytesUp: 0, bytesDown: 0 };

  constructor(
    private readonly transport: RegistryTransport,
    readonly host: string,
    private readonly auth?: RegistryAuth,
  ) {}

  private async call(
    method: RegistryRequest['method'],
    path: string,
    opts: { headers?: Record<string, string>; body?: Uint8Array } = {},
  ): Promise<RegistryResponse> {
    const headers = { ...opts.headers, ...(this.auth ? { authorization: basic(this.auth) } : {}) };
    this.stats.requests++;
    this.stats.bytesUp += opts.body?.length ?? 0;
    const res = await this.transport({
      host: this.host,
      method,
      path,
      headers,
      ...(opts.body ? { body: opts.body } : {}),
    });
    this.stats.bytesDown += res.body.length;
    return res;
  }

  private static fail(res: RegistryResponse): never {
    try {
      const e = (JSON.parse(dec.decode(res.body)) as { errors?: { code: string; message: string; detail?: unknown }[] })
        .errors?.[0];
      if (e) throw new RegistryError(res.status, e.code, e.message, e.detail);
    } catch (err) {
      if (err instanceof RegistryError) throw err;
    }
    throw new RegistryError(res.status, 'UNKNOWN', `registry answered ${res.status}`);
  }

  /** GET /v2/: reachable, and the credentials (if any) are good. */
  async ping(): Promise<void> {
    const res = await this.call('GET', '/v2/');
    if (res.status !== 200) RegistryClient.fail(res);
  }

  async hasBlob(repository: string, digest: Digest): Promise<boolean> {
    const res = await this.call('HEAD', `/v2/${repository}/blobs/${digest}`);
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    return RegistryClient.fail(res);
  }

  async getBlob(repository: string, digest: Digest): Promise<Uint8Array> {
    const res = await this.call('GET', `/v2/${repository}/blobs/${digest}`);
    if (res.status !== 200) RegistryClient.fail(res);
    const actual = await sha256(res.body);
    if (actual !== digest) throw new BlobVerificationError(digest, actual);
    return res.body;
  }

  /** Links a blob another repository of this registry holds; false when the registry would not. */
  async mountBlob(repository: string, digest: Digest, from: string): Promise<boolean> {
    const res = await this.call('POST', `/v2/${repository}/blobs/uploads/?mount=${digest}&from=${from}`);
    if (res.status === 201) return true;
    if (res.status !== 202) RegistryClient.fail(res);
    // The registry opened an upload session instead; it is not needed.
    const location = res.headers['location'];
    if (location) await this.call('DELETE', location);
    return false;
  }

  /** An upload session, the bytes in chunks, and the digest to close it; the registry checks the digest. */
  async pushBlob(repository: string, digest: Digest, data: Uint8Array): Promise<void> {
    let res = await this.call('POST', `/v2/${repository}/blobs/uploads/`);
    if (res.status !== 202) RegistryClient.fail(res);
    let location = res.headers['location']!;
    for (let at = 0; at < data.length; at += UPLOAD_CHUNK) {
      const chunk = data.subarray(at, Math.min(data.length, at + UPLOAD_CHUNK));
      res = await this.call('PATCH', location, {
        headers: { 'content-range': `${at}-${at + chunk.length - 1}`, 'content-type': 'application/octet-stream' },
        body: chunk,
      });
      if (res.status !== 202) RegistryClient.fail(res);
      location = res.headers['location'] ?? location;
    }
    res = await this.call('PUT', `${location}${location.includes('?') ? '&' : '?'}digest=${digest}`);
    if (res.status !== 201) RegistryClient.fail(res);
  }

  /** A manifest by tag or digest, verified: by digest it must be that digest, by tag the one the registry names. */
  async getManifest(repository: string, reference: string): Promise<{ bytes: Uint8Array; digest: Digest }> {
    const res = await this.call('GET', `/v2/${repository}/manifests/${reference}`, {
      headers: { accept: MANIFEST_ACCEPT },
    });
    if (res.status !== 200) RegistryClient.fail(res);
    const digest = await sha256(res.body);
    const expected = (reference.startsWith('sha256:') ? reference : res.headers['docker-content-digest']) as
      Digest | undefined;
    if (expected && expected !== digest) throw new DigestMismatchError(expected, digest);
    return { bytes: res.body, digest };
  }

  async putManifest(repository: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<Digest> {
    const res = await this.call('PUT', `/v2/${repository}/manifests/${reference}`, {
      headers: { 'content-type': mediaType },
      body: bytes,
    });
    if (res.status !== 201) RegistryClient.fail(res);
    const digest = await sha256(bytes);
    const said = res.headers['docker-content-digest'];
    if (said && said !== digest) throw new DigestMismatchError(digest, said as Digest);
    return digest;
  }

  async search(term: string, limit: number): Promise<SearchResult[]> {
    const res = await this.call('GET', `/v1/search?q=${encodeURIComponent(term)}&n=${limit}`);
    if (res.status !== 200) RegistryClient.fail(res);
    return (JSON.parse(dec.decode(res.body)) as { results: SearchResult[] }).results;
  }
}

export interface SearchResult {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}
