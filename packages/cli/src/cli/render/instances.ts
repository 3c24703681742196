/** Instances for people: a table for lists, one block for a single instance. */
import type { Instance, InstanceState } from '@stagely/provider-core';
import type { Colors, Output } from '../output.js';
import { table } from './table.js';

export function colorState(c: Colors, state: InstanceState): string {
  if (state === 'running') return c.green(state);
  if (state === 'pending') return c.yellow(state);
  if (state === 'terminated' || state === 'unknown') return c.red(state);
  return c.dim(state);
}

/** By name, then id: the order of every list of instances the CLI prints or returns. */
export function sortByName(instances: readonly Instance[]): Instance[] {
  return [...instances].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A table of `instances`, which the caller has put in order (`sortByName`). */
export function renderInstanceTable(out: Output, instances: readonly Instance[]): void {
  const { c } = out;
  if (instances.length === 0) {
    out.line(c.dim('No instances.'));
    return;
  }
  const rows = instances.map((i) => [
    i.name,
    i.id,
    colorState(c, i.state),
    i.publicIp ?? '-',
    i.region,
    i.type,
    i.architecture,
    i.tags['stagely-env'] ?? '-',
  ]);
  for (const line of table(['NAME', 'ID', 'STATE', 'PUBLIC IP', 'REGION', 'TYPE', 'ARCH', 'ENV'], rows, c.bold)) out.line(line);
}

export function renderInstance(out: Output, i: Instance): void {
  const { c } = out;
  const tags = Object.entries(i.tags)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const rows: [string, string][] = [
    ['id', i.id],
    ['name', i.name],
    ['provider', i.provider],
    ['state', `${colorState(c, i.state)} (${i.providerState})`],
    ['public ip', i.publicIp ?? '-'],
    ['private ip', i.privateIp ?? '-'],
    ['region', i.region],
    ['type', i.type],
    ['architecture', i.architecture],
    ['spot', i.spot ? 'yes' : 'no'],
    ['created', new Date(i.createdAt).toISOString()],
    ['tags', tags || '-'],
  ];
  for (const [k, v] of rows) out.line(`${c.dim(k.padEnd(13))}${v}`);
  for (const warning of i.warnings) out.line(`${c.yellow('warning')}      ${warning}`);
}
