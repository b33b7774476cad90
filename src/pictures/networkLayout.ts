/**
 * Layout of the network diagram: the host's network namespace as a box with
 * its uplink and its bridges as bars, each container's namespace as a box
 * below with its interfaces and addresses, a veth pair as a cable from the
 * container's interface up to its port on the bridge, each published port
 * as docker-proxy in the host with an arrow to the container it forwards to,
 * and the page's Preview as a client outside, with the path a request takes.
 */
import type { NetworkPictureView } from './networkPicture';

export interface BridgeBar {
  name: string;
  address: string;
  network: string | null;
  x: number;
  y: number;
  w: number;
}

export interface IfacePoint {
  name: string;
  address: string;
  x: number;
  y: number;
}

export interface ContainerBox {
  name: string;
  netns: string;
  mode: string;
  /** Shares the host's network namespace (--network host): drawn inside the host box. */
  inHost: boolean;
  x: number;
  y: number;
  w: number;
  h: number;
  ifaces: IfacePoint[];
  /** What docker inspect says beside what the kernel says: true when every address matches. */
  inspectAgrees: boolean;
}

export interface Cable {
  container: string;
  iface: string;
  veth: string;
  bridge: string;
  x: number;
  /** The container's end (its interface) and the bridge's end (the port). */
  y1: number;
  y2: number;
}

export interface ProxyNode {
  hostPort: number;
  containerIp: string;
  containerPort: number;
  x: number;
  y: number;
  /** The container it forwards to, found by address; null when none has it. */
  target: string | null;
  tx: number;
  ty: number;
}

export interface NetworkLayout {
  host: { x: number; y: number; w: number; h: number; netns: string };
  uplinks: IfacePoint[];
  client: { x: number; y: number; w: number; h: number };
  bridges: BridgeBar[];
  containers: ContainerBox[];
  cables: Cable[];
  proxies: ProxyNode[];
  ghost: { box: { x: number; y: number; w: number; h: number } | null; cable: Cable | null; label: string } | null;
  width: number;
  height: number;
}

const LEFT = 116;
const BOX_W = 156;
const GAP = 14;
const BAR_H = 10;

