/** The soak on the fake Hetzner Cloud API, through hcloud-js. */
import { createRegistry } from '@stagely/provider-core';
import plugin from '@stagely/provider-hetzner';
import { LOST_OPERATIONS, startFakeHetzner } from '@stagely/provider-hetzner/testing';
import { KitFaults } from '../kit-fake-faults.js';
import type { SoakAdapter } from '../soak-target.js';
import { SOAK_BUDGET, soakProviderConfig } from './provider-config.js';

const TOKEN = 'soak-hetzner-token-5b1e9a7c3d20';

export const hetznerSoak: SoakAdapter = {
  name: 'hetzner',
  async start(options) {
    const { seed, events } = options;
    const fake = await startFakeHetzner({ token: TOKEN, seed, bootDelayMs: 40, actionDelayMs: 10, maxPerPage: 5, serverLimit: 10_000 });
    fake.setRateLimit(SOAK_BUDGET);
    const provider = await createRegistry({ plugins: [plugin], events }).get('hetzner', { token: TOKEN, endpoint: fake.endpoint, location: 'fsn1', ...soakProviderConfig(options) });
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
        ...fake.servers().map((s) => ({ kind: 'instance' as const, id: String(s.id), name: s.name, alive: !['deleting', 'deleted'].includes(s.status), keys: [s.name] })),
        ...fake.snapshots().map((s) => ({ kind: 'image' as const, id: String(s.id), name: s.description, alive: true, keys: [s.description, s.labels['stagely-request'] ?? ''].filter(Boolean) })),
      ],
      close: () => fake.close(),
    };
  },
};
