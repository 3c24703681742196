/**
 * Addresses of the mock cloud, all from documentation ranges so that a mock address can never reach
 * a real host: public IPv4s from the three IPv4 ranges (RFC 5737), handed out in turn; once all 762
 * are taken by live instances, public IPv6s from 2001:db8::/32 (RFC 3849), each used once. Private
 * IPs from 10.0.0.0/8.
 */

const PUBLIC_BLOCKS = ['192.0.2', '198.51.100', '203.0.113'] as const;
/** Hosts .1 to .254 of each /24. */
const HOSTS_PER_BLOCK = 254;
export const PUBLIC_POOL_SIZE = PUBLIC_BLOCKS.length * HOSTS_PER_BLOCK;
/** The IPv6 documentation prefix; hosts are numbered within it. */
const IPV6_PREFIX = '2001:db8::';

/** Where the next search starts, kept in the state so that every process hands out addresses in turn. */
export interface AddressCursors {
  ipCursor: number;
  /** The next IPv6 host number; absent in state files from before IPv6. */
  nextIpv6?: number;
}

export function publicIpAt(index: number): string {
  const slot = ((index % PUBLIC_POOL_SIZE) + PUBLIC_POOL_SIZE) % PUBLIC_POOL_SIZE;
  return `${PUBLIC_BLOCKS[Math.floor(slot / HOSTS_PER_BLOCK)]!}.${(slot % HOSTS_PER_BLOCK) + 1}`;
}

/** Host `n` (>= 1) of 2001:db8::/32, in the canonical short form (`2001:db8::1`, `2001:db8::1:0`). */
export function ipv6At(n: number): string {
  const groups: string[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 0x10000)) groups.unshift((rest % 0x10000).toString(16));
  return `${IPV6_PREFIX}${groups.join(':')}`;
}

/**
 * A public address for a new instance, advancing `cursors`: the first free IPv4 at or after the
 * cursor (wrapping round: addresses are handed out in turn rather than reused at once, as clouds
 * tend to), or, when every IPv4 is in use, the next IPv6, never handed out twice.
 */
export function allocatePublicIp(inUse: ReadonlySet<string>, cursors: AddressCursors): string {
  for (let step = 0; step < PUBLIC_POOL_SIZE; step++) {
    const index = (cursors.ipCursor + step) % PUBLIC_POOL_SIZE;
    const ip = publicIpAt(index);
    if (!inUse.has(ip)) {
      cursors.ipCursor = (index + 1) % PUBLIC_POOL_SIZE;
      return ip;
    }
  }
  const n = cursors.nextIpv6 ?? 1;
  cursors.nextIpv6 = n + 1;
  return ipv6At(n);
}

/** A private address per instance number (1-based), unique for the first 16 million instances. */
export function privateIpFor(instanceNumber: number): string {
  const n = instanceNumber - 1;
  const host = (n % HOSTS_PER_BLOCK) + 1;
  const subnet = Math.floor(n / HOSTS_PER_BLOCK);
  return `10.${(subnet >> 8) & 255}.${subnet & 255}.${host}`;
}