export function networkLayout(
  v: NetworkPictureView,
  goal: { container: string; network: string } | null = null,
  minWidth = 560,
): NetworkLayout {
  const bridgesRaw = v.host.filter((l) => l.isBridge);
  const uplinksRaw = v.host.filter((l) => !l.isBridge && !l.master && l.peerIndex === null && l.name !== 'lo');
  const outside = v.containers.filter((c) => c.netns !== v.hostNetns);
  const inside = v.containers.filter((c) => c.netns === v.hostNetns);
  const width = Math.max(minWidth, LEFT + Math.max(1, outside.length + (goal ? 1 : 0)) * (BOX_W + GAP) + 10);
  const proxiesY = 14;
  const uplinks = uplinksRaw.map((l, i) => ({
    name: l.name,
    address: l.addresses[0] ?? '',
    x: LEFT + 10 + i * 150,
    y: proxiesY + 14,
  }));
  const barTop = 70 + Math.max(0, v.proxies.length - 2) * 20;
  const bridges: BridgeBar[] = bridgesRaw.map((b, i) => ({
    name: b.name,
    address: b.addresses[0] ?? '',
    network: v.networks.find((n) => n.bridge === b.name)?.name ?? null,
    x: LEFT + 8,
    y: barTop + i * 36,
    w: width - LEFT - 18,
  }));
  const insideH = inside.length ? 34 : 0;
  const hostH = barTop + bridges.length * 36 + insideH + 6;
  const host = { x: LEFT, y: 0, w: width - LEFT - 2, h: hostH, netns: v.hostNetns };
  const containers: ContainerBox[] = [];
  const cables: Cable[] = [];
  inside.forEach((c, i) =>
    containers.push({
      name: c.name,
      netns: c.netns,
      mode: c.mode,
      inHost: true,
      x: LEFT + 8 + i * (BOX_W + GAP),
      y: hostH - insideH,
      w: BOX_W,
      h: 28,
      ifaces: [],
      inspectAgrees: true,
    }),
  );
  const rowY = hostH + 34;
  outside.forEach((c, i) => {
    const ifaces = c.links
      .filter((l) => l.name !== 'lo')
      .map((l, k, all) => ({
        name: l.name,
        address: l.addresses[0] ?? '',
        x: LEFT + i * (BOX_W + GAP) + ((k + 1) * BOX_W) / (all.length + 1),
        y: rowY,
      }));
    const agrees = c.inspect.every((n) => ifaces.some((f) => f.address.startsWith(`${n.ip}/`)));
    const box = {
      name: c.name,
      netns: c.netns,
      mode: c.mode,
      inHost: false,
      x: LEFT + i * (BOX_W + GAP),
      y: rowY,
      w: BOX_W,
      h: 34 + Math.max(1, ifaces.length) * 14,
      ifaces,
      inspectAgrees: agrees,
    };
    containers.push(box);
    for (const f of ifaces) {
      const veth = c.hostPeer[f.name];
      const bridge = veth ? v.host.find((h) => h.name === veth)?.master : null;
      const bar = bridges.find((b) => b.name === bridge);
      if (veth && bar)
        cables.push({ container: c.name, iface: f.name, veth, bridge: bar.name, x: f.x, y1: f.y, y2: bar.y + BAR_H });
    }
  });
  const proxies: ProxyNode[] = v.proxies.map((p, i) => {
    const box = containers.find((c) => c.ifaces.some((f) => f.address.startsWith(`${p.containerIp}/`)));
    const f = box?.ifaces.find((x) => x.address.startsWith(`${p.containerIp}/`));
    return {
      hostPort: p.hostPort,
      containerIp: p.containerIp,
      containerPort: p.containerPort,
      x: width - 214,
      y: proxiesY + i * 20,
      target: box?.name ?? null,
      tx: f ? f.x + 10 : 0,
      ty: f ? f.y : 0,
    };
  });
  let ghost: NetworkLayout['ghost'] = null;
  if (goal) {
    const bar = bridges.find((b) => b.network === goal.network);
    const box = containers.find((c) => c.name === goal.container);
    const attached = box && bar && cables.some((c) => c.container === box.name && c.bridge === bar.name);
    if (!attached) {
      const gbox = box ? null : { x: LEFT + outside.length * (BOX_W + GAP), y: rowY, w: BOX_W, h: 48 };
      const x = box ? box.x + box.w - 16 : gbox!.x + gbox!.w / 2;
      ghost = {
        box: gbox,
        cable: bar
          ? { container: goal.container, iface: 'eth?', veth: '', bridge: bar.name, x, y1: rowY, y2: bar.y + BAR_H }
          : null,
        label: `${goal.container} → ${goal.network}`,
      };
    }
  }
  const bottom = Math.max(hostH, ...containers.map((c) => c.y + c.h));
  return {
    host,
    uplinks,
    client: { x: 0, y: proxiesY, w: 96, h: 36 },
    bridges,
    containers,
    cables,
    proxies,
    ghost,
    width,
    height: bottom + 6,
  };
}

/**
 * The way a Preview request goes: from the page into the machine's network
 * card, to docker-proxy on the host port, then over the bridge to the
 * container's interface. As an SVG path, for the packet to travel along.
 */
export function requestPath(l: NetworkLayout, hostPort: number): string | null {
  const p = l.proxies.find((x) => x.hostPort === hostPort);
  if (!p || !p.target) return null;
  const up = l.uplinks[0];
  const start = { x: l.client.x + l.client.w, y: l.client.y + l.client.h / 2 };
  const via = up ? { x: up.x, y: up.y } : { x: l.host.x, y: start.y };
  const cable = l.cables.find((c) => c.container === p.target);
  const pts = [start, via, { x: p.x, y: p.y + 6 }];
  if (cable) pts.push({ x: cable.x, y: cable.y2 }, { x: cable.x, y: cable.y1 });
  else pts.push({ x: p.tx, y: p.ty });
  return `M${pts.map((q) => `${Math.round(q.x)},${Math.round(q.y)}`).join(' L')}`;
}
