/** The mock is the reference implementation: it passes the whole conformance suite. */
import {
  describeCapabilitiesGroup,
  describeProviderConformance,
  describeSnapshotsGroup,
  describeSshKeysGroup,
} from '@stagely/provider-core/conformance';
import { describe } from 'vitest';
import { mockConformanceOptions } from './conformance-options.js';

const TOKEN = 'mock-token-conformance-4f9c2e';

describeProviderConformance(mockConformanceOptions({ name: 'mock', token: TOKEN }));

// A cloud that lacks every optional capability: the gated groups check the NotSupported side.
describe('mock without optional capabilities', () => {
  const lacking = mockConformanceOptions({
    name: 'mock, lacking',
    token: TOKEN,
    config: { offer: { arm64: false, spot: false, snapshots: false, sshKeys: false } },
  });
  describeCapabilitiesGroup(lacking);
  describeSnapshotsGroup(lacking);
  describeSshKeysGroup(lacking);
});
