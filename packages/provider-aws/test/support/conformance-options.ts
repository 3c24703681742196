/** What the conformance runs on the fake EC2 and on moto share: the provider through the registry, fast timings. */
import { createRegistry } from '@stagely/provider-core';
import type { ConformanceOptions } from '@stagely/provider-core/conformance';
import plugin, { type AwsProvider } from '../../src/index.js';

export function awsConformanceOptions(options: {
  name: string;
  endpoint: () => string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  requestTimeoutMs: number;
  readyTimeoutMs: number;
  /** MaxResults of listings: small where the backend pages only as asked (moto), so listing crosses pages. */
  pageSize?: number;
}): Omit<ConformanceOptions<AwsProvider>, 'hooks'> {
  return {
    name: options.name,
    createProvider: ({ strict, events } = {}) =>
      createRegistry({ plugins: [plugin], ...(events ? { events } : {}) }).get<AwsProvider>('aws', {
        ...options.credentials,
        endpoint: options.endpoint(),
        region: 'us-east-1',
        strict: strict ?? false,
        retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxElapsedMs: 3000 },
        requestTimeoutMs: options.requestTimeoutMs,
        readinessPoll: { firstMs: 20, growth: 1.5, maxIntervalMs: 60 },
        operationPollMs: 10,
        ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      }),
    region: 'us-east-1',
    unknownId: 'i-0123456789abcdef0',
    malformedId: 'not-an-instance-id',
    readyTimeoutMs: options.readyTimeoutMs,
    pagedInstanceCount: 7,
    // The create request in `request` events: the suite checks that a refused spec never sends one.
    createOperation: 'RunInstances',
    sshKeyName: 'stagely-test',
    secrets: [options.credentials.secretAccessKey],
  };
}
