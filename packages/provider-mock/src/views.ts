/**
 * What the mock API answers about a stored instance or snapshot at a moment: the state follows from
 * the stored timestamps through the kit's InstanceLifecycle, so every process sharing a state file
 * agrees on it without timers.
 */
import type { Instance, Snapshot } from '@stagely/provider-core/provider';
import { InstanceLifecycle, type LifecyclePhase, type PhaseWords } from '@stagely/provider-core/testing';
import type { StoredInstance, StoredSnapshot } from './state.js';

const PROVIDER = 'mock';

/** The mock API's own word for each phase (`providerState`). */
export const PHASE_WORDS: PhaseWords = {
  pending: 'provisioning',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  terminating: 'terminating',
  terminated: 'terminated',
};

/** The lifecycle of `stored` as seen at `now`. */
export function lifecycleAt(stored: StoredInstance, now: number): InstanceLifecycle {
  return new InstanceLifecycle({
    clock: { now: () => now },
    createdAt: stored.createdAt,
    bootDelayMs: stored.bootDelayMs,
    ipDelayMs: stored.ipDelayMs,
    terminateDelayMs: stored.terminateDelayMs ?? 0,
    terminateRequestedAt: stored.terminatedAt ?? undefined,
  });
}

/** The phase of `stored` at `now`, in the contract's words (the kit's phases are contract states). */
export function phaseAt(stored: StoredInstance, now: number): LifecyclePhase {
  return lifecycleAt(stored, now).phase;
}

/** The instance as the API shows it at `now`. */
export function instanceView(stored: StoredInstance, now: number): Instance {
  const lifecycle = lifecycleAt(stored, now);
  const state = lifecycle.phase;
  return {
    id: stored.id,
    provider: PROVIDER,
    name: stored.name,
    state,
    providerState: lifecycle.word(PHASE_WORDS),
    publicIp: lifecycle.hasPublicIp ? stored.publicIp : null,
    privateIp: state === 'terminated' ? null : stored.privateIp,
    region: stored.region,
    type: stored.type,
    architecture: stored.architecture,
    spot: stored.spot,
    tags: { ...stored.tags },
    createdAt: new Date(stored.createdAt),
    warnings: [...stored.warnings],
  };
}

/** False while a new instance is still invisible to reads (`notFoundFor`). */
export function isVisible(stored: StoredInstance, now: number): boolean {
  return stored.visibleAt === undefined || now >= stored.visibleAt;
}

export function snapshotView(stored: StoredSnapshot): Snapshot {
  return {
    id: stored.id,
    provider: PROVIDER,
    name: stored.name,
    instanceId: stored.instanceId,
    region: stored.region,
    sizeGb: stored.sizeGb,
    createdAt: new Date(stored.createdAt),
  };
}
