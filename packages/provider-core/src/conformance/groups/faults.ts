/**
 * API failures, injected through `hooks.injectFault`, surface as the right StagelyError codes, or
 * succeed after a retry when they are transient; no error or event carries a credential.
 * Persisting faults outlast any bounded retry policy, so the provider's policy should be fast here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudProvider } from '../../contract/contract.js';
import type { StagelyError } from '../../contract/errors.js';
import { FAULT_KIND_CODES } from '../../testing/fault-kinds.js';
import { GROUP_NAMES } from '../group-names.js';
import { expectNoSecretsInError, expectNoSecretsInEvents, expectNothingListed, expectStagelyError } from '../assertions.js';
import { setupGroup, RUN_TAG, type GroupContext } from '../context.js';
import type { ConformanceOptions, FaultKind } from '../options.js';

/** Enough consecutive faults to exhaust any sane retry policy. */
const PERSISTING = 100;

interface FaultCase {
  fault: FaultKind;
  retryable: boolean;
  /** Checks beyond the code. */
  check?(error: StagelyError): void;
}

// Each fault must surface as FAULT_KIND_CODES[fault].
const CASES: FaultCase[] = [
  { fault: 'unauthorized', retryable: false },
  { fault: 'forbidden', retryable: false },
  {
    fault: 'rate-limited',
    retryable: true,
    check: (error) => {
      expect(typeof error.retryAfterMs, 'RateLimitError.retryAfterMs from the retry-after').toBe('number');
      expect(error.retryAfterMs!).toBeGreaterThanOrEqual(0);
    },
  },
  {
    fault: 'server-error',
    retryable: true,
    check: (error) => expect(Number(error.details.status), 'ApiError status').toBeGreaterThanOrEqual(500),
  },
  { fault: 'connection-reset', retryable: true },
];

/** Awaits the failing call and checks code, retryability and that no secret leaked anywhere. */
async function expectFault(ctx: GroupContext, call: Promise<unknown>, expected: FaultCase, what: string) {
  const code = FAULT_KIND_CODES[expected.fault];
  const error = await expectStagelyError(call, code, what);
  expect(error.retryable, `${code} retryable`).toBe(expected.retryable);
  expected.check?.(error);
  expectNoSecretsInError(error, ctx.options.secrets);
  expectNoSecretsInEvents(ctx.events, ctx.options.secrets);
  return error;
}

export function describeFaultsGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.faults, () => {
    const ctx = setupGroup(options, 'faults');
    const timeout = ctx.options.testTimeoutMs;
    const inject = ctx.hooks.injectFault;

    if (!inject) {
      it.skip('API faults surface as typed errors [skipped: needs hooks.injectFault]', () => {});
      return;
    }

    afterEach(() => ctx.hooks.clearFaults());

    const list = () => ctx.provider.listInstances({ tags: { [RUN_TAG]: ctx.runLabel } });

    it('401 on validateCredentials is AUTHENTICATION, not retried', async () => {
      await inject('unauthorized', 1);
      await expectFault(ctx, ctx.provider.validateCredentials(), CASES[0]!, 'validateCredentials');
      await expect(ctx.provider.validateCredentials(), 'the next call, with the fault used up').resolves.toBeUndefined();
    }, timeout);

    for (const fault of CASES) {
      if (fault.retryable) {
        it(`${fault.fault} once: the call succeeds after a retry`, async () => {
          await inject(fault.fault, 1);
          await expect(list()).resolves.toBeInstanceOf(Array);
        }, timeout);
        it(`${fault.fault} persisting: ${FAULT_KIND_CODES[fault.fault]}, retryable`, async () => {
          await inject(fault.fault, PERSISTING);
          await expectFault(ctx, list(), fault, 'listInstances');
        }, timeout);
      } else {
        it(`${fault.fault}: ${FAULT_KIND_CODES[fault.fault]}, not retried`, async () => {
          await inject(fault.fault, 1);
          await expectFault(ctx, list(), fault, 'listInstances');
          await expect(list(), 'the next call, with the fault used up').resolves.toBeInstanceOf(Array);
        }, timeout);
      }
    }

    it('quota on createInstance: QUOTA_EXCEEDED, and nothing created', async () => {
      const tags = ctx.caseTags();
      await inject('quota', 1);
      await expectFault(ctx, ctx.provider.createInstance(ctx.spec(tags)), { fault: 'quota', retryable: false }, 'createInstance');
      await expectNothingListed(ctx.provider, tags, 'a refused create leaves nothing');
    }, timeout);

    for (const fault of ['server-error', 'connection-reset'] as const) {
      it(`${fault} once on createInstance: exactly one instance after the retry`, async () => {
        const tags = ctx.caseTags();
        await inject(fault, 1);
        const instance = await ctx.provider.createInstance(ctx.spec(tags));
        const listed = await ctx.provider.listInstances({ tags });
        expect(listed.map((i) => i.id), 'a retried create must not create twice').toEqual([instance.id]);
      }, timeout);
    }

    it('no credential in any event the provider emitted', (test) => {
      test.skip(ctx.options.secrets.length === 0, 'no options.secrets given');
      expect(ctx.events.length, 'the fault tests produced events to check').toBeGreaterThan(0);
      expectNoSecretsInEvents(ctx.events, ctx.options.secrets);
    });
  });
}
