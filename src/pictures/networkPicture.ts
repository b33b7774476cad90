/**
 * The NetworkPicture's data, read from the guest kernel in one round trip:
 * the host's interfaces from sysfs (index, peer index, MAC, state, the
 * bridge each one is a port of), addresses from `ip -o -4 addr`, and each
 * running container's network namespace (its inode) with its interfaces and
 * addresses, read from inside it with nsenter. Veth pairs are matched by
 * the kernel's own peer indexes; published ports are the running
 * docker-proxy processes' own command lines. Beside each container interface stands
 * what `docker inspect` says, so a mismatch would show.
 */
import type { Engine } from '../engine/engine';
import { sh } from '../engine/guest';

export interface LinkView {
  index: number;
  name: string;
  /** For a veth: the peer's index (in the other namespace). */
  peerIndex: number | null;
  mac: string;
  up: boolean;
  /** The bridge this interface is a port of. */
  master: string | null;
  isBridge: boolean;
  addresses: string[];
}

export interface ContainerNetView {
  id: string;
  name: string;
  pid: number;
  /** net:[4026532…], as /proc/<pid>/ns/net reads. */
  netns: string;
  links: LinkView[];
  /** The host-side veth of each container interface, by the container interface's name. */
  hostPeer: Record<string, string>;
  /** What docker inspect says, per network. */
  inspect: { network: string; ip: string; mac: string; prefix: number }[];
  mode: string;
}

/** A running docker-proxy, as its command line says: the host port it listens on and where it forwards. */
export interface ProxyView {
  pid: number;
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
}

export interface NetworkPictureView {
  hostNetns: string;
  host: LinkView[];
  containers: ContainerNetView[];
  /** The engine's bridge networks, by the bridge each one is. */
  networks: { name: string; bridge: string }[];
  proxies: ProxyView[];
}

/** "@@proxy PID ARGV…" lines: docker-proxy's own flags (-host-ip, -host-port, -container-ip, -container-port). */
export function parseProxies(text: string): ProxyView[] {
  const out: ProxyView[] = [];
  for (const line of text.split('\n')) {
    const m = /^@@proxy (\d+) (.*)$/.exec(line.trim());
    if (!m) continue;
    const words = m[2]!.split(/\s+/);
    const flag = (name: string) => {
      const i = words.indexOf(name);
      return i >= 0 ? (words[i + 1] ?? '') : '';
    };
    const hostPort = Number(flag('-host-port'));
    const containerPort = Number(flag('-container-port'));
    if (!hostPort || !containerPort) continue;
    out.push({
      pid: Number(m[1]),
      hostIp: flag('-host-ip') || '0.0.0.0',
      hostPort,
      containerIp: flag('-container-ip'),
      containerPort,
    });
  }
  return out.sort((a, b) => a.hostPort - b.hostPort);
}

const LINK = /^(\d+): ([^:@\s]+)(?:@(\S+))?: <([^>]*)>.*?link\/\S+ ([0-9a-f:]+)/;
const ADDR = /^(\d+): (\S+)\s+inet (\S+)/;

export function parseIpLinks(text: string): LinkView[] {
  const out: LinkView[] = [];
  for (const line of text.split('\n')) {
    const m = LINK.exec(line);
    if (!m) continue;
    const peer = /^if(\d+)$/.exec(m[3] ?? '');
    out.push({
      index: Number(m[1]),
      name: m[2]!,
      peerIndex: peer ? Number(peer[1]) : null,
      mac: m[5]!,
      up: m[4]!.split(',').includes('UP'),
      master: /\bmaster (\S+)/.exec(line)?.[1] ?? null,
      isBridge: false,
      addresses: [],
    });
  }
  return out;
}

export function parseAddresses(text: string, links: LinkView[]): void {
  for (const line of text.split('\n')) {
    const m = ADDR.exec(line);
    if (!m) continue;
    links.find((l) => l.name === m[2])?.addresses.push(m[3]!);
  }
}

