/**
 * Mocks broken in one way each, as a provider author might break them. Each wraps a healthy
 * MockProvider (test controls pass through) and replaces one behaviour.
 */
import { AuthenticationError, isStagelyError, NotFoundError, PermissionDeniedError, type Instance } from '@stagely/provider-core';
import { raceAbort } from '@stagely/provider-core/provider';
import { withOverrides } from '@stagely/provider-core/testing';
import type { MockProvider } from '../../src/index.js';
import type { Variant } from './variants.js';

/** The fixture's fake credential, which the leaky variant puts into its errors. */
export const FIXTURE_TOKEN = 'mock-token-selftest-81d3aa';

const BREAKAGES: Record<Variant, (mock: MockProvider) => MockProvider> = {
  healthy: (mock) => mock,

  // Treats "already gone" as an error instead of success.
  'terminate-throws-on-unknown-id': (mock) =>
    withOverrides(mock, {
      terminateInstance: async (id, o) => {
        if ((await mock.getInstance(id, o)) === null) throw new NotFoundError(`Instance ${id} not found`, { provider: 'mock' });
        return mock.terminateInstance(id, o);
      },
    }),

  // Forgets to filter on managed-by: whatever else lives in the account is listed too.
  'lists-unmanaged-instances': (mock) => {
    const unmanaged: string[] = [];
    return withOverrides(mock, {
      seedUnmanagedInstance: async (name) => {
        const seeded = await mock.seedUnmanagedInstance(name);
        unmanaged.push(seeded.id);
        return seeded;
      },
      listInstances: async (filter, o) => {
        const managed = await mock.listInstances(filter, o);
        const others = (await Promise.all(unmanaged.map((id) => mock.getInstance(id, o)))).filter(
          (i): i is Instance =>
            i !== null && i.state !== 'terminated' && Object.entries(filter?.tags ?? {}).every(([k, v]) => i.tags[k] === v),
        );
        return [...managed, ...others];
      },
    });
  },

  // Passes the API's 404 through instead of answering null.
  'get-throws-instead-of-null': (mock) =>
    withOverrides(mock, {
      getInstance: async (id, o) => {
        const instance = await mock.getInstance(id, o);
        if (instance === null) throw new NotFoundError(`Instance ${id} not found`, { provider: 'mock' });
        return instance;
      },
    }),

  // "Honours" the signal by racing it, while the create it started goes on: an aborted create leaks.
  'create-ignores-abort': (mock) =>
    withOverrides(mock, {
      createInstance: (spec, o) => raceAbort(mock.createInstance(spec), o?.signal, 'mock'),
    }),

  // Swallows the cloud's refusal to delete an instance that is still provisioning, and reports success.
  'terminate-ignores-pending': (mock) =>
    withOverrides(mock, {
      terminateInstance: async (id, o) => {
        const instance = await mock.getInstance(id, o);
        if (instance?.state === 'pending') return;
        return mock.terminateInstance(id, o);
      },
    }),

  // Keeps the request headers of a refused call in the error's details.
  'leaks-token-in-errors': (mock) => {
    const leaky = <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        try {
          return await call(...args);
        } catch (error) {
          if (isStagelyError(error) && (error.code === 'AUTHENTICATION' || error.code === 'PERMISSION_DENIED')) {
            const Class = error.code === 'AUTHENTICATION' ? AuthenticationError : PermissionDeniedError;
            throw new Class(error.message, {
              provider: 'mock',
              details: { request: { headers: { authorization: `Bearer ${FIXTURE_TOKEN}` } } },
            });
          }
          throw error;
        }
      };
    return withOverrides(mock, {
      validateCredentials: leaky((o) => mock.validateCredentials(o)),
      listInstances: leaky((filter, o) => mock.listInstances(filter, o)),
    });
  },
};

export function breakMock(variant: Variant, mock: MockProvider): MockProvider {
  return BREAKAGES[variant](mock);
}
