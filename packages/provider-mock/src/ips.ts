/**
 * Addresses of the mock cloud. Public IPs come from the three IPv4 documentation ranges
 * (RFC 5737), so a mock address can never reach a real host; private IPs from 10.0.0.0/8.
 */

const PUBLIC_BLOCKS = ['192.0.2', '198.51.100', '203.0.113'] as const;
/** Hosts .1 to .254 of each /24. */
const HOSTS_PER_BLOCK = 254;
export const PUBLIC_POOL_SIZE = PUBLIC_BLOCKS.length * HOSTS_PER_BLOCK;

export function publicIpAt(index: number): string {
  const slot = ((index % PUBLIC_POOL_SIZE) + PUBLIC_POOL_SIZE) % PUBLIC_POOL_SIZE;
  return `${PUBLIC_BLOCKS[Math.floor(slot / HOSTS_PER_BLOCK)]!}.${(slot % HOSTS_PER_BLOCK) + 1}`;
}

/**
 * The first free address at or after `cursor` (wrapping round), and the cursor to start from
 * next time: addresses are handed out in turn rather than reused at once, as clouds tend to.
 * `null` when every address is taken.
 */
export function allocatePublicIp(inUse: ReadonlySet<string>, cursor: number): { ip: string; cursor: number } | null {
  for (let step = 0; step < PUBLIC_POOL_SIZE; step++) {
    const index = (cursor + step) % PUBLIC_POOL_SIZE;
    const ip = publicIpAt(index);
    if (!inUse.has(ip)) return { ip, cursor: (index + 1) % PUBLIC_POOL_SIZE };
  }
  return null;
}

/** A private address per instance number (1-based), unique for the first 16 million instances. */
export function privateIpFor(instanceNumber: number): string {
  const n = instanceNumber - 1;
  const host = (n % HOSTS_PER_BLOCK) + 1;
  const subnet = Math.floor(n / HOSTS_PER_BLOCK);
  return `10.${(subnet >> 8) & 255}.${subnet & 255}.${host}`;
}
