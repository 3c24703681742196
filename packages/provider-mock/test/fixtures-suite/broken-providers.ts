/**
 * Mocks broken in one way each, as a provider author might break them. Each wraps a healthy
 * MockProvider (test controls pass through) and replaces one behaviour.
 */
import { AuthenticationError, isStagelyError, NotFoundError, PermissionDeniedError, type Instance } from '@stagely/provider-core';
import { emit, raceAbort, throwIfAborted, type EventSink } from '@stagely/provider-core/provider';
import { withOverrides } from '@stagely/provider-core/testing';
import type { MockProvider } from '../../src/index.js';
import type { Variant } from './variants.js';

/** The fixture's fake credential, which the leaky variant puts into its errors. */
export const FIXTURE_TOKEN = 'mock-token-selftest-81d3aa';

/** A create that validates the whole spec, then leaves `field` out of its request. */
function dropsField(mock: MockProvider, field: 'sshKeys' | 'userData'): MockProvider {
  return withOverrides(mock, {
    createInstance: async (spec, o) => {
      await mock.validateSpec(spec, o);
      const { [field]: _dropped, ...rest } = spec;
      return mock.createInstance(rest, o);
    },
  });
}

/** Breaks `mock`; `events` is the sink the suite gave the provider, for breakages that show in requests. */
type Breakage = (mock: MockProvider, events: EventSink | undefined) => MockProvider;

