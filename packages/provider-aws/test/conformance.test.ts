/**
 * The conformance suite against the fake EC2, through the real @aws-sdk/client-ec2 with SigV4 over
 * loopback, with the provider loaded the way applications load it: through core's registry.
 */
import { describeProviderConformance } from '@stagely/provider-core/conformance';
import { afterAll, beforeAll } from 'vitest';
import type { AwsProvider } from '../src/index.js';
import { FAKE_EC2_CREDENTIALS, LOST_OPERATIONS, startFakeEc2, type FakeEc2 } from '../src/testing/index.js';
import { awsConformanceOptions } from './support/conformance-options.js';

const credentials = { accessKeyId: 'AKIACONFORMANCE00001', secretAccessKey: 'conformance-secret-7f3a91c2d4e5' };
let fake: FakeEc2;

beforeAll(async () => {
  fake = await startFakeEc2({ credentials: [credentials, FAKE_EC2_CREDENTIALS], bootDelayMs: 200, terminateDelayMs: 20, imageDelayMs: 20, maxPageSize: 5 });
});
afterAll(() => fake.close());

describeProviderConformance<AwsProvider>({
  ...awsConformanceOptions({ name: 'aws (fake EC2)', endpoint: () => fake.endpoint, credentials, requestTimeoutMs: 2000, readyTimeoutMs: 5000 }),
  tooShortTimeoutMs: 20,
  concurrentCreates: 10,
  testTimeoutMs: 15_000,
  hooks: {
    injectFault: (kind, times) => {
      fake.injectFault(kind, times);
    },
    clearFaults: () => fake.clearFaults(),
    seedUnmanagedInstance: async () => fake.seedInstance(),
    loseResponse: (operation, times) => {
      fake.loseResponse(LOST_OPERATIONS[operation], { times });
    },
    inspect: async (id) => fake.inspect(id),
    notFoundFor: (ms) => fake.notFoundFor(ms),
    rateLimit: (budget) => fake.rateLimit(budget),
  },
});
