/** Docker's system API: ping, version, info, events and disk usage. */
import { diskUsage } from '../diskUsage';
import { responseHead } from './http';
import { json } from './respond';
import type { Call, Route } from './router';

export const systemRoutes: Route[] = [
  { method: 'GET', path: '/_ping', handler: (c) => json(c.conn, 200, 'OK') },
  { method: 'GET', path: '/version', handler: async (c) => json(c.conn, 200, await c.engine.system.version()) },
  { method: 'GET', path: '/info', handler: async (c) => json(c.conn, 200, await c.engine.system.info()) },
  { method: 'GET', path: '/events', handler: events },
  { method: 'GET', path: '/system/df', handler: async (c) => json(c.conn, 200, await diskUsage(c.engine)) },
];

/** One JSON object per line as things happen, until the client leaves. */
async function events({ engine, conn, query }: Call): Promise<number> {
  conn.write(responseHead(200, { 'Content-Type': 'application/json' }));
  const enc = new TextEncoder();
  const since = Number(query.get('since') ?? NaN);
  if (!Number.isNaN(since))
    for (const e of engine.events.recent) if (e.time >= since) conn.write(enc.encode(JSON.stringify(e) + '\n'));
  const off = engine.events.subscribe((e) => conn.write(enc.encode(JSON.stringify(e) + '\n')));
  await new Promise<void>((resolve) => (conn.onClose ? conn.onClose(resolve) : resolve()));
  off();
  conn.end();
  return 200;
}
