/**
 * The conformance suite against the fake EC2, through the real @aws-sdk/client-ec2 with SigV4 over
 * loopback, with the provider loaded the way applications load it: through core's registry.
 */
import { createRegistry } from '@stagely/provider-core';
import { describeProviderConformance } from '@stagely/provider-core/conformance';
import { afterAll, beforeAll } from 'vitest';
import plugin, { type AwsProvider } from '../src/index.js';
import { FAKE_EC2_CREDENTIALS, startFakeEc2, type FakeEc2 } from '../src/testing/index.js';

const credentials = { accessKeyId: 'AKIACONFORMANCE00001', secretAccessKey: 'conformance-secret-7f3a91c2d4e5' };
let fake: FakeEc2;

beforeAll(async () => {
  fake = await startFakeEc2({ credentials: [credentials, FAKE_EC2_CREDENTIALS], bootDelayMs: 60, terminateDelayMs: 20, imageDelayMs: 20, maxPageSize: 5 });
});
afterAll(() => fake.close());

describeProviderConformance<AwsProvider>({
  name: 'aws (fake EC2)',
  createProvider: ({ strict, events } = {}) =>
    createRegistry({ plugins: [plugin], ...(events ? { events } : {}) }).get<AwsProvider>('aws', {
      ...credentials,
      endpoint: fake.endpoint,
      region: 'us-east-1',
      strict: strict ?? false,
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxElapsedMs: 2000 },
      requestTimeoutMs: 2000,
      readinessPoll: { firstMs: 20, growth: 1.5, maxIntervalMs: 50 },
      operationPollMs: 5,
    }),
  region: 'us-east-1',
  unknownId: 'i-0123456789abcdef0',
  malformedId: 'not-an-instance-id',
  readyTimeoutMs: 5000,
  tooShortTimeoutMs: 20,
  pagedInstanceCount: 7,
  concurrentCreates: 10,
  sshKeyName: 'stagely-test',
  secrets: [credentials.secretAccessKey],
  testTimeoutMs: 15_000,
  hooks: {
    injectFault: (kind, times) => {
      fake.injectFault(kind, times);
    },
    clearFaults: () => fake.clearFaults(),
    seedUnmanagedInstance: async () => fake.seedInstance(),
  },
});
