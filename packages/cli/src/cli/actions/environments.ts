/**
 * What `plan`, `apply` and `destroy` do (their options: ../commands/environments.ts): an environment
 * of the file against what runs, through core's plan/apply; nothing changes without a yes, progress
 * per host while apply works, and a summary that names every host created, deleted or failed.
 */
import {
  apply,
  isEmptyPlan,
  isStagelyError,
  plan as makePlan,
  type ApplyError,
  type ApplyResult,
  type CloudProvider,
  type Plan,
} from '@stagely/provider-core';
import { desiredEnvironment } from '../../config/desired.js';
import { confirm } from '../confirm.js';
import { pickEnvironment } from '../environment.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { Output } from '../output.js';
import { defaultRegion, otherEnvironments, problemsError } from '../preflight.js';
import { createProgress } from '../progress.js';
import { planCounts, renderPlan } from '../render/plan.js';
import { table } from '../render/table.js';
import type { Session } from '../session.js';


interface ApplyFlags {
  replace?: boolean;
  concurrency?: number;
  timeout?: number;
}

async function planEnvironment(session: Session, environment: string, hosts: 'file' | 'none', replace: boolean) {
  const loaded = await session.config(hosts === 'file');
  const { provider, resolved } = await session.provider();
  const fromFile = hosts === 'file' && loaded !== undefined;
  const desired = fromFile ? desiredEnvironment(loaded.data, environment) : { environment, hosts: [] };
  const region = defaultRegion(resolved.config);
  const plan = await makePlan(provider, desired, {
    policy: replace ? 'replace' : 'report',
    signal: session.signal,
    ...(fromFile ? { otherEnvironments: otherEnvironments(loaded, environment) } : {}),
    ...(region === undefined ? {} : { defaultRegion: region }),
  });
  // What apply would fail on is the file's fault: every problem at its line, exit 2, nothing changed.
  if (plan.problems.length > 0 && loaded) throw problemsError(loaded, [[environment, plan.problems]], provider.name);
  return { provider, plan };
}

const actionable = (plan: Plan) => plan.create.length + plan.delete.length + plan.replace.length;

/** Confirms, applies with progress, prints the summary; the exit code says how it went. */
async function confirmAndApply(
  session: Session,
  provider: CloudProvider,
  plan: Plan,
  verb: 'apply' | 'destroy',
  flags: ApplyFlags,
): Promise<ExitCodeValue> {
  const out = session.output;
  if (actionable(plan) === 0) {
    out.result({ plan, result: null });
    if (plan.conflicts.length > 0) {
      out.line(out.c.magenta(`Nothing applied: ${plan.conflicts.length} host(s) in conflict with the file.`));
      return ExitCode.CONFLICTS;
    }
    out.line(out.c.green(verb === 'destroy' ? `Nothing to destroy: environment ${plan.environment} has no instances.` : 'No changes: the environment matches the file.'));
    return ExitCode.OK;
  }
  await confirm(session, `${verb === 'destroy' ? 'Destroy' : 'Apply'} ${plan.environment}: ${planCounts(plan)}. Continue?`, verb, { plan });

  const progress = createProgress(out, plan);
  let result: ApplyResult;
  try {
    result = await apply(provider, plan, {
      signal: session.signal,
      onProgress: (event) => progress.onProgress(event),
      ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
      ...(flags.timeout === undefined ? {} : { readyTimeoutMs: flags.timeout }),
    });
  } catch (error) {
    // The live display stops before the failure table is printed under it.
    await progress.finish();
    if (isStagelyError(error, 'APPLY_FAILED')) renderFailure(out, error as ApplyError);
    throw error;
  }
  await progress.finish();
  out.result({ plan, result });
  renderSummary(out, result, verb);
  return result.conflicts.length > 0 ? ExitCode.CONFLICTS : ExitCode.OK;
}

function renderSummary(out: Output, result: ApplyResult, verb: 'apply' | 'destroy'): void {
  const { c } = out;
  const rows = [
    ...result.created.map((i) => [i.name, c.green('created'), i.instanceId, i.publicIp ?? '-']),
    ...result.skipped.map((i) => [i.name, c.dim('already there'), i.instanceId, i.publicIp ?? '-']),
    ...result.deleted.map((i) => [i.name, c.red('deleted'), i.instanceId, '-']),
  ];
  if (rows.length > 0) {
    out.line();
    for (const line of table(['HOST', 'RESULT', 'ID', 'PUBLIC IP'], rows, c.bold)) out.line(line);
  }
  out.line();
  if (verb === 'destroy') {
    out.line(c.green(`Destroyed ${result.environment}: ${result.deleted.length} instance(s) deleted.`));
    return;
  }
  const done = `${result.created.length} created, ${result.deleted.length} deleted${result.skipped.length ? `, ${result.skipped.length} already there` : ''}`;
  out.line(c.green(`Applied ${result.environment}: ${done}.`));
  if (result.conflicts.length > 0) {
    out.line(c.magenta(`${result.conflicts.length} host(s) in conflict were left alone: ${result.conflicts.map((x) => x.name).join(', ')}.`));
  }
}

function renderFailure(out: Output, error: ApplyError): void {
  const { c } = out;
  const rows = [
    ...error.created.map((i) => [i.name, c.green('created'), i.instanceId, '']),
    ...error.skipped.map((i) => [i.name, c.dim('already there'), i.instanceId, '']),
    ...error.deleted.map((i) => [i.name, c.red('deleted'), i.instanceId, '']),
    ...error.failed.map((f) => [
      f.name,
      c.red(`${f.action} failed`),
      f.instanceId ?? '-',
      `${f.code}: ${f.message}${f.terminated === true ? ' (the instance made for it was terminated)' : f.terminated === false ? ' (the instance made for it could NOT be terminated)' : ''}`,
    ]),
  ];
  out.line();
  for (const line of table(['HOST', 'RESULT', 'ID', 'ERROR'], rows, c.bold)) out.line(line);
  out.line();
}

export async function planCommand(session: Session, environment: string | undefined, flags: ApplyFlags): Promise<ExitCodeValue> {
  const loaded = await session.config(true);
  const name = pickEnvironment(loaded, environment, true);
  const { plan } = await planEnvironment(session, name, 'file', flags.replace === true);
  session.output.result({ plan, empty: isEmptyPlan(plan) });
  renderPlan(session.output, plan);
  return ExitCode.OK;
}

export async function applyCommand(session: Session, environment: string | undefined, flags: ApplyFlags): Promise<ExitCodeValue> {
  const loaded = await session.config(true);
  const name = pickEnvironment(loaded, environment, true);
  const { provider, plan } = await planEnvironment(session, name, 'file', flags.replace === true);
  renderPlan(session.output, plan);
  return confirmAndApply(session, provider, plan, 'apply', flags);
}

export async function destroyCommand(session: Session, environment: string | undefined, flags: ApplyFlags): Promise<ExitCodeValue> {
  const loaded = await session.config();
  // An environment already removed from the file can still be destroyed.
  const name = pickEnvironment(loaded, environment, false);
  const { provider, plan } = await planEnvironment(session, name, 'none', false);
  renderPlan(session.output, plan, 'destroy');
  return confirmAndApply(session, provider, plan, 'destroy', flags);
}
