/**
 * What every group shares: a fresh provider made in `beforeAll`, the run's tags, the events the
 * provider emitted, and cleanup in `afterAll` that terminates every instance the group created
 * (found both by what createInstance returned and by listing the run tag).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { CloudProvider, InstanceSpec } from '../contract/contract.js';
import type { RequestEvent, StagelyEvent } from '../contract/events.js';
import type { BackendInstance, ConformanceOptions, FaultKind, LostOperation, RequestBudget } from './options.js';
import { withOverrides } from '../testing/with-overrides.js';

/** Tag on everything the suite creates: a sweeper finds leftovers of a run by it. */
export const RUN_TAG = 'stagely-run';
/** Tag that sets one test's instances apart from the rest of the run. */
export const CASE_TAG = 'stagely-case';

export interface ResolvedConformanceOptions extends ConformanceOptions {
  invalidRegion: string;
  pagedInstanceCount: number;
  concurrentCreates: number;
  secrets: string[];
  testTimeoutMs: number;
  warmCreateMaxRequests: number;
}

export function resolveOptions(options: ConformanceOptions): ResolvedConformanceOptions {
  return {
    ...options,
    invalidRegion: options.invalidRegion ?? 'nowhere-9',
    pagedInstanceCount: options.pagedInstanceCount ?? 5,
    concurrentCreates: options.concurrentCreates ?? 10,
    secrets: (options.secrets ?? []).filter((secret) => secret.length > 0),
    testTimeoutMs: options.testTimeoutMs ?? 30_000,
    warmCreateMaxRequests: options.warmCreateMaxRequests ?? 3,
  };
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

// One label per options object, so groups described one by one with the same options share it.
const runLabels = new WeakMap<ConformanceOptions, string>();

export function runLabelOf(options: ConformanceOptions): string {
  let label = options.runLabel ?? runLabels.get(options);
  if (label === undefined) {
    label = `conformance-${randomHex(4)}`;
    runLabels.set(options, label);
  }
  return label;
}

export interface GroupContext {
  readonly options: ResolvedConformanceOptions;
  readonly runLabel: string;
  /** The group's provider (made in beforeAll); what it creates is tracked for cleanup. */
  readonly provider: CloudProvider;
  /** Every event the group's providers emitted. */
  readonly events: StagelyEvent[];
  /** The strict variant, made on first use and cleaned up like the other. */
  strictProvider(): Promise<CloudProvider>;
  /** Fresh tags for one test: the run tag plus a unique case tag. */
  caseTags(): Record<string, string>;
  /** A small instance in the suite's region with these tags. */
  spec(tags: Record<string, string>, extra?: Partial<InstanceSpec>): InstanceSpec;
  /** Ids of every instance createInstance returned so far, on any of the group's providers. */
  createdIds(): string[];
  /** The options' hooks, bound to the group's (unwrapped) provider; absent when not given. */
  readonly hooks: BoundHooks;
  /** Runs `work` and returns the `request` events the group's providers emitted meanwhile, with its outcome. */
  requestsDuring<T>(work: () => Promise<T>): Promise<Counted<T>>;
}

export interface Counted<T> {
  outcome: PromiseSettledResult<T>;
  requests: RequestEvent[];
}

export interface BoundHooks {
  injectFault?: (fault: FaultKind, times: number) => Promise<void>;
  clearFaults: () => Promise<void>;
  seedUnmanagedInstance?: () => Promise<{ id: string; name: string }>;
  loseResponse?: (operation: LostOperation, times: number) => Promise<void>;
  inspect?: (id: string) => Promise<BackendInstance | null>;
  notFoundFor?: (ms: number) => Promise<void>;
  rateLimit?: (budget: RequestBudget | undefined) => Promise<void>;
}

interface Made {
  provider: CloudProvider;
  created: Set<string>;
}

/**
 * Registers the group's beforeAll / afterAll and returns its context. Call it first inside the
 * group's `describe`.
 */
export function setupGroup(rawOptions: ConformanceOptions, groupSlug: string): GroupContext {
  const options = resolveOptions(rawOptions);
  const runLabel = runLabelOf(rawOptions);
  const events: StagelyEvent[] = [];
  const made: Made[] = [];
  let main: CloudProvider | undefined;
  let mainReal: CloudProvider | undefined;
  let strict: Promise<CloudProvider> | undefined;

  // Returns the provider as made (for hooks) and the view tests use (tracks what it creates).
  const make = async (strictMode: boolean): Promise<{ real: CloudProvider; view: CloudProvider }> => {
    const real = await options.createProvider({
      ...(strictMode ? { strict: true } : {}),
      events: (event) => events.push(event),
    });
    const record: Made = { provider: real, created: new Set() };
    made.push(record);
    const view = withOverrides(real, {
      createInstance: async (spec, op) => {
        const instance = await real.createInstance(spec, op);
        record.created.add(instance.id);
        return instance;
      },
    });
    return { real, view };
  };

  beforeAll(async () => {
    ({ real: mainReal, view: main } = await make(false));
  }, options.testTimeoutMs);

  const real = (): CloudProvider => {
    if (!mainReal) throw new Error('The group provider is not ready: its beforeAll failed or has not run');
    return mainReal;
  };
  const given = options.hooks ?? {};
  const hooks: BoundHooks = {
    clearFaults: async () => {
      if (mainReal) await given.clearFaults?.(mainReal);
    },
    ...(given.injectFault && { injectFault: async (fault, times) => given.injectFault!(fault, times, real()) }),
    ...(given.seedUnmanagedInstance && { seedUnmanagedInstance: () => given.seedUnmanagedInstance!(real()) }),
    ...(given.loseResponse && { loseResponse: async (operation, times) => given.loseResponse!(operation, times, real()) }),
    ...(given.inspect && { inspect: (id) => given.inspect!(id, real()) }),
    ...(given.notFoundFor && { notFoundFor: async (ms) => given.notFoundFor!(ms, real()) }),
    ...(given.rateLimit && { rateLimit: async (budget) => given.rateLimit!(budget, real()) }),
  };

  afterAll(async () => {
    await hooks.clearFaults();
    const problems: string[] = [];
    for (const { provider, created } of made) problems.push(...(await terminateRun(provider, created, runLabel)));
    if (mainReal) await given.cleanup?.(mainReal);
    if (problems.length > 0) {
      throw new Error(`Conformance cleanup could not terminate: ${problems.join('; ')}`);
    }
  }, options.testTimeoutMs * 2);

  return {
    options,
    runLabel,
    events,
    get provider(): CloudProvider {
      if (!main) throw new Error('The group provider is not ready: its beforeAll failed or has not run');
      return main;
    },
    strictProvider: () => (strict ??= make(true).then(({ view }) => view)),
    caseTags: () => ({ [RUN_TAG]: runLabel, [CASE_TAG]: `${groupSlug}-${randomHex(3)}` }),
    spec: (tags, extra = {}) => ({ size: 'small', region: options.region, tags, ...extra }),
    createdIds: () => made.flatMap(({ created }) => [...created]),
    hooks,
    async requestsDuring(work) {
      const from = events.length;
      const [outcome] = await Promise.allSettled([work()]);
      const requests = events.slice(from).filter((event): event is RequestEvent => event.type === 'request');
      return { outcome: outcome!, requests };
    },
  };
}

/**
 * Terminates whatever this run left on `provider`: the ids it created and anything listed with the
 * run tag (checked client-side too, so a provider that lists too much cannot make the suite
 * terminate what is not its own). Returns what could not be terminated.
 */
async function terminateRun(provider: CloudProvider, created: Set<string>, runLabel: string): Promise<string[]> {
  const ids = new Set(created);
  try {
    const listed = await provider.listInstances({ tags: { [RUN_TAG]: runLabel } });
    for (const instance of listed) if (instance.tags[RUN_TAG] === runLabel) ids.add(instance.id);
  } catch {
    // Listing is under test; the created ids are still known.
  }
  const problems: string[] = [];
  for (const id of ids) {
    try {
      const instance = await provider.getInstance(id).catch(() => undefined);
      if (instance === null || instance?.state === 'terminated' || instance?.state === 'terminating') continue;
      await provider.terminateInstance(id);
    } catch (error) {
      problems.push(`${id} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return problems;
}
