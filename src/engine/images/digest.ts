/** OCI content digests: "sha256:" + 64 hex digits, computed with WebCrypto (browsers, workers and Node). */
export type Digest = `sha256:${string}`;

export async function sha256(data: Uint8Array): Promise<Digest> {
  // WebCrypto's typing wants an ArrayBuffer-backed view; the bytes are the same.
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
  return `sha256:${Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function isDigest(s: string): s is Digest {
  return /^sha256:[0-9a-f]{64}$/.test(s);
}

/** The 64 hex digits of a digest, as Docker names directories and ids. */
export function hexOf(d: Digest): string {
  return d.slice('sha256:'.length);
}

export function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export class DigestMismatchError extends Error {
  constructor(
    readonly expected: Digest,
    readonly actual: Digest,
  ) {
    super(`content does not match its digest: expected ${expected}, got ${actual}`);
    this.name = 'DigestMismatchError';
  }
}
