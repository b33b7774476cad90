/**
 * Image references as the docker CLI accepts them: `busybox`, `busybox:1.35`,
 * `library/busybox:latest`, `busybox@sha256:…`. Names are kept as given,
 * without a registry host, since this playground's images live locally.
 */
import { isDigest, type Digest } from './digest';

export interface Reference {
  name: string;
  tag?: string;
  digest?: Digest;
}

const NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
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
  if (!NAME.test(name) || name.length > 255) throw new InvalidReferenceError(input);
  if (!tag && !digest) tag = 'latest';
  return { name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

export function formatReference(r: Reference): string {
  return `${r.name}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}
