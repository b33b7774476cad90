/**
 * IPv4 subnets and the addresses handed out in them, as Docker's default
 * IPAM does: the first address is the bridge's (the gateway), containers
 * get the next free ones in order.
 */
export interface Subnet {
  /** The network address, as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function ipToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new Error(`invalid IPv4 address: ${ip}`);
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** "172.18.0.0/16"; the host bits must be zero, as Docker requires. */
export function parseSubnet(cidr: string): Subnet {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr);
  if (!m) throw new Error(`invalid subnet ${cidr}: want an address/prefix such as 172.20.0.0/16`);
  const prefix = Number(m[2]);
  if (prefix < 8 || prefix > 30) throw new Error(`invalid subnet ${cidr}: the prefix must be between 8 and 30`);
  const base = ipToNumber(m[1]!);
  if (base % 2 ** (32 - prefix) !== 0) throw new Error(`invalid subnet ${cidr}: the host bits must be zero`);
  return { base, prefix };
}

export const formatSubnet = (s: Subnet) => `${numberToIp(s.base)}/${s.prefix}`;
const size = (s: Subnet) => 2 ** (32 - s.prefix);

export function overlaps(a: Subnet, b: Subnet): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** The bridge's own address: the subnet's first usable one. */
export const gatewayOf = (s: Subnet) => numberToIp(s.base + 1);

/** The next free address for a container: after the gateway, before the broadcast address. */
export function nextAddress(s: Subnet, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let n = s.base + 2; n < s.base + size(s) - 1; n++) {
    const ip = numberToIp(n);
    if (!used.has(ip)) return ip;
  }
  throw new Error(`no free address left in ${formatSubnet(s)}`);
}

/** Docker's MAC address for a container address: 02:42 and then the address's four bytes. */
export function macFor(ip: string): string {
  const n = ipToNumber(ip);
  return ['02', '42', ...[24, 16, 8, 0].map((s) => (Math.floor(n / 2 ** s) % 256).toString(16).padStart(2, '0'))].join(
    ':',
  );
}

/**
 * The subnet for a new user network: the first /16 of 172.17–31 and then
 * 192.168.x (Docker's default pools) that no network has.
 */
export function freeSubnet(inUse: readonly Subnet[]): Subnet {
  const candidates: Subnet[] = [];
  for (let b = 17; b <= 31; b++) candidates.push({ base: ipToNumber(`172.${b}.0.0`), prefix: 16 });
  for (let c = 0; c <= 240; c += 16) candidates.push({ base: ipToNumber(`192.168.${c}.0`), prefix: 20 });
  const free = candidates.find((c) => !inUse.some((u) => overlaps(c, u)));
  if (!free) throw new Error('could not find an available, non-overlapping IPv4 address pool among the defaults');
  return free;
}