/** sysfs lines: "link NAME IFINDEX IFLINK MAC OPERSTATE MASTER|- bridge|-". */
export function parseSysfsLinks(text: string): LinkView[] {
  const out: LinkView[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f[0] !== 'link' || f.length < 8) continue;
    const [, name, index, iflink, mac, state, master, bridge] = f;
    out.push({
      index: Number(index),
      name: name!,
      peerIndex: Number(iflink) !== Number(index) ? Number(iflink) : null,
      mac: mac!,
      up: state === 'up' || state === 'unknown',
      master: master === '-' ? null : master!,
      isBridge: bridge === 'bridge',
      addresses: [],
    });
  }
  return out;
}

const section = (text: string, start: string, end: string) => {
  const a = text.indexOf(start);
  const b = text.indexOf(end, a + start.length);
  return a < 0 ? '' : text.slice(a + start.length, b < 0 ? undefined : b);
};

export async function readNetworkPicture(engine: Engine): Promise<NetworkPictureView> {
  const running = engine.list(false).filter((c) => c.State.Pid > 0);
  const perContainer = running
    .map(
      (c) =>
        `echo "@@ns ${c.State.Pid} $(readlink /proc/${c.State.Pid}/ns/net)"; ` +
        `nsenter -t ${c.State.Pid} -n ip -o link; echo "@@addr ${c.State.Pid}"; nsenter -t ${c.State.Pid} -n ip -o -4 addr; ` +
        `echo "@@end ${c.State.Pid}"`,
    )
    .join('\n');
  const script = [
    'echo "@@hostns $(readlink /proc/1/ns/net)"',
    'for d in /sys/class/net/*; do n=${d##*/}; m=-; [ -e $d/master ] && m=$(basename $(readlink $d/master)); ' +
      'b=-; [ -d $d/bridge ] && b=bridge; ' +
      'echo "link $n $(cat $d/ifindex) $(cat $d/iflink) $(cat $d/address) $(cat $d/operstate) $m $b"; done',
    'echo "@@hostaddr"',
    'ip -o -4 addr',
    'for f in /proc/[0-9]*/comm; do read -r c < "$f" 2>/dev/null || continue; [ "$c" = docker-proxy ] || continue; ' +
      'd=${f%/comm}; echo "@@proxy ${d#/proc/} $(tr \'\\0\' \' \' < "$d/cmdline" 2>/dev/null)"; done',
    'echo "@@containers"',
    perContainer,
  ].join('\n');
  const r = await sh(engine.guest, script, { timeoutMs: 15_000 });
  const text = r.out;
  const hostNetns = /@@hostns (\S+)/.exec(text)?.[1] ?? '';
  const host = parseSysfsLinks(section(text, '', '@@hostaddr'));
  parseAddresses(section(text, '@@hostaddr', '@@containers'), host);
  const containers: ContainerNetView[] = running.map((c) => {
    const pid = c.State.Pid;
    const netns = new RegExp(`@@ns ${pid} (\\S+)`).exec(text)?.[1] ?? '';
    const linksText = section(text, `@@ns ${pid} ${netns}`, `@@addr ${pid}`);
    const links = parseIpLinks(linksText);
    parseAddresses(section(text, `@@addr ${pid}`, `@@end ${pid}`), links);
    const hostPeer: Record<string, string> = {};
    // In a namespace of its own, a container interface's peer is the host veth whose own peer index is this interface's.
    if (netns !== hostNetns) {
      for (const l of links) {
        const peer = host.find((h) => h.peerIndex === l.index && (l.peerIndex === null || l.peerIndex === h.index));
        if (peer && l.name !== 'lo') hostPeer[l.name] = peer.name;
      }
    }
    const settings = engine.inspect(c.Id).NetworkSettings;
    const inspect = Object.entries(settings.Networks)
      .filter(([, n]) => n.IPAddress)
      .map(([network, n]) => ({ network, ip: n.IPAddress, mac: n.MacAddress, prefix: n.IPPrefixLen }));
    return { id: c.Id, name: c.Name, pid, netns, links, hostPeer, inspect, mode: c.HostConfig.NetworkMode };
  });
  const networks = engine.networks
    .list()
    .filter((n) => n.bridge)
    .map((n) => ({ name: n.name, bridge: n.bridge! }));
  return { hostNetns, host, containers, networks, proxies: parseProxies(section(text, '@@hostaddr', '@@containers')) };
}
