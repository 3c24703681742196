/**
 * Per-host progress while apply works: a live listr2 task list on a terminal, one plain line per
 * step otherwise (CI logs, pipes), nothing in JSON mode. Apply drives it through `onProgress`.
 */
import type { ApplyProgressEvent, Plan } from '@stagely/provider-core';
import { Listr } from 'listr2';
import type { Output } from './output.js';

export interface ProgressView {
  onProgress(event: ApplyProgressEvent): void;
  /** Apply has settled: stop the display (hosts still open are shown as not done). */
  finish(): Promise<void>;
}

const FINAL: Record<ApplyProgressEvent['action'], readonly string[]> = {
  create: ['ready', 'skipped', 'failed'],
  delete: ['deleted', 'failed'],
  replace: ['ready', 'failed'],
};

function describe(event: ApplyProgressEvent): string {
  const id = event.instanceId ? ` ${event.instanceId}` : '';
  switch (event.status) {
    case 'failed':
      return `failed: ${event.error?.code ?? 'ERROR'}: ${event.error?.message ?? ''}`;
    case 'skipped':
      return `already there${id}`;
    case 'waiting':
      return `waiting until ready${id}`;
    default:
      return `${event.status}${id}`;
  }
}

export function createProgress(out: Output, plan: Plan): ProgressView {
  if (out.json) return { onProgress: () => {}, finish: async () => {} };
  if (out.stdout.isTTY === true) return listrProgress(out, plan);
  return plainProgress(out, plan);
}

function plainProgress(out: Output, plan: Plan): ProgressView {
  const width = Math.max(0, ...[...plan.create, ...plan.delete, ...plan.replace].map((e) => e.name.length));
  const { c } = out;
  return {
    onProgress(event) {
      if (event.status === 'queued') return;
      const text = describe(event);
      const styled = event.status === 'failed' ? c.red(text) : event.status === 'ready' || event.status === 'deleted' ? c.green(text) : text;
      out.line(`  ${event.name.padEnd(width)}  ${c.dim(event.action.padEnd(7))}  ${styled}`);
    },
    finish: async () => {},
  };
}

/** The parts of a listr2 task this view sets. */
interface TaskHandle {
  title: string | undefined;
  output: string | undefined;
}

interface Row {
  title: string;
  action: ApplyProgressEvent['action'];
  task?: TaskHandle;
  last?: ApplyProgressEvent;
  settle?: (failure: Error | null) => void;
  /** Set once the host is done: `null` fine, an Error failed. */
  outcome?: Error | null;
}

function listrProgress(out: Output, plan: Plan): ProgressView {
  const rows = new Map<string, Row>();
  const keyOf = (action: string, name: string, instanceId?: string) => (action === 'delete' ? `delete:${instanceId}` : `${action}:${name}`);
  for (const e of plan.create) rows.set(keyOf('create', e.name), { title: `create ${e.name}`, action: 'create' });
  for (const e of plan.replace) rows.set(keyOf('replace', e.name), { title: `replace ${e.name}`, action: 'replace' });
  for (const e of plan.delete) rows.set(keyOf('delete', e.name, e.instanceId), { title: `delete ${e.name}`, action: 'delete' });

  const done = (row: Row, outcome: Error | null) => {
    if (row.outcome !== undefined) return;
    row.outcome = outcome;
    row.settle?.(outcome);
  };
  const show = (row: Row) => {
    if (!row.last) return;
    const text = out.redact(describe(row.last));
    if (row.task) row.task.output = text;
    if (FINAL[row.action].includes(row.last.status)) {
      if (row.task) row.task.title = `${row.title}: ${text}`;
      done(row, row.last.status === 'failed' ? new Error(text) : null);
    }
  };

  const list = new Listr<unknown, 'default', 'simple'>(
    [...rows.values()].map((row) => ({
      title: row.title,
      task: (_ctx, task) =>
        new Promise<void>((resolve, reject) => {
          row.task = task;
          row.settle = (failure) => (failure ? reject(failure) : resolve());
          if (row.last) task.output = out.redact(describe(row.last));
          if (row.outcome !== undefined) row.settle(row.outcome);
        }),
    })),
    {
      concurrent: true,
      exitOnError: false,
      collectErrors: false,
      registerSignalListeners: false,
      rendererOptions: { collapseErrors: false, showErrorMessage: false },
    },
  );
  const running = list.run().catch(() => {});

  return {
    onProgress(event) {
      // Core names a delete's instance in every event of it: a host may have a delete and a replace.
      const row = rows.get(keyOf(event.action, event.name, event.instanceId));
      if (!row) return;
      row.last = event;
      show(row);
    },
    async finish() {
      for (const row of rows.values()) done(row, new Error('not done'));
      await running;
    },
  };
}
