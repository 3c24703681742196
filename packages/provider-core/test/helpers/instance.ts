import type { Instance } from '../../src/index.js';

/** An Instance for tests of the waiting mechanics: pending in r1, type t1, unless told otherwise. */
export function testInstance(fields: Partial<Instance> = {}): Instance {
  return {
    id: 'i-1',
    provider: 'test',
    name: 'web',
    state: 'pending',
    providerState: fields.state ?? 'pending',
    publicIp: null,
    privateIp: null,
    region: 'r1',
    type: 't1',
    architecture: 'amd64',
    spot: false,
    tags: {},
    createdAt: new Date(0),
    warnings: [],
    ...fields,
  };
}
