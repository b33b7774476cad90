/**
 * Connects the daemon to the page's registries: requests for the address of
 * one of them are answered by it, in the same thread; any other host is
 * unreachable, since the page has no network.
 */
import { UnreachableRegistryError, type RegistryTransport } from '../engine/distribution/transport';
import type { Registry } from './registry';

/** The page's registries by host: Docker Hub's stand-in at docker.io, a plain registry at localhost:5000. */
export type Registries = Readonly<Record<string, Registry>>;

export function localTransport(registries: Registries): RegistryTransport {
  return async (req) => {
    const registry = Object.hasOwn(registries, req.host) ? registries[req.host] : undefined;
    if (!registry) throw new UnreachableRegistryError(req.host);
    // A copy of the body: the registry may keep what it is given, the client may reuse its buffer.
    return registry.handle(req.body ? { ...req, body: req.body.slice() } : req);
  };
}
