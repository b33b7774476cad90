/**
 * The registry's accounts: HTTP Basic credentials checked against a salted
 * hash, so the stored document never holds a password (the client side is
 * another matter: `docker login` keeps it base64-encoded in
 * ~/.docker/config.json, which the lesson on registries shows).
 */
import { hexOf, sha256 } from '../engine/images/digest';

export async function accountHash(username: string, password: string): Promise<string> {
  return hexOf(await sha256(new TextEncoder().encode(`playground-registry\0${username}\0${password}`)));
}

/** `Basic dXNlcjpwYXNz` → { username, password }; null when it is not that form. */
export function parseBasicAuth(header: string): { username: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!m) return null;
  let text: string;
  try {
    text = new TextDecoder().decode(Uint8Array.from(atob(m[1]!), (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
  const colon = text.indexOf(':');
  return colon < 0 ? null : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}