const BREAKAGES: Record<Variant, Breakage> = {
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
  // "Still provisioning" by its own estimate of a boot (5 s from create), so the breakage does not hang
  // on how fast the machine runs the suite.
  'terminate-ignores-pending': (mock) =>
    withOverrides(mock, {
      terminateInstance: async (id, o) => {
        const instance = await mock.getInstance(id, o);
        if (instance && Date.now() - instance.createdAt.getTime() < 5_000) return;
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

  // After an answer was lost, sends the create (or snapshot) again without looking for what the first
  // made, and takes the retried delete's 404 for a failure. The lost answer is simulated here, so the
  // breakage does not depend on how the mock itself recovers.
  'blind-retry-after-lost-answer': (mock) => {
    const lost = { 'instances.create': 0, 'instances.delete': 0, 'snapshots.create': 0 };
    return withOverrides(mock, {
      loseResponse: (operation, times = 1) => {
        lost[operation] += times;
      },
      createInstance: async (spec, o) => {
        if (lost['instances.create'] > 0) {
          lost['instances.create'] -= 1;
          await mock.createInstance(spec, o);
        }
        return mock.createInstance(spec, o);
      },
      createSnapshot: async (id, name, o) => {
        if (lost['snapshots.create'] > 0) {
          lost['snapshots.create'] -= 1;
          await mock.createSnapshot(id, name, o);
        }
        return mock.createSnapshot(id, name, o);
      },
      terminateInstance: async (id, o) => {
        await mock.terminateInstance(id, o);
        if (lost['instances.delete'] > 0) {
          lost['instances.delete'] -= 1;
          throw new NotFoundError(`Instance ${id} not found (404 on the retried delete)`, { provider: 'mock' });
        }
      },
    });
  },

  // Takes the first "not found" after a create for a vanished instance.
  'wait-fails-on-first-not-found': (mock) =>
    withOverrides(mock, {
      waitUntilReady: async (id, o) => {
        if ((await mock.getInstance(id, o)) === null) throw new NotFoundError(`Instance ${id} disappeared`, { provider: 'mock' });
        return mock.waitUntilReady(id, o);
      },
    }),

  // A batched status call whose answers are matched to the wrong waits: each wait resolves with the
  // instance of the latest wait begun (right when alone).
  'batched-wait-answers-another-instance': (mock) => {
    const waiting: string[] = [];
    return withOverrides(mock, {
      waitUntilReady: async (id, o) => {
        waiting.push(id);
        try {
          await mock.waitUntilReady(id, o);
          return (await mock.getInstance(waiting.at(-1)!, o))!;
        } finally {
          waiting.splice(waiting.indexOf(id), 1);
        }
      },
    });
  },

  // A batched status call that fails as a whole when one of its ids is gone (as EC2's InstanceIds
  // does): every wait of the round fails with it.
  'batched-wait-fails-all-when-one-is-gone': (mock) => {
    const round = new Set<string>();
    let active = 0;
    return withOverrides(mock, {
      waitUntilReady: async (id, o) => {
        round.add(id);
        active++;
        try {
          const ready = await mock.waitUntilReady(id, o);
          for (const other of round) {
            const seen = await mock.getInstance(other, o);
            if (!seen || seen.state === 'terminated' || seen.state === 'terminating') {
              throw new NotFoundError(`Instance ${other} not found`, { provider: 'mock' });
            }
          }
          return ready;
        } finally {
          if (--active === 0) round.clear();
        }
      },
    });
  },

  // Resolves at once and leaves the delete to a timer, reporting the instance as terminated meanwhile
  // (as a provider that maps "deleting" to terminated without the delete having been accepted).
  'terminate-returns-before-delete': (mock) => {
    const deleting = new Set<string>();
    const view = (instance: Instance): Instance => (deleting.has(instance.id) ? { ...instance, state: 'terminated', providerState: 'deleting' } : instance);
    return withOverrides(mock, {
      terminateInstance: async (id, o) => {
        if ((await mock.getInstance(id, o)) === null) return;
        deleting.add(id);
        setTimeout(() => void mock.terminateInstance(id).catch(() => undefined), 5_000).unref();
      },
      getInstance: async (id, o) => {
        const instance = await mock.getInstance(id, o);
        return instance && view(instance);
      },
      listInstances: async (filter, o) => (await mock.listInstances(filter, o)).filter((i) => !deleting.has(i.id)),
    });
  },

  // Validates the keys, then leaves them out of the create request.
  'drops-ssh-keys': (mock) => dropsField(mock, 'sshKeys'),

  // Validates the user data, then leaves it out of the create request.
  'drops-user-data': (mock) => dropsField(mock, 'userData'),

  // Checks the signal before and after, but does not hand it to the create request: an abort while
  // the request is on its way rejects, and the instance the request made is left behind.
  'create-request-ignores-signal': (mock) =>
    withOverrides(mock, {
      createInstance: async (spec, o) => {
        throwIfAborted(o?.signal, 'mock');
        const instance = await mock.createInstance(spec);
        throwIfAborted(o?.signal, 'mock');
        return instance;
      },
    }),

  // Hedges every listing with three more copies of it, whatever the budget says (the first copy's outcome counts).
  'ignores-rate-budget': (mock) =>
    withOverrides(mock, {
      listInstances: async (filter, o) => {
        const [first] = await Promise.allSettled(Array.from({ length: 4 }, () => mock.listInstances(filter, o)));
        if (first!.status === 'rejected') throw first!.reason;
        return first!.value;
      },
    }),

  // Reads the first page of a listing and stops.
  'listing-stops-after-first-page': (mock) =>
    withOverrides(mock, {
      listInstances: async (filter, o) => (await mock.listInstances(filter, o)).slice(0, 2),
    }),

  // Leaves the spec to the API: the create request is sent, and the API's 400 comes back.
  'checks-spec-at-the-api': (mock, events) =>
    withOverrides(mock, {
      createInstance: async (spec, o) => {
        try {
          await mock.validateSpec(spec, o);
        } catch (error) {
          emit(events, { type: 'request', provider: 'mock', operation: 'instances.create', status: 400 });
          throw error;
        }
        return mock.createInstance(spec, o);
      },
    }),

  // Its preflight skips the SSH key look-up that the create makes.
  'validate-spec-disagrees': (mock) =>
    withOverrides(mock, {
      validateSpec: (spec, o) => mock.validateSpec({ ...spec, sshKeys: [] }, o),
    }),

  // Re-reads the account (keys, snapshots, instances) before every create.
  'reads-catalogue-on-every-create': (mock) =>
    withOverrides(mock, {
      createInstance: async (spec, o) => {
        await mock.listSshKeys(o);
        await mock.listSnapshots(o);
        await mock.listInstances(undefined, o);
        return mock.createInstance(spec, o);
      },
    }),
};

export function breakMock(variant: Variant, mock: MockProvider, events: EventSink | undefined): MockProvider {
  return BREAKAGES[variant](mock, events);
}
