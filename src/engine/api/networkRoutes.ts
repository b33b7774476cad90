/**
 * The network paths of Docker's API: GET /networks, GET /networks/{id},
 * POST /networks/create, DELETE /networks/{id}, POST /networks/{id}/connect
 * and /disconnect.
 */
import { sh } from '../guest';
import { EngineError, type Engine } from '../engine';
import { shellQuote } from '../runtime/containerPlan';
import type { HttpRequest } from './http';
import { json, type ApiConnection } from './respond';

export async function handleNetworkRequest(
  engine: Engine,
  req: HttpRequest,
  conn: ApiConnection,
): Promise<number | undefined> {
  const { method, path } = req;
  if (!path.startsWith('/networks')) return undefined;
  const body = () =>
    req.body.length ? (JSON.parse(new TextDecoder().decode(req.body)) as Record<string, unknown>) : {};
  const names = (id: string) => {
    try {
      return engine.get(id).Name;
    } catch {
      return id;
    }
  };
  const nets = engine.networks;

  if (method === 'GET' && path === '/networks') {
    return json(
      conn,
      200,
      nets.list().map((n) => nets.describe(n, names)),
    );
  }
  if (method === 'POST' && path === '/networks/create') {
    const b = body() as {
      Name?: string;
      Driver?: string;
      Internal?: boolean;
      Labels?: Record<string, string>;
      IPAM?: { Config?: { Subnet?: string }[] };
    };
    if (!b.Name) throw new EngineError('a network needs a name', 400);
    const subnet = b.IPAM?.Config?.[0]?.Subnet;
    const n = nets.create({
      name: b.Name,
      ...(b.Driver ? { driver: b.Driver } : {}),
      ...(subnet ? { subnet } : {}),
      internal: !!b.Internal,
      labels: b.Labels ?? {},
    });
    engine.events.emit('network', 'create', n.id, { name: n.name, type: n.driver });
    return json(conn, 201, { Id: n.id, Warning: '' });
  }
  const m = /^\/networks\/([^/]+)(\/connect|\/disconnect)?$/.exec(path);
  if (!m) return undefined;
  const ref = decodeURIComponent(m[1]!);
  if (method === 'GET' && !m[2]) return json(conn, 200, nets.describe(nets.get(ref), names));
  if (method === 'DELETE' && !m[2]) {
    const n = nets.remove(ref);
    // Its bridge goes with it (made on first use, so it may never have existed).
    if (n.bridge) await sh(engine.guest, `ip link del ${shellQuote(n.bridge)} 2>/dev/null; true`);
    engine.events.emit('network', 'destroy', n.id, { name: n.name, type: n.driver });
    return json(conn, 204);
  }
  if (method === 'POST' && m[2]) {
    const b = body() as { Container?: string };
    if (!b.Container) throw new EngineError('a container is required', 400);
    await (m[2] === '/connect' ? engine.connect(ref, b.Container) : engine.disconnect(ref, b.Container));
    return json(conn, 200);
  }
  return undefined;
}
