/**
 * `apply(provider, plan, opts)` (docs/architecture.md, "Plan and apply"): carries a plan out. Every
 * host starts at once; its changes (creates, terminates) take one of `concurrency` slots while they are
 * in flight, its wait for readiness none, so 200 hosts booting cost no slots and the provider's waiter
 * sees all their waits together (one list call per round). Deletes are queued first, so they free quota
 * for the creates; the rate of calls is the provider's rate limiter's. Every create goes through
 * `provisionInstance` (create, wait until ready, terminate on any failure), so a host that fails leaves
 * no half-made instance behind. Idempotent: a create whose host already exists and matches
 * is skipped, and terminating an instance that is already gone succeeds.
 *
 * Nothing starts for input that could have been checked: a plan with problems is refused, and right
 * before the first change every spec to create goes through `validateSpec` again (a saved plan may
 * predate a catalogue change); a refusal there is refused the same way, with nothing changed.
 */
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { abortedError, throwIfAborted } from '../runtime/abort.js';
import type { CloudProvider, Instance, InstanceSpec, Op } from '../contract/contract.js';
import { ConflictError, InvalidInputError, isStagelyError } from '../contract/errors.js';
import { isGoing } from './going.js';
import { provisionInstance } from '../runtime/provision.js';
import { createRedactor } from '../authoring/redact.js';
import { ApplyError } from './apply-error.js';
import { differences, type CreateSpec } from './compare.js';
import { planProblemsError, preflightSpecs } from './preflight.js';
import { validatePlan } from './schema.js';
import { ENV_TAG, HOST_TAG } from './tags.js';
import type { AppliedInstance, ApplyAction, ApplyFailure, ApplyOptions, ApplyProgressEvent, ApplyResult, Plan } from './types.js';

export const DEFAULT_APPLY_CONCURRENCY = 4;

/** Scrubs Authorization-like text from errors that did not come through a provider's own mapping. */
const scrub = createRedactor([]);

interface Target {
  name: string;
  host: string | null;
}

export async function apply(provider: CloudProvider, plan: Plan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const concurrency = options.concurrency ?? DEFAULT_APPLY_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidInputError('concurrency', 'Invalid apply option: concurrency must be a whole number of at least 1');
  }
  const { readyTimeoutMs, signal } = options;
  if (readyTimeoutMs !== undefined && !(Number.isFinite(readyTimeoutMs) && readyTimeoutMs > 0)) {
    throw new InvalidInputError('readyTimeoutMs', 'Invalid apply option: readyTimeoutMs must be a positive number of milliseconds');
  }
  const valid = validatePlan(plan);
  if (valid.provider !== provider.name) {
    throw new InvalidInputError('plan.provider', `The plan was made for provider "${valid.provider}", not "${provider.name}"`);
  }
  const { environment } = valid;
  if (valid.problems.length > 0) throw planProblemsError(environment, valid.problems, provider.name);
  throwIfAborted(signal, provider.name);
  const shared = signal ? sharedSignal(signal) : undefined;
  try {
    return await run(provider, valid, options, concurrency, shared?.signal);
  } finally {
    shared?.release();
  }
}

/**
 * Every host's calls listen to one signal; a signal of apply's own that follows the caller's, so that
 * 200 hosts waiting at once put one listener on the caller's signal, not 200 (and no Node warning).
 */
function sharedSignal(signal: AbortSignal): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const follow = () => controller.abort(signal.reason);
  if (signal.aborted) follow();
  else signal.addEventListener('abort', follow, { once: true });
  return { signal: controller.signal, release: () => signal.removeEventListener('abort', follow) };
}

