/**
 * The daemon's containers, as moby's memory store and name registry: lookup
 * by name, full id or unique id prefix; names checked and reserved here
 * only; and the exit codes of removed containers, so a `wait` that arrives
 * after a --rm removal still gets one.
 */
import { conflict, invalidParameter, notFound } from '../engineError';
import type { Container } from './container';
import { NAME_PATTERN, randomName } from './names';

export class ContainerStore {
  private readonly byId = new Map<string, Container>();
  private readonly removedExitCodes = new Map<string, number>();

  /** A container by full id, unique id prefix, or name (with or without its leading slash). */
  get(ref: string): Container {
    const found = this.find(ref);
    if (found) return found;
    throw notFound(`No such container: ${ref}`);
  }

  /** As get, but undefined for an unknown reference (an ambiguous prefix still throws). */
  find(ref: string): Container | undefined {
    const name = ref.replace(/^\//, '');
    for (const c of this.byId.values()) if (c.Name === name) return c;
    const matches = [...this.byId.values()].filter((c) => c.Id.startsWith(ref));
    if (matches.length === 1 && ref.length > 0) return matches[0]!;
    if (matches.length > 1) throw invalidParameter(`multiple IDs found with provided prefix: ${ref}`);
    return undefined;
  }

  byFullId(id: string): Container | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Running ones only unless `all`; newest first, as `docker ps` lists them. */
  list(all = false): Container[] {
    return [...this.byId.values()]
      .filter((c) => all || c.State.Running)
      .sort((a, b) => (a.Created < b.Created ? 1 : -1));
  }

  all(): IterableIterator<Container> {
    return this.byId.values();
  }

  /** The name a new container gets: the one asked for if valid and free, else a random free one. */
  chooseName(asked: string | undefined): string {
    const name = asked ?? randomName((n) => this.nameOwner(n) !== undefined);
    this.checkName(name);
    return name;
  }

  /** Refuses a name that breaks Docker's rule, or that another container (not `self`) holds. */
  checkName(name: string, self?: Container): void {
    if (!NAME_PATTERN.test(name)) throw invalidParameter(`Invalid container name (${name})`);
    const owner = this.nameOwner(name);
    if (owner && owner !== self) {
      throw conflict(
        self
          ? `Conflict. The container name "/${name}" is already in use by container "${owner.Id}".`
          : `Conflict. The container name "/${name}" is already in use.`,
      );
    }
  }

  private nameOwner(name: string): Container | undefined {
    for (const c of this.byId.values()) if (c.Name === name) return c;
    return undefined;
  }

  add(c: Container): void {
    this.checkName(c.Name);
    this.byId.set(c.Id, c);
  }

  /** Takes the container out, keeping its exit code for a late `wait`. */
  delete(c: Container): void {
    this.removedExitCodes.set(c.Id, c.State.ExitCode);
    this.byId.delete(c.Id);
  }

  /** Everything this store holds, for a machine snapshot (see snapshot.ts). */
  saved(): { containers: Container[]; removedExitCodes: [string, number][] } {
    return { containers: [...this.byId.values()], removedExitCodes: [...this.removedExitCodes] };
  }

  /** Puts back a saved machine's containers into an empty store (their names were unique when saved). */
  restore(containers: readonly Container[], removedExitCodes: readonly [string, number][]): void {
    if (this.byId.size) throw new Error('the store already has containers');
    for (const c of containers) this.byId.set(c.Id, c);
    for (const [id, code] of removedExitCodes) this.removedExitCodes.set(id, code);
  }

  /** The exit code of a removed container named by full id or a prefix of 12 or more. */
  removedExitCode(ref: string): number | undefined {
    for (const [id, code] of this.removedExitCodes) {
      if ((id === ref || (ref.length >= 12 && id.startsWith(ref))) && !this.byId.has(id)) return code;
    }
    return undefined;
  }
}
