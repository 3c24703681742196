/**
 * The conformance suite against moto (the AWS emulator), through the real @aws-sdk/client-ec2 with
 * SigV4 over loopback: a second, independent EC2 implementation beside this package's fake. Moto
 * is started for this file and stopped after it; where `python3 -m moto` is absent the suite is
 * skipped, saying why. The faults group needs a fault-injecting proxy in front of moto; until
 * core's testing kit has one, that group reports itself as not run.
 */
import { createRegistry } from '@stagely/provider-core';
import { describeProviderConformance } from '@stagely/provider-core/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import plugin, { type AwsProvider } from '../src/index.js';
import { MOTO_CREDENTIALS, createKeyPair, seedUnmanaged } from './support/moto-ec2.js';
import { motoUnavailable, startMoto, type MotoServer } from './support/moto-server.js';

const unavailable = motoUnavailable();

if (unavailable) {
  describe('aws (moto)', () => {
    it.skip(`moto: ${unavailable}; install it with \`pip install "moto[server]"\` to run the suite on moto`, () => {});
  });
} else {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
    await createKeyPair(moto.endpoint, 'stagely-test');
  }, 90_000);
  afterAll(() => moto?.stop());

  describeProviderConformance<AwsProvider>({
    name: 'aws (moto)',
    createProvider: ({ strict, events } = {}) =>
      createRegistry({ plugins: [plugin], ...(events ? { events } : {}) }).get<AwsProvider>('aws', {
        ...MOTO_CREDENTIALS,
        endpoint: moto.endpoint,
        region: 'us-east-1',
        strict: strict ?? false,
        retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxElapsedMs: 3000 },
        requestTimeoutMs: 10_000,
        readinessPoll: { firstMs: 20, growth: 1.5, maxIntervalMs: 100 },
        operationPollMs: 20,
      }),
    region: 'us-east-1',
    unknownId: 'i-0123456789abcdef0',
    malformedId: 'not-an-instance-id',
    readyTimeoutMs: 10_000,
    pagedInstanceCount: 7,
    concurrentCreates: 5,
    sshKeyName: 'stagely-test',
    secrets: [MOTO_CREDENTIALS.secretAccessKey],
    testTimeoutMs: 30_000,
    hooks: {
      seedUnmanagedInstance: () => seedUnmanaged(moto.endpoint),
    },
  });
}
