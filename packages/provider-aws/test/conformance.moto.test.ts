/**
 * The conformance suite against moto (the AWS emulator), through the real @aws-sdk/client-ec2 with
 * SigV4 over loopback: a second, independent EC2 implementation beside this package's fake. Moto
 * is started for this file and stopped after it; where `python3 -m moto` is absent the suite is
 * skipped, saying why. The faults group needs a fault-injecting proxy in front of moto; until
 * core's testing kit has one, that group reports itself as not run (see the hooks below).
 */
import { describeProviderConformance } from '@stagely/provider-core/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { AwsProvider } from '../src/index.js';
import { awsConformanceOptions } from './support/conformance-options.js';
import { MOTO_CREDENTIALS, createKeyPair, inspectMoto, seedUnmanaged } from './support/moto-ec2.js';
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
  }, 180_000);
  afterAll(() => moto?.stop());

  describeProviderConformance<AwsProvider>({
    ...awsConformanceOptions({ name: 'aws (moto)', endpoint: () => moto.endpoint, credentials: MOTO_CREDENTIALS, requestTimeoutMs: 10_000, readyTimeoutMs: 10_000, pageSize: 5 }),
    concurrentCreates: 5,
    testTimeoutMs: 30_000,
    hooks: {
      seedUnmanagedInstance: () => seedUnmanaged(moto.endpoint),
      inspect: (id) => inspectMoto(moto.endpoint, id),
      // Not wired, so the suite names them as not run: loseResponse (moto does not honour ClientToken, so
      // a resent RunInstances makes a second instance there, unlike EC2), notFoundFor and rateLimit
      // (moto has neither), and injectFault (needs a fault-injecting proxy in front of moto).
    },
  });
}
