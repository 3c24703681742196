import { describe, expect, it } from 'vitest';
import {
  CONTRACT_VERSION,
  NetworkError,
  PermissionDeniedError,
  TimeoutError,
  isStagelyError,
  provisionInstance,
  type CloudProvider,
  type Instance,
  type InstanceSpec,
  type Op,
  type ResolvedSpec,
  type WaitOptions,
} from '../src/index.js';
import { pollUntilReady, systemScheduler, type Scheduler } from '../src/provider.js';
import { testInstance } from './helpers/instance.js';
import { manualScheduler } from './helpers/manual-scheduler.js';

/**
 * A small in-memory CloudProvider: instances become ready after `readyAfterPolls` status calls
 * (never, by default); waiting is core's pollUntilReady on a fast schedule. Knobs make the wait
 * fail or terminating fail.
 */
class TestProvider implements CloudProvider {
  readonly contractVersion = CONTRACT_VERSION;
  readonly name = 'test';
  readonly capabilities = { architectures: ['amd64'] as const, spot: false, snapshots: false, sshKeys: false };
  readonly live = new Map<string, { polls: number; createdAt: number }>();
  readonly terminateCalls: string[] = [];
  readyAfterPolls = Number.POSITIVE_INFINITY;
  waitFailure: Error | undefined;
  terminateFailures: Error[] = [];
  onCreated: (() => void) | undefined;
  /** Eventual consistency: a new instance answers "not found" to status calls for this long. */
  hiddenForMs = 0;
  scheduler: Scheduler = systemScheduler;
  #next = 1;

  async validateCredentials(): Promise<void> {}

  async validateSpec(spec: InstanceSpec): Promise<ResolvedSpec> {
    return { type: 'test', region: spec.region ?? 'test-1', architecture: 'amd64', image: 'test', spot: false, warnings: [] };
  }

  async createInstance(spec: InstanceSpec, _o?: Op): Promise<Instance> {
    const id = `t-${this.#next++}`;
    this.live.set(id, { polls: 0, createdAt: this.scheduler.now() });
    this.onCreated?.();
    return this.#describe(id, spec.name ?? id);
  }

  async getInstance(id: string): Promise<Instance | null> {
    const record = this.live.get(id);
    if (!record || this.scheduler.now() - record.createdAt < this.hiddenForMs) return null;
    record.polls++;
    return this.#describe(id, id);
  }

  async listInstances(): Promise<Instance[]> {
    return [...this.live.keys()].map((id) => this.#describe(id, id));
  }

  async terminateInstance(id: string): Promise<void> {
    this.terminateCalls.push(id);
    const failure = this.terminateFailures.shift();
    if (failure) throw failure;
    this.live.delete(id);
  }

  async waitUntilReady(id: string, o: WaitOptions = {}): Promise<Instance> {
    if (this.waitFailure) throw this.waitFailure;
    return pollUntilReady((i) => this.getInstance(i), id, { ...o, provider: this.name, schedule: () => 2, scheduler: this.scheduler });
  }

  async createSnapshot(): Promise<never> {
    throw new Error('not used');
  }
  async listSnapshots() {
    return [];
  }
  async deleteSnapshot() {}
  async listSshKeys() {
    return [];
  }

  #describe(id: string, name: string): Instance {
    const ready = (this.live.get(id)?.polls ?? 0) >= this.readyAfterPolls;
    return testInstance({
      id,
      provider: this.name,
      name,
      state: ready ? 'running' : 'pending',
      providerState: ready ? 'up' : 'booting',
      publicIp: ready ? '203.0.113.7' : null,
    });
  }
}

