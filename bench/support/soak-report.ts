/** The soak's results as Markdown: one table per provider, and the line that says whether all is well. */
import { FAULT_KINDS, OPERATION_KINDS } from './soak-schedule.js';
import type { SoakResult } from './soak-run.js';

/** The counts that must be zero; the bench exits non-zero when one is not. */
export function problems(r: SoakResult): Record<string, number> {
  return {
    'leaked instances': r.leakedInstances.length,
    'leaked images': r.leakedImages.length,
    'duplicate creates': [...r.duplicates.values()].reduce((a, b) => a + b, 0),
    'untyped errors': r.untyped,
    'credential leaks': r.credentialLeaks,
  };
}

export function soakTable(r: SoakResult): string[] {
  const rows: Array<[string, string]> = [];
  const ops = OPERATION_KINDS.map((k) => `${k} ${r.operations[k]}`).join(', ');
  rows.push(['operations', `${r.started} of ${r.planned} planned: ${ops}${r.skipped ? ` (${r.skipped} with nothing to act on: their provision failed)` : ''}`]);
  rows.push(['requests to the fake', `${r.requests} in ${(r.elapsedMs / 1000).toFixed(1)} s`]);
  const faults = FAULT_KINDS.map((k) => (r.cannot.includes(k) ? `${k} n/a` : `${k} ${r.met[k]}/${r.armed[k]}`)).join(', ');
  rows.push(['faults injected (met a request / armed)', faults]);
  rows.push(["429s from the fake's own budget", String(r.budgetRefusals)]);
  rows.push(['retries / rate-limit holds (events)', `${r.retries} / ${r.rateLimitHolds}`]);
  const codes = [...r.errorsByCode].sort(([a], [b]) => a.localeCompare(b)).map(([code, n]) => `${code} ${n}`);
  rows.push(['errors by code', codes.length ? codes.join(', ') : 'none']);
  rows.push(['instances made / kept at the end / reported left (failed terminate, leftBehind, cleanup)', `${r.instancesSeen} / ${r.kept} / ${r.reported}`]);
  rows.push(['kept instances the store does not hold alive', String(r.keptButGone.length)]);
  for (const [what, n] of Object.entries(problems(r))) rows.push([`**${what}**`, `**${n}**`]);
  const lines = ['| counted | value |', '| --- | --- |', ...rows.map(([a, b]) => `| ${a} | ${b} |`)];
  if (r.leakedInstances.length) lines.push('', `Leaked instances: ${r.leakedInstances.join(', ')}`);
  if (r.leakedImages.length) lines.push('', `Leaked images: ${r.leakedImages.join(', ')}`);
  if (r.duplicates.size) lines.push('', `Duplicates: ${[...r.duplicates].map(([n, k]) => `${n} +${k}`).join(', ')}`);
  return lines;
}
