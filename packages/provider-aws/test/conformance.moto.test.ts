/**
 * The conformance suite against moto (the AWS emulator), through the real @aws-sdk/client-ec2 with
 * SigV4 over loopback: a second, independent EC2 implementation beside this package's fake. Moto
 * is started for this file and stopped after it; where `python3 -m moto` is absent the suite is
 * skipped, saying why. The provider talks to moto through the kit's fault-injecting proxy, so the
 * faults group runs in front of moto too.
 */
import { describeProviderConformance } from '@stagely/provider-core/conformance';
import { describe, it } from 'vitest';
import type { AwsProvider } from '../src/index.js';
import { faultAnswer, RUN_INSTANCES_FAULTS } from '../src/testing/index.js';
import { awsConformanceOptions } from './support/conformance-options.js';
import { MOTO_CREDENTIALS, createKeyPair, inspectMoto, seedUnmanaged } from './support/moto-ec2.js';
import { motoForThisFile } from './support/moto-file.js';
import { motoUnavailable } from './support/moto-server.js';

const unavailable = motoUnavailable();

if (unavailable) {
  describe('aws (moto)', () => {
    it.skip(`moto: ${unavailable}; install it with \`pip install "moto[server]"\` to run the suite on moto`, () => {});
  });
} else {
  const { moto, proxy } = motoForThisFile((server) => createKeyPair(server.endpoint, 'stagely-test'));

  describeProviderConformance<AwsProvider>({
    ...awsConformanceOptions({ name: 'aws (moto)', endpoint: () => proxy().url, credentials: MOTO_CREDENTIALS, requestTimeoutMs: 10_000, readyTimeoutMs: 10_000, pageSize: 5 }),
    concurrentCreates: 5,
    testTimeoutMs: 30_000,
    hooks: {
      // EC2's own error answers, injected in front of moto ('quota' and the like pick RunInstances).
      injectFault: (kind, times) => {
        const answer = faultAnswer(kind);
        proxy().faults.add({ ...(RUN_INSTANCES_FAULTS.has(kind) ? { operation: 'RunInstances' } : {}), times, ...(answer === 'reset' ? { reset: true } : { respond: answer }) });
      },
      clearFaults: () => proxy().faults.clear(),
      seedUnmanagedInstance: () => seedUnmanaged(moto().endpoint),
      inspect: (id) => inspectMoto(moto().endpoint, id),
      // Not wired, so the suite names them as not run: loseResponse (moto does not honour ClientToken, so
      // a resent RunInstances makes a second instance there, unlike EC2), notFoundFor and rateLimit
      // (moto has neither).
    },
  });
}