const spec: InstanceSpec = { size: 'small', name: 'web' };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('provisionInstance', () => {
  it('rides out "not found" right after the create (eventual consistency): no destroy, the instance is returned ready', async () => {
    const provider = new TestProvider();
    const scheduler = manualScheduler();
    provider.scheduler = scheduler;
    provider.hiddenForMs = 3000;
    provider.readyAfterPolls = 3;
    const instance = await scheduler.drive(provisionInstance(provider, spec, { timeoutMs: 60_000 }));
    expect(instance.state).toBe('running');
    expect(provider.terminateCalls).toEqual([]);
    expect(provider.live.has(instance.id)).toBe(true);
  });

  it('returns the ready instance and leaves it running', async () => {
    const provider = new TestProvider();
    const scheduler = manualScheduler();
    provider.scheduler = scheduler;
    provider.readyAfterPolls = 3;
    const instance = await scheduler.drive(provisionInstance(provider, spec, { timeoutMs: 5_000 }));
    expect(instance).toMatchObject({ id: 't-1', state: 'running', publicIp: '203.0.113.7' });
    expect(provider.terminateCalls).toEqual([]);
    expect([...provider.live.keys()]).toEqual(['t-1']);
  });

  it('terminates the instance when waiting fails, and rethrows the failure saying so', async () => {
    const provider = new TestProvider();
    provider.waitFailure = new PermissionDeniedError('not allowed to read servers');
    const error = await rejection(provisionInstance(provider, spec));
    expect(error).toBe(provider.waitFailure);
    expect(provider.live.size).toBe(0);
    expect((error as PermissionDeniedError).details.cleanup).toEqual({ instanceId: 't-1', terminated: true });
  });

  it('terminates the instance when waiting times out', async () => {
    const provider = new TestProvider();
    const error = await rejection(provisionInstance(provider, spec, { timeoutMs: 30 }));
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(provider.live.size).toBe(0);
    expect(provider.terminateCalls).toEqual(['t-1']);
  });

  it('terminates the instance when the caller aborts while waiting (cleanup ignores the aborted signal)', async () => {
    const provider = new TestProvider();
    const controller = new AbortController();
    provider.onCreated = () => setTimeout(() => controller.abort(), 10);
    const error = await rejection(provisionInstance(provider, spec, { signal: controller.signal, timeoutMs: 60_000 }));
    expect(isStagelyError(error, 'ABORTED')).toBe(true);
    expect(provider.live.size).toBe(0);
    expect((error as { details: Record<string, unknown> }).details.cleanup).toMatchObject({ terminated: true });
  });

  it('keeps the instance with keepOnFailure, and says which one it kept', async () => {
    const provider = new TestProvider();
    const error = await rejection(provisionInstance(provider, spec, { timeoutMs: 20, keepOnFailure: true }));
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(provider.terminateCalls).toEqual([]);
    expect([...provider.live.keys()]).toEqual(['t-1']);
    expect((error as TimeoutError).details.cleanup).toEqual({ instanceId: 't-1', terminated: false, kept: true });
  });

  it('retries a transient cleanup failure', async () => {
    const provider = new TestProvider();
    provider.waitFailure = new PermissionDeniedError('no');
    provider.terminateFailures = [new NetworkError('reset')];
    const error = await rejection(provisionInstance(provider, spec));
    expect(provider.terminateCalls).toEqual(['t-1', 't-1']);
    expect(provider.live.size).toBe(0);
    expect((error as PermissionDeniedError).details.cleanup).toMatchObject({ terminated: true });
  });

  it('annotates the original failure when cleanup fails too, naming the instance left behind', async () => {
    const provider = new TestProvider();
    provider.terminateFailures = [new PermissionDeniedError('may not delete servers', { provider: 'test' })];
    const error = await rejection(provisionInstance(provider, spec, { timeoutMs: 20 }));
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(provider.live.has('t-1')).toBe(true);
    expect((error as TimeoutError).details.cleanup).toEqual({
      instanceId: 't-1',
      terminated: false,
      cleanupError: { code: 'PERMISSION_DENIED', message: 'may not delete servers' },
    });
  });

  it('reports a raw cleanup failure by class name only (its message may carry request details)', async () => {
    const provider = new TestProvider();
    provider.waitFailure = new PermissionDeniedError('no');
    provider.terminateFailures = [new TypeError('GET https://api.example?token=secret failed')];
    const error = await rejection(provisionInstance(provider, spec));
    expect((error as PermissionDeniedError).details.cleanup).toEqual({
      instanceId: 't-1',
      terminated: false,
      cleanupError: { code: 'UNEXPECTED', name: 'TypeError' },
    });
    expect(JSON.stringify(error)).not.toContain('secret');
  });
});
