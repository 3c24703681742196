/** The soak on the fake DigitalOcean API, through dots-wrapper. */
import { createRegistry } from '@stagely/provider-core';
import plugin from '@stagely/provider-digitalocean';
import { LOST_OPERATIONS, startFakeDigitalOcean } from '@stagely/provider-digitalocean/testing';
import { KitFaults } from '../kit-fake-faults.js';
import type { SoakAdapter } from '../soak-target.js';
import { SOAK_BUDGET, soakProviderConfig } from './provider-config.js';

const TOKEN = 'soak-digitalocean-token-8c4f2a6e19b7';

export const digitalOceanSoak: SoakAdapter = {
  name: 'digitalocean',
  async start(options) {
    const { seed, events } = options;
    const fake = await startFakeDigitalOcean({
      token: TOKEN,
      seed,
      bootDelayMs: 40,
      ipDelayMs: 5,
      deleteDelayMs: 20,
      actionDelayMs: 10,
      maxPerPage: 5,
      dropletLimit: 10_000,
      rateLimit: SOAK_BUDGET,
    });
    const provider = await createRegistry({ plugins: [plugin], events }).get('digitalocean', { token: TOKEN, endpoint: fake.endpoint, region: 'nyc3', ...soakProviderConfig(options) });
    const faults = new KitFaults(fake, LOST_OPERATIONS);
    return {
      provider,
      secrets: [TOKEN],
      cannot: [],
      arm: (fault, own) => faults.arm(fault, own),
      faultsMet: () => faults.met(),
      clearFaults: () => faults.clear(),
      requests: () => fake.http.log.length,
      budgetRefusals: () => fake.http.log.filter((e) => e.status === 429 && !e.faulted).length,
      store: () => [
        ...fake.droplets().map((d) => ({ kind: 'instance' as const, id: String(d.id), name: d.name, alive: !d.deleted, keys: [d.name, ...d.tags] })),
        ...fake.snapshots().map((s) => ({ kind: 'image' as const, id: String(s.id), name: s.name, alive: true, keys: [s.name] })),
      ],
      close: () => fake.close(),
    };
  },
};
