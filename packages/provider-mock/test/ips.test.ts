import { describe, expect, it } from 'vitest';
import { allocatePublicIp, PUBLIC_POOL_SIZE, privateIpFor, publicIpAt } from '../src/ips.js';

const DOC_RANGES = /^(192\.0\.2|198\.51\.100|203\.0\.113)\.([1-9]\d?|1\d\d|2[0-4]\d|25[0-4])$/;

describe('public IPs', () => {
  it('are all distinct addresses in the documentation ranges, never .0 or .255', () => {
    const all = Array.from({ length: PUBLIC_POOL_SIZE }, (_, i) => publicIpAt(i));
    expect(new Set(all).size).toBe(PUBLIC_POOL_SIZE);
    for (const ip of all) expect(ip).toMatch(DOC_RANGES);
  });

  it('are handed out in turn, skipping addresses in use', () => {
    const first = allocatePublicIp(new Set(), 0)!;
    expect(first).toEqual({ ip: '192.0.2.1', cursor: 1 });
    const next = allocatePublicIp(new Set(['192.0.2.2', '192.0.2.3']), first.cursor)!;
    expect(next.ip).toBe('192.0.2.4');
  });

  it('wrap round to free addresses and report exhaustion as null', () => {
    const inUse = new Set(Array.from({ length: PUBLIC_POOL_SIZE }, (_, i) => publicIpAt(i)));
    expect(allocatePublicIp(inUse, 17)).toBeNull();
    inUse.delete('192.0.2.5');
    expect(allocatePublicIp(inUse, PUBLIC_POOL_SIZE - 1)?.ip).toBe('192.0.2.5');
  });
});

describe('private IPs', () => {
  it('are distinct 10.x addresses without network or broadcast hosts', () => {
    const ips = Array.from({ length: 5000 }, (_, i) => privateIpFor(i + 1));
    expect(new Set(ips).size).toBe(ips.length);
    for (const ip of ips) expect(ip).toMatch(/^10\.\d+\.\d+\.([1-9]\d?|1\d\d|2[0-4]\d|25[0-4])$/);
  });
});
