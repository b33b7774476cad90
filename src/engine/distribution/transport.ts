/**
 * How the daemon reaches a registry: one HTTP exchange of the OCI
 * Distribution API at a time. In the page the registry runs in the same
 * worker, so the exchange is a function call rather than a socket; the
 * requests and answers are the API's own (paths, headers, status codes,
 * error bodies), so the client code is the one a networked daemon needs.
 */
export interface RegistryRequest {
  /** The registry's address as the image name carries it (`localhost:5000`). */
  host: string;
  method: 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path and query, e.g. `/v2/library/busybox/manifests/latest`. */
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

export interface RegistryResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Uint8Array;
}

export type RegistryTransport = (req: RegistryRequest) => Promise<RegistryResponse>;

/** No route to a host: the page has no network, only its own registry. */
export class UnreachableRegistryError extends Error {
  constructor(readonly host: string) {
    super(`Get "https://${host}/v2/": dial tcp: lookup ${host}: no such host (this playground has no network)`);
    this.name = 'UnreachableRegistryError';
  }
}