async function run(
  provider: CloudProvider,
  valid: Plan,
  options: ApplyOptions,
  concurrency: number,
  signal: AbortSignal | undefined,
): Promise<ApplyResult> {
  const { readyTimeoutMs } = options;
  const { environment } = valid;
  const op: Op = signal ? { signal } : {};

  // Look again right before changing anything: a repeated or concurrent apply may have created a host.
  const current = new Map<string, Instance[]>();
  if (valid.create.length + valid.replace.length > 0) {
    for (const instance of await provider.listInstances({ tags: { [ENV_TAG]: environment } }, op)) {
      const host = instance.tags[HOST_TAG];
      if (host === undefined || isGoing(instance)) continue;
      current.set(host, [...(current.get(host) ?? []), instance]);
    }
    const { problems } = await preflightSpecs(provider, [...valid.create, ...valid.replace], { concurrency, signal });
    if (problems.length > 0) throw planProblemsError(environment, problems, provider.name);
  }

  const created: AppliedInstance[] = [];
  const deleted: AppliedInstance[] = [];
  const skipped: AppliedInstance[] = [];
  const failed: ApplyFailure[] = [];
  const errors = new Map<ApplyFailure, unknown>();

  const report = (target: Target, action: ApplyAction, status: ApplyProgressEvent['status'], extra: Partial<ApplyProgressEvent> = {}) => {
    try {
      options.onProgress?.({ environment, name: target.name, host: target.host, action, status, ...extra });
    } catch {
      // A listener's bug is not the apply's failure.
    }
  };

  const slots = pLimit(concurrency);
  const mutation = <T>(change: () => Promise<T>): Promise<T> => slots(change);

  const terminate = async (target: Target, action: ApplyAction, instanceId: string) => {
    await mutation(async () => {
      throwIfAborted(signal, provider.name);
      report(target, action, 'deleting', { instanceId });
      await provider.terminateInstance(instanceId, op);
    });
    deleted.push({ name: target.name, host: target.host, instanceId });
    report(target, action, 'deleted', { instanceId });
  };

  const create = async (target: Target & { host: string }, action: ApplyAction, spec: CreateSpec, state: { instanceId?: string }, replacedId?: string) => {
    const existing = (current.get(target.host) ?? []).filter((instance) => instance.id !== replacedId);
    const match = existing.find((instance) => differences(spec, instance).length === 0);
    if (match) {
      skipped.push({ name: target.name, host: target.host, instanceId: match.id, publicIp: match.publicIp });
      report(target, action, 'skipped', { instanceId: match.id });
      return;
    }
    if (existing[0]) {
      const fields = differences(spec, existing[0]).map((d) => d.field).join(', ');
      throw new ConflictError(
        `Host "${target.host}" already exists as instance ${existing[0].id} and differs from the plan (${fields}); plan again`,
        { provider: provider.name, details: { instanceId: existing[0].id } },
      );
    }
    const ready = await provisionInstance(provider, spec as InstanceSpec, {
      ...op,
      mutation: (change) =>
        mutation(() => {
          // The create's slot; a cleanup's terminate comes here too, and runs even after an abort.
          if (state.instanceId === undefined) {
            throwIfAborted(signal, provider.name);
            report(target, action, 'creating');
          }
          return change();
        }),
      ...(readyTimeoutMs === undefined ? {} : { timeoutMs: readyTimeoutMs }),
      onCreated: (instance) => {
        state.instanceId = instance.id;
        report(target, action, 'waiting', { instanceId: instance.id });
      },
    });
    created.push({ name: target.name, host: target.host, instanceId: ready.id, publicIp: ready.publicIp });
    report(target, action, 'ready', { instanceId: ready.id });
  };

  // `instanceId`: the instance a delete or replace starts from, so every event and failure names it.
  const job = (target: Target, action: ApplyAction, instanceId: string | undefined, work: (state: { instanceId?: string }) => Promise<void>) => {
    report(target, action, 'queued', instanceId === undefined ? {} : { instanceId });
    return (async () => {
      const state: { instanceId?: string } = instanceId === undefined ? {} : { instanceId };
      try {
        throwIfAborted(signal, provider.name);
        await work(state);
      } catch (error) {
        const failure = toFailure(target, action, error, state.instanceId);
        failed.push(failure);
        errors.set(failure, error);
        report(target, action, 'failed', {
          ...(failure.instanceId === undefined ? {} : { instanceId: failure.instanceId }),
          error: { code: failure.code, message: failure.message },
        });
      }
    })();
  };

  await Promise.all([
    ...valid.delete.map((entry) => job(entry, 'delete', entry.instanceId, () => terminate(entry, 'delete', entry.instanceId))),
    ...valid.replace.map((entry) =>
      job(entry, 'replace', entry.instanceId, async (state) => {
        await terminate(entry, 'replace', entry.instanceId);
        delete state.instanceId;
        await create(entry, 'replace', entry.spec, state, entry.instanceId);
      }),
    ),
    ...valid.create.map((entry) => job(entry, 'create', undefined, (state) => create(entry, 'create', entry.spec, state))),
  ]);

  for (const list of [created, deleted, skipped]) list.sort(byNameThenId);
  failed.sort(byNameThenId);
  const result: ApplyResult = { environment, created, deleted, skipped, conflicts: valid.conflicts };
  if (failed.length === 0) return result;

  const aborted = signal?.aborted === true;
  throw new ApplyError(
    { ...result, failed, aborted },
    { provider: provider.name, cause: aborted ? abortedError(signal, provider.name) : errors.get(failed[0]!) },
  );
}

function toFailure(target: Target, action: ApplyAction, error: unknown, instanceId: string | undefined): ApplyFailure {
  const failure: ApplyFailure = {
    name: target.name,
    host: target.host,
    action,
    code: isStagelyError(error) ? error.code : 'UNEXPECTED',
    message: isStagelyError(error) ? error.message : scrub(error instanceof Error ? error.message : String(error)),
  };
  if (instanceId !== undefined) failure.instanceId = instanceId;
  // provisionInstance notes whether it could terminate what it created before the failure.
  const cleanup = isStagelyError(error) ? (error.details.cleanup as { terminated?: unknown } | undefined) : undefined;
  if (typeof cleanup?.terminated === 'boolean') failure.terminated = cleanup.terminated;
  return failure;
}

function byNameThenId(a: { name: string; instanceId?: string }, b: { name: string; instanceId?: string }): number {
  const x = `${a.name}\u0000${a.instanceId ?? ''}`;
  const y = `${b.name}\u0000${b.instanceId ?? ''}`;
  return x < y ? -1 : x > y ? 1 : 0;
}
