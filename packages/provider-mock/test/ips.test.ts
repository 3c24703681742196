import { describe, expect, it } from 'vitest';
import { allocatePublicIp, ipv6At, PUBLIC_POOL_SIZE, privateIpFor, publicIpAt, type AddressCursors } from '../src/ips.js';
import { fastProvider } from './helpers.js';

const DOC_RANGES = /^(192\.0\.2|198\.51\.100|203\.0\.113)\.([1-9]\d?|1\d\d|2[0-4]\d|25[0-4])$/;
/** 2001:db8::/32 in short form: the prefix, then at most six groups of the host part. */
const IPV6_DOC_RANGE = /^2001:db8::[0-9a-f]{1,4}(:[0-9a-f]{1,4}){0,5}$/;

const allIpv4 = () => new Set(Array.from({ length: PUBLIC_POOL_SIZE }, (_, i) => publicIpAt(i)));

describe('public IPs', () => {
  it('are all distinct addresses in the documentation ranges, never .0 or .255', () => {
    const all = [...allIpv4()];
    expect(all).toHaveLength(PUBLIC_POOL_SIZE);
    for (const ip of all) expect(ip).toMatch(DOC_RANGES);
  });

  it('are handed out in turn, skipping addresses in use', () => {
    const cursors: AddressCursors = { ipCursor: 0 };
    expect(allocatePublicIp(new Set(), cursors)).toBe('192.0.2.1');
    expect(cursors.ipCursor).toBe(1);
    expect(allocatePublicIp(new Set(['192.0.2.2', '192.0.2.3']), cursors)).toBe('192.0.2.4');
  });

  it('wrap round to free IPv4s before any IPv6 is handed out', () => {
    const inUse = allIpv4();
    inUse.delete('192.0.2.5');
    expect(allocatePublicIp(inUse, { ipCursor: PUBLIC_POOL_SIZE - 1 })).toBe('192.0.2.5');
  });

  it('continue in 2001:db8::/32 once every IPv4 is in use, each IPv6 handed out once', () => {
    const inUse = allIpv4();
    const cursors: AddressCursors = { ipCursor: 17 };
    const v6 = Array.from({ length: 1_000 }, () => allocatePublicIp(inUse, cursors));
    expect(v6.slice(0, 2)).toEqual(['2001:db8::1', '2001:db8::2']);
    expect(new Set(v6).size).toBe(v6.length);
    for (const ip of v6) expect(ip).toMatch(IPV6_DOC_RANGE);
    expect(cursors).toEqual({ ipCursor: 17, nextIpv6: 1_001 });
    expect([ipv6At(0xffff), ipv6At(0x10000), ipv6At(0x10001), ipv6At(2 ** 52)]).toEqual([
      '2001:db8::ffff',
      '2001:db8::1:0',
      '2001:db8::1:1',
      '2001:db8::10:0:0:0',
    ]);
  });
});

describe('a fleet beyond the IPv4 ranges', () => {
  it('gets IPv6 addresses for live instances past the 762nd, all distinct, and IPv4s again once some are freed', async () => {
    const { provider } = fastProvider({ bootDelayMs: 0 });
    const created = [];
    for (let i = 0; i < PUBLIC_POOL_SIZE + 40; i++) created.push(await provider.createInstance({ size: 'small', name: `h${i}` }));
    const live = await provider.listInstances();
    expect(live).toHaveLength(PUBLIC_POOL_SIZE + 40);
    const ips = live.map((i) => i.publicIp!);
    expect(new Set(ips).size).toBe(ips.length);
    expect(ips.filter((ip) => DOC_RANGES.test(ip))).toHaveLength(PUBLIC_POOL_SIZE);
    expect(ips.slice(PUBLIC_POOL_SIZE)).toEqual(Array.from({ length: 40 }, (_, i) => ipv6At(i + 1)));
    await provider.terminateInstance(created[0]!.id);
    expect((await provider.createInstance({ size: 'small' })).publicIp).toBe(created[0]!.publicIp);
  }, 30_000); // 800 creates: room for a busy machine
});

describe('private IPs', () => {
  it('are distinct 10.x addresses without network or broadcast hosts', () => {
    const ips = Array.from({ length: 5000 }, (_, i) => privateIpFor(i + 1));
    expect(new Set(ips).size).toBe(ips.length);
    for (const ip of ips) expect(ip).toMatch(/^10\.\d+\.\d+\.([1-9]\d?|1\d\d|2[0-4]\d|25[0-4])$/);
  });
});
