/** Docker's network API: list, inspect, create, remove, connect and disconnect. */
import { invalidParameter } from '../engineError';
import { json } from './respond';
import type { Call, Route } from './router';
import { boolean, list, object, optional, parseBody, record, string } from './schema';

export const networkRoutes: Route[] = [
  { method: 'GET', path: '/networks', handler: listNetworks },
  { method: 'POST', path: '/networks/create', handler: create },
  { method: 'GET', path: '/networks/{id}', handler: inspect },
  { method: 'DELETE', path: '/networks/{id}', handler: remove },
  { method: 'POST', path: '/networks/{id}/connect', handler: (c) => connect(c, 'connect') },
  { method: 'POST', path: '/networks/{id}/disconnect', handler: (c) => connect(c, 'disconnect') },
];

/** Container names for the Containers of an inspect; an id the store no longer has is shown as it is. */
function names(call: Call) {
  return (id: string) => call.engine.containers.byFullId(id)?.Name ?? id;
}

function listNetworks(c: Call): number {
  const nets = c.engine.networks;
  return json(
    c.conn,
    200,
    nets.list().map((n) => nets.describe(n, names(c))),
  );
}

function inspect(c: Call): number {
  const nets = c.engine.networks;
  return json(c.conn, 200, nets.describe(nets.get(c.params.id!), names(c)));
}

const CreateBody = object({
  Name: optional(string),
  Driver: optional(string),
  Internal: optional(boolean),
  Labels: optional(record(string)),
  IPAM: optional(object({ Config: optional(list(object({ Subnet: optional(string) }))) })),
});

function create({ engine, req, conn }: Call): number {
  const b = parseBody(req, CreateBody);
  if (!b.Name) throw invalidParameter('a network needs a name');
  const subnet = b.IPAM?.Config?.[0]?.Subnet;
  const n = engine.network.create({
    name: b.Name,
    ...(b.Driver ? { driver: b.Driver } : {}),
    ...(subnet ? { subnet } : {}),
    internal: !!b.Internal,
    labels: b.Labels ?? {},
  });
  return json(conn, 201, { Id: n.id, Warning: '' });
}

async function remove({ engine, conn, params }: Call): Promise<number> {
  await engine.network.remove(params.id!);
  return json(conn, 204);
}

const ConnectBody = object({ Container: optional(string) });

async function connect({ engine, req, conn, params }: Call, verb: 'connect' | 'disconnect'): Promise<number> {
  const b = parseBody(req, ConnectBody);
  if (!b.Container) throw invalidParameter('a container is required');
  await (verb === 'connect' ? engine.connect(params.id!, b.Container) : engine.disconnect(params.id!, b.Container));
  return json(conn, 200);
}
