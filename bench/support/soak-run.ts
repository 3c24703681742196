/**
 * Runs a soak plan against one provider's fake: `concurrency` workers take the planned operations in
 * order (provision through core's provisionInstance, list, terminate, snapshot create + delete), each
 * arming its planned faults as it starts, until the plan, the time or the request bound runs out.
 * Then it compares the fake's store with what the library reported.
 */
import { performance } from 'node:perf_hooks';
import { provisionInstance, type StagelyEvent } from '@stagely/provider-core';
import { FAULT_KINDS, OPERATION_KINDS, type FaultKind, type OperationKind, type PlannedOperation } from './soak-schedule.js';
import { isReported, SoakOutcome } from './soak-outcome.js';
import type { OwnMutation, SoakAdapter, SoakTarget } from './soak-target.js';
import { StoreWatch } from './store-watch.js';

export interface SoakLimits {
  seed: number;
  concurrency: number;
  /** No operation starts after this long. */
  seconds: number;
  /** No operation starts once the fake has answered this many requests. */
  maxRequests: number;
  requestTimeoutMs: number;
  /** The provider's retry attempts per request. */
  attempts: number;
  /** A provision's readiness limit. */
  readyTimeoutMs: number;
}

export interface SoakResult {
  provider: string;
  elapsedMs: number;
  requests: number;
  /** Operations started, of the plan's. */
  started: number;
  planned: number;
  operations: Record<OperationKind, number>;
  /** terminate / snapshot operations whose provision had failed: nothing to act on. */
  skipped: number;
  armed: Record<FaultKind, number>;
  met: Record<FaultKind, number>;
  cannot: readonly FaultKind[];
  budgetRefusals: number;
  retries: number;
  rateLimitHolds: number;
  errorsByCode: Map<string, number>;
  untyped: number;
  credentialLeaks: number;
  instancesSeen: number;
  kept: number;
  reported: number;
  leakedInstances: string[];
  leakedImages: string[];
  /** Provisions the library returned and nothing terminated, that the store does not hold alive. */
  keptButGone: string[];
  duplicates: Map<string, number>;
}

const OWN: Record<OperationKind, OwnMutation | undefined> = { provision: 'create', terminate: 'terminate', snapshot: 'snapshot', list: undefined };

const zeroes = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export const soakName = (seed: number, index: number) => `soak-${seed}-${index}`;

export async function runSoak(adapter: SoakAdapter, plan: readonly PlannedOperation[], limits: SoakLimits): Promise<SoakResult> {
  let outcome: SoakOutcome | undefined;
  let watch: StoreWatch | undefined;
  const events = (event: StagelyEvent) => {
    outcome?.event(event);
    if (event.type === 'request') watch?.sample();
  };
  const target = await adapter.start({ seed: limits.seed, events, requestTimeoutMs: limits.requestTimeoutMs, attempts: limits.attempts });
  outcome = new SoakOutcome(target.secrets);
  watch = new StoreWatch(() => target.store());
  try {
    return await drive(adapter.name, target, plan, limits, outcome, watch);
  } finally {
    await target.close();
  }
}

