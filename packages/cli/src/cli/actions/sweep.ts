/** What `sweep` does (its options: ../commands/sweep.ts): lists, or with --yes terminates, tagged instances. */
import type { Instance } from '@stagely/provider-core';
import pLimit from 'p-limit';
import { ExitCode, usageError, type ExitCodeValue } from '../exit-codes.js';
import { renderInstanceTable, sortByName } from '../render/instances.js';
import { errorJson } from '../runner.js';
import type { Session } from '../session.js';


interface SweepFlags {
  tag?: Record<string, string>;
  all?: boolean;
  yes?: boolean;
  concurrency?: number;
}

export async function sweepCommand(session: Session, flags: SweepFlags): Promise<ExitCodeValue> {
  const tags = flags.tag ?? {};
  if (Object.keys(tags).length === 0 && !flags.all) throw usageError('Give at least one --tag key=value, or --all to sweep every managed instance');
  const out = session.output;
  const { provider } = await session.provider();
  const found = sortByName(await provider.listInstances(flags.all ? {} : { tags }, { signal: session.signal }));

  if (!flags.yes) {
    out.result({ dryRun: true, instances: found, terminated: [], failed: [] });
    renderInstanceTable(out, found);
    if (found.length > 0) out.line(out.c.yellow(`Dry run: ${found.length} instance(s) would be terminated. Re-run with --yes to terminate them.`));
    return ExitCode.OK;
  }

  const terminated: string[] = [];
  const failed: { id: string; name: string; code: string; message: string }[] = [];
  const limit = pLimit(flags.concurrency ?? 4);
  const sweepOne = async (instance: Instance) => {
    try {
      await provider.terminateInstance(instance.id, { signal: session.signal });
      terminated.push(instance.id);
      out.line(`${out.c.red('terminated')} ${instance.name} ${out.c.dim(instance.id)}`);
    } catch (error) {
      const { code, message } = errorJson(error);
      failed.push({ id: instance.id, name: instance.name, code, message });
      out.line(`${out.c.red('failed')}     ${instance.name} ${out.c.dim(instance.id)}: ${code}: ${message}`);
    }
  };
  await Promise.all(found.map((instance) => limit(() => sweepOne(instance))));
  terminated.sort();
  out.result({ dryRun: false, instances: found, terminated, failed });
  out.line(`Swept ${terminated.length} of ${found.length} instance(s)${failed.length ? `; ${failed.length} failed` : ''}.`);
  if (session.signal.aborted) return ExitCode.INTERRUPTED;
  if (failed.length === 0) return ExitCode.OK;
  return terminated.length > 0 ? ExitCode.PARTIAL : ExitCode.FAILURE;
}
