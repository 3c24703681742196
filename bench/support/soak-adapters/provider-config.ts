import { createRegistry, type CloudProvider, type StagelyPlugin } from '@stagely/provider-core';
import type { SoakTargetOptions } from '../soak-target.js';

/**
 * The provider settings every soak target shares: a retry policy of few attempts that gives up
 * within seconds (so that faults surface as errors and cleanups run, not only as retries), quick
 * polls, and the request timeout the planned late answers outlast.
 */
export function soakProviderConfig({ requestTimeoutMs, attempts }: SoakTargetOptions) {
  return {
    retry: { maxAttempts: attempts, baseDelayMs: 2, maxDelayMs: 25, maxElapsedMs: 3000 },
    requestTimeoutMs,
    readinessPoll: { firstMs: 10, growth: 1.5, maxIntervalMs: 40 },
    operationPollMs: 5,
    notFoundGraceMs: 2000,
  };
}

/** A small budget, per second since the fakes' reset headers count whole seconds: bursts of the workers meet it. */
export const SOAK_BUDGET = { requests: 50, windowMs: 1000 };

/** The provider as applications get it: through core's registry, with the soak's settings on `config`. */
export function soakProvider<P extends CloudProvider = CloudProvider>(
  // The plugins' own config types differ; the registry validates the config with the plugin's schema.
  plugin: StagelyPlugin<any, P>,
  config: Record<string, unknown>,
  options: SoakTargetOptions,
): Promise<P> {
  return createRegistry({ plugins: [plugin], events: options.events }).get<P>(plugin.name, { ...config, ...soakProviderConfig(options) });
}
