/**
 * `provisionInstance`: create, wait until ready, and on any failure, timeout or abort terminate
 * what was created (unless `keepOnFailure`). No instance may leak.
 */
import type { CloudProvider, Instance, InstanceSpec } from '../contract/contract.js';
import { isStagelyError } from '../contract/errors.js';
import { withRetry } from './retry.js';

export interface ProvisionOptions {
  signal?: AbortSignal;
  /** Readiness limit; default 300 s. */
  timeoutMs?: number;
  /** Leave a created instance running when waiting fails (for debugging). */
  keepOnFailure?: boolean;
  /** Hears of the instance once the cloud accepted it, before the wait (e.g. to report progress). */
  onCreated?: (instance: Instance) => void;
  /**
   * Runs each change (the create, a cleanup's terminate) in a slot of the caller's limit; the wait in
   * between takes none (apply bounds changes in flight, not waits). Default: at once.
   */
  mutation?: <T>(change: () => Promise<T>) => Promise<T>;
}

const atOnce = <T>(change: () => Promise<T>): Promise<T> => change();

export async function provisionInstance(
  provider: CloudProvider,
  spec: InstanceSpec,
  options: ProvisionOptions = {},
): Promise<Instance> {
  const op = options.signal ? { signal: options.signal } : {};
  const mutation = options.mutation ?? atOnce;
  const created = await mutation(() => provider.createInstance(spec, op));
  try {
    options.onCreated?.(created);
    return await provider.waitUntilReady(created.id, {
      ...op,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  } catch (error) {
    if (options.keepOnFailure) {
      annotate(error, { instanceId: created.id, terminated: false, kept: true });
      throw error;
    }
    // The caller's signal may be what failed us: cleanup runs without it, bounded by retries.
    try {
      await withRetry(() => mutation(() => provider.terminateInstance(created.id)), {
        maxAttempts: 5,
        provider: provider.name,
        operation: 'terminateInstance',
      });
      annotate(error, { instanceId: created.id, terminated: true });
    } catch (cleanupError) {
      annotate(error, { instanceId: created.id, terminated: false, cleanupError: describe(cleanupError) });
    }
    throw error;
  }
}

/** Says where the instance went, so a caller can find one that was kept or could not be removed. */
function annotate(error: unknown, cleanup: Record<string, unknown>): void {
  if (isStagelyError(error)) error.details.cleanup = cleanup;
}

// Mapped errors are safe to repeat; of anything else only the class name, since a raw SDK error's
// message or fields may carry request details.
function describe(error: unknown): { code: string; message?: string; name?: string } {
  if (isStagelyError(error)) return { code: error.code, message: error.message };
  return { code: 'UNEXPECTED', ...(error instanceof Error ? { name: error.name } : {}) };
}
