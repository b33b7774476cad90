/** `docker rename`, as moby's daemon/rename.go; the name rule is the store's. */
import type { Daemon } from './daemon';

export function renameContainer(d: Pick<Daemon, 'containers' | 'events'>, ref: string, name: string): void {
  const c = d.containers.get(ref);
  const clean = name.replace(/^\//, '');
  d.containers.checkName(clean, c);
  const old = c.Name;
  c.Name = clean;
  d.events.emit('container', 'rename', c.Id, { name: clean, oldName: `/${old}` });
}
