import { describe, expect, it, vi } from 'vitest';
import { NetworkError, NotFoundError, type StagelyEvent } from '../src/index.js';
import { bestEffort } from '../src/provider.js';

describe('bestEffort', () => {
  it('retries with its own budget and resolves with the value', async () => {
    const work = vi.fn<() => Promise<string>>().mockRejectedValueOnce(new NetworkError('reset')).mockResolvedValueOnce('removed');
    await expect(bestEffort(work, { provider: 'acme', what: 'removing server 1', retry: { baseDelayMs: 0 } })).resolves.toEqual({ ok: true, value: 'removed' });
    expect(work).toHaveBeenCalledTimes(2);
  });

  it('never throws: a failure becomes a warning event and an ok: false result', async () => {
    const events: StagelyEvent[] = [];
    const failure = new NotFoundError('gone');
    const result = await bestEffort(() => Promise.reject(failure), { provider: 'acme', what: 'removing server 1', instanceId: '1', events: (e) => events.push(e) });
    expect(result).toEqual({ ok: false, error: failure });
    expect(events).toEqual([{ type: 'warning', provider: 'acme', instanceId: '1', message: 'Cleanup did not complete (removing server 1): gone' }]);
  });

  it('repeats only the class name of an error that is not a StagelyError (its message may hold request details)', async () => {
    const events: StagelyEvent[] = [];
    await bestEffort(() => Promise.reject(new TypeError('Bearer secret')), { provider: 'acme', what: 'x', events: (e) => events.push(e) });
    expect(JSON.stringify(events)).not.toContain('secret');
    expect(JSON.stringify(events)).toContain('TypeError');
  });
});
