/** The soak on the fake Hetzner Cloud API, through hcloud-js. */
import plugin from '@stagely/provider-hetzner';
import { LOST_OPERATIONS, startFakeHetzner } from '@stagely/provider-hetzner/testing';
import { kitTarget } from '../kit-target.js';
import type { SoakAdapter, StoreRecord } from '../soak-target.js';
import { SOAK_BUDGET, soakProvider } from './provider-config.js';

const TOKEN = 'soak-hetzner-token-5b1e9a7c3d20';

export const hetznerSoak: SoakAdapter = {
  name: 'hetzner',
  async start(options) {
    const fake = await startFakeHetzner({ token: TOKEN, seed: options.seed, bootDelayMs: 40, actionDelayMs: 10, maxPerPage: 5, serverLimit: 10_000 });
    fake.setRateLimit(SOAK_BUDGET);
    const provider = await soakProvider(plugin, { token: TOKEN, endpoint: fake.endpoint, location: 'fsn1' }, options);
    const store = (): StoreRecord[] => [
      ...fake.servers().map((s) => ({ kind: 'instance' as const, id: String(s.id), name: s.name, alive: !['deleting', 'deleted'].includes(s.status), keys: [s.name] })),
      ...fake.snapshots().map((s) => ({ kind: 'image' as const, id: String(s.id), name: s.description, alive: true, keys: [s.description, s.labels['stagely-request'] ?? ''].filter(Boolean) })),
    ];
    return kitTarget({ fake, operations: LOST_OPERATIONS, provider, secrets: [TOKEN], refusedStatus: 429, store });
  },
};
