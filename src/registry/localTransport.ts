/**
 * Connects the daemon to the page's registry: requests for its address are
 * answered by it, in the same thread; any other host is unreachable, since
 * the page has no network.
 */
import { UnreachableRegistryError, type RegistryTransport } from '../engine/distribution/transport';
import { DEFAULT_REGISTRY } from '../engine/images/reference';
import type { Registry } from './registry';

export function localTransport(registry: Registry, host = DEFAULT_REGISTRY): RegistryTransport {
  return async (req) => {
    if (req.host !== host) throw new UnreachableRegistryError(req.host);
    // A copy of the body: the registry may keep what it is given, the client may reuse its buffer.
    return registry.handle(req.body ? { ...req, body: req.body.slice() } : req);
  };
}
