/** The soak on the fake DigitalOcean API, through dots-wrapper. */
import plugin from '@stagely/provider-digitalocean';
import { LOST_OPERATIONS, startFakeDigitalOcean } from '@stagely/provider-digitalocean/testing';
import { kitTarget } from '../kit-target.js';
import type { SoakAdapter, StoreRecord } from '../soak-target.js';
import { SOAK_BUDGET, soakProvider } from './provider-config.js';

const TOKEN = 'soak-digitalocean-token-8c4f2a6e19b7';

export const digitalOceanSoak: SoakAdapter = {
  name: 'digitalocean',
  async start(options) {
    const fake = await startFakeDigitalOcean({
      token: TOKEN,
      seed: options.seed,
      bootDelayMs: 40,
      ipDelayMs: 5,
      deleteDelayMs: 20,
      actionDelayMs: 10,
      maxPerPage: 5,
      dropletLimit: 10_000,
      rateLimit: SOAK_BUDGET,
    });
    const provider = await soakProvider(plugin, { token: TOKEN, endpoint: fake.endpoint, region: 'nyc3' }, options);
    const store = (): StoreRecord[] => [
      ...fake.droplets().map((d) => ({ kind: 'instance' as const, id: String(d.id), name: d.name, alive: !d.deleted, keys: [d.name, ...d.tags] })),
      ...fake.snapshots().map((s) => ({ kind: 'image' as const, id: String(s.id), name: s.name, alive: true, keys: [s.name] })),
    ];
    return kitTarget({ fake, operations: LOST_OPERATIONS, provider, secrets: [TOKEN], refusedStatus: 429, store });
  },
};
