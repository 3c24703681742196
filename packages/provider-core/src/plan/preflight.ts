/**
 * Plan's preflight (docs/architecture.md, "Plan and apply"): every spec a plan would create goes
 * through the provider's `validateSpec` (read calls only, a few at a time), and every instance name
 * is checked against the names other environments make. What a provider refuses becomes a problem
 * of the plan naming the host and field, so a user learns everything that would go wrong before
 * anything is created; apply refuses a plan with problems.
 */
import pLimit from 'p-limit';
import type { CloudProvider, ResolvedSpec } from '../contract/contract.js';
import { InvalidInputError, isStagelyError } from '../contract/errors.js';
import { instanceName, type CreateSpec } from './compare.js';
import type { DesiredEnvironment, PlanProblem } from './types.js';

/** validateSpec calls in flight at once: enough to overlap latency, few enough for any rate limit. */
export const DEFAULT_PREFLIGHT_CONCURRENCY = 4;

/** The errors a spec can be refused with; anything else (network, credentials, abort) fails the plan. */
const SPEC_REFUSALS = ['INVALID_INPUT', 'NOT_SUPPORTED'] as const;

export interface PreflightEntry {
  host: string;
  spec: CreateSpec;
}

export interface PreflightResult {
  /** What each host's create would provision, by host; hosts with a problem are absent. */
  resolved: Map<string, ResolvedSpec>;
  problems: PlanProblem[];
}

/**
 * Runs `validateSpec` for every entry, at most `concurrency` at once. A refused spec is a problem
 * (field as the provider named it, e.g. `region`, `tags.team`); any other failure rejects, the
 * first in host order, once all calls have settled (no call is left running behind the caller).
 */
export async function preflightSpecs(
  provider: CloudProvider,
  entries: readonly PreflightEntry[],
  options: { concurrency?: number; signal?: AbortSignal | undefined } = {},
): Promise<PreflightResult> {
  const limit = pLimit(options.concurrency ?? DEFAULT_PREFLIGHT_CONCURRENCY);
  const op = options.signal ? { signal: options.signal } : {};
  const outcomes = await Promise.allSettled(entries.map((entry) => limit(() => provider.validateSpec(entry.spec, op))));
  const resolved = new Map<string, ResolvedSpec>();
  const problems: PlanProblem[] = [];
  let failure: { error: unknown } | undefined;
  outcomes.forEach((outcome, i) => {
    const { host, spec } = entries[i]!;
    if (outcome.status === 'fulfilled') {
      resolved.set(host, outcome.value);
      return;
    }
    const error = outcome.reason as unknown;
    if (isStagelyError(error) && (SPEC_REFUSALS as readonly string[]).includes(error.code)) {
      // Read from details, not the subclass: the error may come from another copy of core.
      const field = error.details.field ?? error.details.feature;
      problems.push({ host, name: spec.name, field: typeof field === 'string' && field ? field : 'spec', code: error.code, message: error.message });
    } else {
      failure ??= { error };
    }
  });
  if (failure) throw failure.error;
  return { resolved, problems: sortProblems(problems) };
}

/**
 * Hosts of `desired` whose instance name another environment (or another host) also makes: one of
 * the two creates would fail, or two environments would share an instance. `others` are the other
 * environments managed alongside, e.g. the rest of the file.
 */
export function nameCollisions(desired: DesiredEnvironment, others: readonly DesiredEnvironment[]): PlanProblem[] {
  const makers = new Map<string, { environment: string; host: string }[]>();
  for (const environment of [desired, ...others]) {
    for (const host of environment.hosts) {
      const name = instanceName(environment.environment, host.name);
      const list = makers.get(name) ?? [];
      if (!list.some((m) => m.environment === environment.environment && m.host === host.name)) {
        list.push({ environment: environment.environment, host: host.name });
      }
      makers.set(name, list);
    }
  }
  const problems: PlanProblem[] = [];
  for (const host of desired.hosts) {
    const name = instanceName(desired.environment, host.name);
    const elsewhere = (makers.get(name) ?? []).filter((m) => !(m.environment === desired.environment && m.host === host.name));
    if (elsewhere.length === 0) continue;
    const who = elsewhere
      .map((m) => `host "${m.host}" of environment "${m.environment}"`)
      .sort()
      .join(', ');
    problems.push({ host: host.name, name, field: 'name', code: 'CONFLICT', message: `makes the instance name "${name}", as ${who} does` });
  }
  return sortProblems(problems);
}

/** Host, then field, then message: a plan's problems come in one order on every run. */
export function sortProblems(problems: PlanProblem[]): PlanProblem[] {
  const key = (p: PlanProblem) => `${p.host}\u0000${p.field}\u0000${p.message}`;
  return problems.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** What apply throws for a plan with problems: nothing was changed. Every problem is in `details`. */
export function planProblemsError(environment: string, problems: readonly PlanProblem[], provider: string): InvalidInputError {
  const listed = problems.map((p) => `${p.host}: ${p.field}: ${p.message}`).join('; ');
  return new InvalidInputError(
    'plan.problems',
    `The plan of environment "${environment}" has ${problems.length} problem(s), so nothing was changed: ${listed}`,
    { provider, details: { environment, problems: problems.map((p) => ({ ...p })) } },
  );
}
