/**
 * `plan(provider, desired, opts)` (docs/architecture.md, "Plan and apply"): what apply would change to make the environment match
 * the file. Reads only (one `listInstances`, then `validateSpec` for each host to create or replace),
 * and is deterministic: the same input and observed state give a byte-identical plan, every list
 * sorted by name (then instance id), problems by host and field.
 */
import { throwIfAborted } from '../runtime/abort.js';
import type { CloudProvider, Instance } from '../contract/contract.js';
import { InvalidInputError, isStagelyError } from '../contract/errors.js';
import { createSpecFor, differences, instanceName, type CreateSpec } from './compare.js';
import { isGoing } from './going.js';
import { nameCollisions, preflightSpecs, sortProblems } from './preflight.js';
import { validateDesiredEnvironment } from './schema.js';
import { ENV_TAG, HOST_TAG } from './tags.js';
import type { ConflictPolicy, DesiredEnvironment, Plan, PlanDelete, PlanOptions } from './types.js';

const POLICIES: readonly ConflictPolicy[] = ['report', 'replace'];

export async function plan(provider: CloudProvider, desired: DesiredEnvironment, options: PlanOptions = {}): Promise<Plan> {
  const policy = options.policy ?? 'report';
  if (!POLICIES.includes(policy)) {
    throw new InvalidInputError('policy', `Invalid plan option: policy must be one of ${POLICIES.join(', ')}`);
  }
  if (options.defaultRegion !== undefined && (typeof options.defaultRegion !== 'string' || !options.defaultRegion.trim())) {
    throw new InvalidInputError('defaultRegion', 'Invalid plan option: defaultRegion must be a non-empty string');
  }
  const concurrency = options.preflightConcurrency;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new InvalidInputError('preflightConcurrency', 'Invalid plan option: preflightConcurrency must be a whole number of at least 1');
  }
  const valid = validateDesiredEnvironment(desired);
  const others = (options.otherEnvironments ?? []).map((other, i) => {
    try {
      return validateDesiredEnvironment(other);
    } catch (error) {
      throw isStagelyError(error, 'INVALID_INPUT')
        ? new InvalidInputError(`otherEnvironments[${i}].${String(error.details.field)}`, error.message)
        : error;
    }
  });
  throwIfAborted(options.signal, provider.name);
  const observed = await provider.listInstances(
    { tags: { [ENV_TAG]: valid.environment } },
    options.signal ? { signal: options.signal } : {},
  );
  const result = planFromObserved(provider.name, valid, observed, { policy, defaultRegion: options.defaultRegion });

  const entries = [...result.create, ...result.replace];
  const { resolved, problems } = await preflightSpecs(provider, entries, { concurrency, signal: options.signal });
  for (const entry of entries) {
    const found = resolved.get(entry.host);
    if (found) entry.resolved = found;
  }
  result.problems = sortProblems([...nameCollisions(valid, others), ...problems]);
  return result;
}

/**
 * The pure half of `plan`: desired state against instances already listed. `desired` must be valid
 * (see `validateDesiredEnvironment`). No preflight: `problems` is empty and nothing is `resolved`.
 */
export function planFromObserved(
  providerName: string,
  desired: DesiredEnvironment,
  observed: readonly Instance[],
  options: { policy?: ConflictPolicy; defaultRegion?: string | undefined } = {},
): Plan {
  const { environment } = desired;
  const policy = options.policy ?? 'report';
  const specs = new Map<string, CreateSpec>();
  for (const host of desired.hosts) specs.set(host.name, createSpecFor(environment, host, options.defaultRegion));

  // Instances per host, in a stable order; a provider whose tag filter is loose cannot mislead us.
  const byHost = new Map<string | null, Instance[]>();
  for (const instance of observed) {
    if (instance.tags[ENV_TAG] !== environment || isGoing(instance)) continue;
    const host = instance.tags[HOST_TAG] ?? null;
    const group = byHost.get(host);
    if (group) group.push(instance);
    else byHost.set(host, [instance]);
  }

  const result: Plan = { version: 1, provider: providerName, environment, policy, create: [], delete: [], keep: [], conflicts: [], replace: [], problems: [] };
  const remove = (instance: Instance, host: string | null, reason: PlanDelete['reason']) =>
    result.delete.push({ name: instance.name, host, instanceId: instance.id, reason });

  for (const [host, instances] of byHost) {
    const spec = host === null ? undefined : specs.get(host);
    if (host === null || spec === undefined) {
      for (const instance of instances) remove(instance, host, 'not-in-file');
      continue;
    }
    let instance = instances[0]!;
    let diff = differences(spec, instance);
    if (instances.length > 1) {
      // Several instances for one host (an interrupted or concurrent apply): keep the best, delete the rest.
      const [best, ...rest] = instances
        .map((candidate) => ({ candidate, diff: differences(spec, candidate) }))
        .sort(
          (a, b) =>
            a.diff.length - b.diff.length ||
            a.candidate.createdAt.getTime() - b.candidate.createdAt.getTime() ||
            compare(a.candidate.id, b.candidate.id),
        );
      for (const { candidate } of rest) remove(candidate, host, 'duplicate');
      ({ candidate: instance, diff } = best!);
    }
    const name = instanceName(environment, host);
    if (diff.length === 0) result.keep.push({ name, host, instanceId: instance.id });
    else if (policy === 'replace') result.replace.push({ name, host, instanceId: instance.id, differences: diff, spec });
    else result.conflicts.push({ name, host, instanceId: instance.id, differences: diff });
  }

  for (const [host, spec] of specs) {
    if (!byHost.has(host)) result.create.push({ name: spec.name, host, spec });
  }

  const byName = (a: { name: string; instanceId?: string }, b: { name: string; instanceId?: string }) =>
    compare(a.name, b.name) || compare(a.instanceId ?? '', b.instanceId ?? '');
  result.create.sort(byName);
  result.delete.sort(byName);
  result.keep.sort(byName);
  result.conflicts.sort(byName);
  result.replace.sort(byName);
  return result;
}

/** Code-unit order: the same on every machine and locale, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when applying `plan` would change nothing (conflicts left alone and problems count as changes to look at). */
export function isEmptyPlan(plan: Plan): boolean {
  return (
    plan.create.length === 0 &&
    plan.delete.length === 0 &&
    plan.conflicts.length === 0 &&
    plan.replace.length === 0 &&
    (plan.problems?.length ?? 0) === 0
  );
}
