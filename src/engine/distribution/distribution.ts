/**
 * The daemon's dealings with registries: pull, push, login, search. It
 * reaches a registry only through the transport it is given (the worker's
 * in-page registry, or Node's for the lab and tests), and reports each
 * transfer to whoever draws it.
 */
import type { EventLog } from '../events';
import { checkLayer } from '../images/imageArchive';
import type { Image, ImageStore } from '../images/imageStore';
import { parseReference, registryPath, type Reference } from '../images/reference';
import { pullImage } from './pull';
import { pushImage } from './push';
import { RegistryClient, type RegistryAuth, type SearchResult } from './registryClient';
import { BlobSources, type ProgressMessage, type Transfer } from './transfer';
import { DEFAULT_REGISTRY, HUB_LOGIN_SERVER, registryHostOf } from '../images/reference';
import type { RegistryTransport } from './transport';
import { UnreachableRegistryError } from './transport';

const REPO_DIGESTS_KEY = 'repo-digests';

export class Distribution {
  private transport: RegistryTransport | null = null;
  private readonly sources: BlobSources;
  /** The latest transfers, newest last. */
  readonly recent: Transfer[] = [];
  private readonly listeners = new Set<(t: Transfer) => void>();

  constructor(
    private readonly images: ImageStore,
    private readonly events: EventLog,
  ) {
    this.sources = new BlobSources(images.meta);
  }

  connect(transport: RegistryTransport): void {
    this.transport = transport;
  }

  onTransfer(listener: (t: Transfer) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private client(host: string, auth?: RegistryAuth): RegistryClient {
    const transport = this.transport;
    if (!transport) throw new UnreachableRegistryError(host);
    return new RegistryClient(transport, host, auth);
  }

  /**
   * Docker's RepoDigests: name@digest for each repository this image was
   * pushed to or pulled from (a locally built image has none until pushed).
   */
  async repoDigests(image: Image): Promise<string[]> {
    const all = (await this.images.meta.get<Record<string, string[]>>(REPO_DIGESTS_KEY)) ?? {};
    return all[image.manifestDigest] ?? [];
  }

  private async rememberRepoDigest(t: Transfer, name: string): Promise<void> {
    const all = (await this.images.meta.get<Record<string, string[]>>(REPO_DIGESTS_KEY)) ?? {};
    const list = (all[t.manifest] ??= []);
    const entry = `${name}@${t.manifest}`;
    if (list.includes(entry)) return;
    list.push(entry);
    await this.images.meta.set(REPO_DIGESTS_KEY, all);
  }

  private record(t: Transfer): void {
    this.recent.push(t);
    if (this.recent.length > 20) this.recent.shift();
    for (const l of this.listeners) l(t);
  }

  async pull(ref: Reference, auth: RegistryAuth | undefined, onProgress: (m: ProgressMessage) => void) {
    const { host } = registryPath(ref.name);
    const r = await pullImage({
      store: this.images,
      client: this.client(host, auth),
      ref,
      sources: this.sources,
      checkLayer: (digest, data) => checkLayer(digest, data),
      onProgress,
    });
    const image = await this.images.resolve(r.transfer.reference);
    await this.rememberRepoDigest(r.transfer, ref.name);
    this.events.emit('image', 'pull', image.id, { name: r.transfer.reference });
    this.record(r.transfer);
    return r;
  }

  async push(
    image: Image,
    name: string,
    tag: string,
    auth: RegistryAuth | undefined,
    onProgress: (m: ProgressMessage) => void,
  ) {
    const { host } = registryPath(name);
    const transfer = await pushImage({
      store: this.images,
      client: this.client(host, auth),
      image,
      name,
      tag,
      sources: this.sources,
      onProgress,
    });
    await this.rememberRepoDigest(transfer, name);
    this.events.emit('image', 'push', image.id, { name: `${name}:${tag}` });
    this.record(transfer);
    return transfer;
  }

  /** The manifest digest a registry holds for name:tag, or null if it has none (for lesson checks). */
  async registryDigest(name: string): Promise<string | null> {
    const ref = parseReference(name);
    const { host, repository } = registryPath(ref.name);
    try {
      return (await this.client(host).getManifest(repository, ref.digest ?? ref.tag ?? 'latest')).digest;
    } catch {
      return null;
    }
  }

  /** Checks credentials against the registry, as `docker login` asks the daemon to. */
  async login(auth: RegistryAuth, server = HUB_LOGIN_SERVER): Promise<void> {
    await this.client(registryHostOf(server), auth).ping();
  }

  async search(term: string, limit = 25): Promise<SearchResult[]> {
    // `docker search localhost:5000/x` searches that registry for x, as Docker's does.
    const slash = term.indexOf('/');
    const first = slash > 0 ? term.slice(0, slash) : '';
    const host = /[.:]|^localhost$/.test(first) ? first : DEFAULT_REGISTRY;
    return this.client(host).search(host === first ? term.slice(slash + 1) : term, limit);
  }

  /** Remembers that the base images came from the default registry's official repositories. */
  async rememberOrigin(image: Image, name: string): Promise<void> {
    const { host, repository } = registryPath(parseReference(name).name);
    await this.sources.remember(
      image.manifest.layers.map((l) => l.digest),
      host,
      repository,
    );
  }
}
