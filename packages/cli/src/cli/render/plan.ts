/** A plan for people: one line per host that would change, then a one-line count. */
import type { FieldDifference, Plan, PlanCreate } from '@stagely/provider-core';
import type { Output } from '../output.js';

/**
 * What a create makes: the provider's answer when its preflight resolved the spec (`cx23 in fsn1,
 * ubuntu-24.04`), else the spec as asked (`small, amd64, ubuntu:24.04`).
 */
function describeSpec(spec: PlanCreate['spec'], resolved: PlanCreate['resolved']): string {
  const role = spec.tags['stagely-role'];
  const roleText = role === undefined ? undefined : `role ${role}`;
  if (resolved) {
    const arch = resolved.architecture === 'amd64' ? undefined : resolved.architecture;
    return [`${resolved.type} in ${resolved.region}`, resolved.image, arch, roleText, resolved.spot ? 'spot' : undefined]
      .filter((part): part is string => part !== undefined)
      .join(', ');
  }
  const size = typeof spec.size === 'string' ? spec.size : `type:${spec.size.type}`;
  const image = spec.image ? Object.entries(spec.image).map(([k, v]) => `${k}:${v}`)[0] : undefined;
  return [size, spec.architecture, image, spec.region, roleText, spec.spot ? 'spot' : undefined]
    .filter((part): part is string => part !== undefined)
    .join(', ');
}

function renderWarnings(out: Output, resolved: PlanCreate['resolved'], indent: string): void {
  for (const warning of resolved?.warnings ?? []) out.line(`${indent}${out.c.yellow(`warning: ${warning}`)}`);
}

function describeDifferences(differences: readonly FieldDifference[]): string {
  return differences.map((d) => `${d.field} ${d.actual ?? 'unknown'} -> ${d.desired ?? 'none'}`).join('; ');
}

export function planCounts(plan: Plan): string {
  const parts = [
    `${plan.create.length} to create`,
    `${plan.delete.length} to delete`,
    ...(plan.replace.length > 0 ? [`${plan.replace.length} to replace`] : []),
    ...(plan.conflicts.length > 0 ? [`${plan.conflicts.length} in conflict`] : []),
    `${plan.keep.length} unchanged`,
  ];
  return parts.join(', ');
}

export function renderPlan(out: Output, plan: Plan, mode: 'apply' | 'destroy' = 'apply'): void {
  const { c } = out;
  out.line(`${c.bold(`Environment ${plan.environment}`)} ${c.dim(`on ${plan.provider}`)}`);
  const width = Math.max(0, ...[...plan.create, ...plan.delete, ...plan.replace, ...plan.conflicts, ...plan.keep].map((e) => e.name.length));
  const pad = (name: string) => name.padEnd(width);
  const indent = ' '.repeat(width + 15);
  for (const e of plan.create) {
    out.line(`  ${c.green('+')} ${pad(e.name)}  ${c.green('create')}   ${c.dim(describeSpec(e.spec, e.resolved))}`);
    renderWarnings(out, e.resolved, indent);
  }
  for (const e of plan.replace) {
    out.line(`  ${c.yellow('~')} ${pad(e.name)}  ${c.yellow('replace')}  ${c.dim(`${e.instanceId}: ${describeDifferences(e.differences)}`)}`);
    renderWarnings(out, e.resolved, indent);
  }
  for (const e of plan.delete) {
    const why = e.reason === 'duplicate' ? 'a duplicate of its host' : mode === 'destroy' ? 'destroying the environment' : 'not in the file';
    out.line(`  ${c.red('-')} ${pad(e.name)}  ${c.red('delete')}   ${c.dim(`${e.instanceId}, ${why}`)}`);
  }
  for (const e of plan.conflicts) {
    out.line(`  ${c.magenta('!')} ${pad(e.name)}  ${c.magenta('conflict')} ${c.dim(`${e.instanceId}: ${describeDifferences(e.differences)}`)}`);
  }
  for (const e of plan.keep) out.line(`  ${c.dim('=')} ${pad(e.name)}  ${c.dim(`unchanged ${e.instanceId}`)}`);
  if (plan.conflicts.length > 0) {
    out.line(
      c.magenta(
        `  Conflicts are left alone: change the file to match, or run apply with --replace to terminate and recreate those hosts.`,
      ),
    );
  }
  out.line(`Plan: ${planCounts(plan)}.`);
}
