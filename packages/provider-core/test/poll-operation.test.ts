import { describe, expect, it, vi } from 'vitest';
import { ApiError, NetworkError, TimeoutError } from '../src/index.js';
import { pollOperation } from '../src/provider.js';
import { flush, manualScheduler } from './helpers/manual-scheduler.js';

describe('pollOperation', () => {
  it('looks at once, then every intervalMs, until the look gives a result', async () => {
    const scheduler = manualScheduler();
    const states = ['running', 'running', 'success'];
    const look = vi.fn(async () => {
      const state = states.shift();
      return state === 'success' ? 'done' : undefined;
    });
    const result = scheduler.drive(pollOperation(look, { provider: 'acme', operation: 'create_image', what: 'Snapshot', intervalMs: 500, scheduler }));
    await expect(result).resolves.toBe('done');
    expect(look).toHaveBeenCalledTimes(3);
    expect(scheduler.sleeps).toEqual([500, 500]);
  });

  it('retries a failed look with core retry and rethrows a failure the look reports', async () => {
    const scheduler = manualScheduler();
    const look = vi
      .fn<() => Promise<string | undefined>>()
      .mockRejectedValueOnce(new NetworkError('reset'))
      .mockRejectedValueOnce(new ApiError('action failed', undefined));
    await expect(scheduler.drive(pollOperation(look, { provider: 'acme', operation: 'delete_server', what: 'Deleting', scheduler, retry: { baseDelayMs: 1 } }))).rejects.toMatchObject({
      code: 'API',
      message: 'action failed',
    });
    expect(look).toHaveBeenCalledTimes(2);
  });

  it('ends in a TimeoutError naming the operation and what was waited for', async () => {
    const scheduler = manualScheduler();
    const error = await scheduler
      .drive(pollOperation(async () => undefined, { provider: 'acme', operation: 'create_image', what: 'Snapshot of server 42', intervalMs: 1000, timeoutMs: 5000, scheduler, details: { actionId: 9 } }))
      .catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ operation: 'create_image', provider: 'acme', details: { actionId: 9, operation: 'create_image' } });
    expect((error as Error).message).toContain('Snapshot of server 42');
  });

  it('is abortable while it sleeps', async () => {
    const scheduler = manualScheduler();
    const controller = new AbortController();
    const wait = pollOperation(async () => undefined, { provider: 'acme', operation: 'x', what: 'x', signal: controller.signal, scheduler });
    await flush();
    expect(scheduler.pending()).toBe(1);
    controller.abort();
    await expect(wait).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