async function drive(name: string, target: SoakTarget, plan: readonly PlannedOperation[], limits: SoakLimits, outcome: SoakOutcome, watch: StoreWatch): Promise<SoakResult> {
  const { provider } = target;
  const operations = zeroes(OPERATION_KINDS);
  const armed = zeroes(FAULT_KINDS);
  /** Each provision's instance id (null: it failed), as soon as it is known. */
  const provisions = new Map<number, Promise<string | null>>();
  /** Per provisioned instance, the end of the last operation on it: operations on one instance run in plan order. */
  const chains = new Map<number, Promise<unknown>>();
  const kept = new Set<string>();
  let skipped = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + limits.seconds * 1000;

  /**
   * Arms an operation's faults; what it returns withdraws those that met no request. Faults live
   * while their operation runs: operations that fail fast (a shared catalogue read refused) would
   * otherwise arm faster than requests meet them, until every request fails.
   */
  const armFaults = (operation: PlannedOperation): (() => void) => {
    const withdraw: Array<() => void> = [];
    for (const fault of operation.faults) {
      if (target.cannot.includes(fault.kind)) continue;
      armed[fault.kind] += 1;
      withdraw.push(target.arm(fault, OWN[operation.kind]));
    }
    return () => withdraw.forEach((w) => w());
  };

  const provision = async (operation: PlannedOperation): Promise<string | null> => {
    const withdraw = armFaults(operation);
    const spec = { name: soakName(limits.seed, operation.index), size: 'small' as const, tags: { soak: String(limits.seed) } };
    try {
      const instance = await provisionInstance(provider, spec, { timeoutMs: limits.readyTimeoutMs });
      kept.add(instance.id);
      return instance.id;
    } catch (error) {
      outcome.error(error, 'instance');
      return null;
    } finally {
      withdraw();
    }
  };

  /** The instance of `operation.target`, after every earlier operation on it; null when its provision failed. */
  const onTarget = (operation: PlannedOperation, work: (id: string) => Promise<void>): Promise<void> => {
    const index = operation.target!;
    const before = chains.get(index) ?? provisions.get(index)!;
    const done = before.then(async () => {
      const id = await provisions.get(index)!;
      if (id === null || !kept.has(id)) return void (skipped += 1);
      const withdraw = armFaults(operation);
      await work(id).finally(withdraw);
    });
    chains.set(index, done);
    return done;
  };

  const run = (operation: PlannedOperation): Promise<unknown> => {
    operations[operation.kind] += 1;
    switch (operation.kind) {
      case 'provision': {
        const id = provision(operation);
        provisions.set(operation.index, id);
        return id;
      }
      case 'list': {
        const withdraw = armFaults(operation);
        return provider
          .listInstances({ tags: { soak: String(limits.seed) } })
          .catch((error: unknown) => outcome.error(error, 'instance'))
          .finally(withdraw);
      }
      case 'terminate':
        return onTarget(operation, async (id) => {
          try {
            await provider.terminateInstance(id);
          } catch (error) {
            outcome.error(error, 'instance');
            // The caller was told this one is still there.
            outcome.reportedInstances.add(id);
          } finally {
            kept.delete(id);
          }
        });
      case 'snapshot':
        return onTarget(operation, async (id) => {
          const snapshot = await provider.createSnapshot(id, `${soakName(limits.seed, operation.index)}-snap`).catch((error: unknown) => outcome.error(error, 'image'));
          if (!snapshot) return;
          await provider.deleteSnapshot(snapshot.id).catch((error: unknown) => {
            outcome.error(error, 'image');
            outcome.reportedImages.add(snapshot.id);
          });
        });
    }
  };

  const worker = async () => {
    for (;;) {
      if (next >= plan.length || performance.now() >= deadline || target.requests() >= limits.maxRequests) return;
      // Taken and chained synchronously, so operations on one instance keep the plan's order.
      await run(plan[next++]!);
    }
  };
  await Promise.all(Array.from({ length: limits.concurrency }, worker));
  const elapsedMs = performance.now() - started;
  target.clearFaults();

  for (const id of kept) outcome.reportedInstances.add(id);
  const final = watch.sample();
  const leaked = (kind: 'instance' | 'image', reported: ReadonlySet<string>) =>
    final.filter((r) => r.kind === kind && r.alive && !isReported(reported, [r.id, ...r.keys])).map((r) => `${r.id} (${r.name})`);
  return {
    provider: name,
    elapsedMs,
    requests: target.requests(),
    started: next,
    planned: plan.length,
    operations,
    skipped,
    armed,
    met: target.faultsMet(),
    cannot: target.cannot,
    budgetRefusals: target.budgetRefusals(),
    retries: outcome.retries,
    rateLimitHolds: outcome.rateLimitHolds,
    errorsByCode: outcome.errorsByCode,
    untyped: outcome.untyped.length,
    credentialLeaks: outcome.credentialLeaks,
    instancesSeen: watch.instancesSeen(),
    kept: kept.size,
    reported: [...outcome.reportedInstances].filter((id) => !kept.has(id)).length,
    leakedInstances: leaked('instance', outcome.reportedInstances),
    leakedImages: leaked('image', outcome.reportedImages),
    keptButGone: [...kept].filter((id) => !final.some((r) => r.kind === 'instance' && r.id === id && r.alive)),
    duplicates: watch.duplicates(),
  };
}
