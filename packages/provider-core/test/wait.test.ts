import { describe, expect, it, vi } from 'vitest';
import {
  AbortedError,
  ApiError,
  InvalidInputError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  TimeoutError,
  type Instance,
  type Op,
  type StagelyEvent,
} from '../src/index.js';
import { abortedError, backoffSchedule, fixedSchedule, pollUntilReady } from '../src/provider.js';
import { testInstance } from './helpers/instance.js';
import { manualScheduler } from './helpers/manual-scheduler.js';

function instance(state: Instance['state'], publicIp: string | null = null, providerState: string = state): Instance {
  return testInstance({ state, providerState, publicIp });
}

const READY = instance('running', '203.0.113.9');

/** A getInstance that answers with `script` in turn (an Error is thrown), repeating the last. */
function scripted(...script: (Instance | null | Error)[]) {
  return vi.fn(async (_id: string, _o?: Op) => {
    const next = script.length > 1 ? script.shift()! : script[0]!;
    if (next instanceof Error) throw next;
    return next;
  });
}

/** Never answers; rejects with AbortedError when its signal aborts, as a provider's call does. */
function hanging() {
  return vi.fn(
    (_id: string, o?: Op) =>
      new Promise<Instance>((_resolve, reject) => {
        o?.signal?.addEventListener('abort', () => reject(abortedError(o.signal)), { once: true });
      }),
  );
}

const fast = () => 1;

describe('backoffSchedule', () => {
  it('looks first at 2 s (never at once), then after 4.5 s, growing to 5 s: its n-th look never before fixed 5 s polling\'s', () => {
    const schedule = backoffSchedule();
    expect(schedule(0, 0)).toBe(2000);
    expect(schedule(1, 2000)).toBe(4500);
    expect(schedule(2, 6500)).toBeCloseTo(4635);
    expect(schedule(5, 20_000)).toBe(5000);
    let at = 0;
    for (let n = 0; n < 40; n++) {
      at += schedule(n, at);
      expect(at).toBeGreaterThanOrEqual(n * 5000);
    }
  });

  it('never looks more than 5 s apart, so readiness is never seen more than 5 s late', () => {
    const schedule = backoffSchedule();
    expect(schedule(12, 60_000)).toBe(5000);
    expect(schedule(30, 250_000)).toBe(5000);
  });

  it('stretches long waits to a share of the time waited when allowed to', () => {
    const schedule = backoffSchedule({ growth: 1, maxIntervalMs: 15_000 });
    expect(schedule(12, 60_000)).toBe(6000);
    expect(schedule(20, 120_000)).toBe(12_000);
    expect(schedule(30, 250_000)).toBe(15_000);
  });

  it('looks again soon once the instance runs without a public IP', () => {
    const schedule = backoffSchedule();
    expect(schedule(3, 10_000, instance('running'))).toBe(1000);
    expect(schedule(1, 2000, instance('pending'))).toBe(4500);
    expect(schedule(1, 2000, null)).toBe(4500);
  });

  it('takes overrides, growth included, and refuses nonsense naming the field', () => {
    const schedule = backoffSchedule({ firstMs: 10, intervalMs: 100, growth: 2, maxIntervalMs: 350, relativeInterval: 0 });
    expect([0, 1, 2, 3, 4].map((n) => schedule(n, 0))).toEqual([10, 100, 200, 350, 350]);
    expect(() => backoffSchedule({ growth: 0.5 })).toThrow(InvalidInputError);
    let caught: unknown;
    try {
      backoffSchedule({ firstMs: Number.NaN });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'INVALID_INPUT', field: 'schedule.firstMs' });
  });
});

describe('fixedSchedule', () => {
  it('calls at once, then every interval', () => {
    const schedule = fixedSchedule(5000);
    expect([0, 1, 2].map((n) => schedule(n, n * 5000))).toEqual([0, 5000, 5000]);
  });
});

describe('pollUntilReady', () => {
  it('polls until running with a public IP, reporting each new state once', async () => {
    const getInstance = scripted(
      instance('pending', null, 'initializing'),
      instance('pending', null, 'initializing'),
      instance('running', null, 'running'),
      READY,
    );
    const events: StagelyEvent[] = [];
    const polled: (Instance | null)[] = [];
    const seenBySchedule: unknown[] = [];
    const result = await pollUntilReady(getInstance, 'i-1', {
      provider: 'test',
      schedule: (calls, _elapsed, last) => {
        seenBySchedule.push(last?.providerState);
        return 1;
      },
      events: (e) => events.push(e),
      onPoll: (i) => polled.push(i),
    });
    expect(result).toEqual(READY);
    expect(getInstance).toHaveBeenCalledTimes(4);
    expect(getInstance.mock.calls[0]?.[0]).toBe('i-1');
    expect(polled).toHaveLength(4);
    expect(seenBySchedule).toEqual([undefined, 'initializing', 'initializing', 'running']);
    expect(events).toEqual([
      { type: 'state', provider: 'test', instanceId: 'i-1', state: 'pending', providerState: 'initializing' },
      { type: 'state', provider: 'test', instanceId: 'i-1', state: 'running', providerState: 'running' },
    ]);
  });

  it('treats retryable errors as "not yet" and rethrows others at once', async () => {
    const flaky = scripted(new NetworkError('reset'), new ApiError('bad gateway', 502), READY);
    await expect(pollUntilReady(flaky, 'i-1', { provider: 'test', schedule: fast })).resolves.toEqual(READY);
    expect(flaky).toHaveBeenCalledTimes(3);

    const refused = new ApiError('bad request', 400);
    const broken = scripted(refused, READY);
    await expect(pollUntilReady(broken, 'i-1', { provider: 'test', schedule: fast })).rejects.toBe(refused);
    expect(broken).toHaveBeenCalledTimes(1);
  });

  it('waits out a rate limit’s retryAfterMs before the next call, whatever the schedule says', async () => {
    const scheduler = manualScheduler();
    const getInstance = scripted(new RateLimitError('slow down', { retryAfterMs: 3000 }), READY);
    const outcome = pollUntilReady(getInstance, 'i-1', { provider: 'test', schedule: () => 10, scheduler });
    await scheduler.advance(10);
    expect(getInstance).toHaveBeenCalledTimes(1);
    await scheduler.advance(2999);
    expect(getInstance).toHaveBeenCalledTimes(1);
    await scheduler.advance(1);
    expect(getInstance).toHaveBeenCalledTimes(2);
    await expect(outcome).resolves.toEqual(READY);
  });

  it('fails with NotFoundError when the instance disappears or is terminating or terminated', async () => {
    for (const gone of [null, instance('terminating'), instance('terminated')]) {
      const error = await pollUntilReady(scripted(instance('pending'), gone), 'i-1', { provider: 'test', schedule: fast }).catch(
        (e: unknown) => e,
      );
      expect(NotFoundError.isInstance(error)).toBe(true);
      expect((error as NotFoundError).details).toEqual({ instanceId: 'i-1' });
    }
  });

  it('times out with TimeoutError naming the instance and its last state', async () => {
    // Driven by a manual scheduler: the number of status calls does not depend on the machine's speed.
    const scheduler = manualScheduler();
    const getInstance = scripted(instance('pending', null, 'initializing'));
    const error = await scheduler
      .drive(pollUntilReady(getInstance, 'i-1', { provider: 'test', schedule: () => 5, timeoutMs: 40, scheduler }))
      .catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as TimeoutError).details).toMatchObject({ operation: 'waitUntilReady', instanceId: 'i-1', lastState: 'initializing', elapsedMs: 40 });
    // Looks at 5, 10, ..., 35 ms; at 40 ms the deadline ends the wait (a look then could not help it).
    expect(getInstance).toHaveBeenCalledTimes(7);
  });

  it('times out even when a status call hangs at the deadline, by aborting that call', async () => {
    const scheduler = manualScheduler();
    const getInstance = hanging();
    const error = await scheduler.drive(pollUntilReady(getInstance, 'i-1', { provider: 'test', schedule: fast, timeoutMs: 30, scheduler })).catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(getInstance).toHaveBeenCalledTimes(1);
    expect(getInstance.mock.calls[0]?.[1]?.signal?.aborted).toBe(true);
  });

  describe('right after a create (eventual consistency)', () => {
    it('a "not found" within notFoundGraceMs is "not yet": it waits on, and succeeds once the instance shows', async () => {
      const scheduler = manualScheduler();
      const createdAt = scheduler.now();
      // Not found for the first 3 s, then booting, then ready.
      const getInstance = vi.fn(async () => {
        const age = scheduler.now() - createdAt;
        return age < 3000 ? null : age < 6000 ? instance('pending') : READY;
      });
      const result = await scheduler.drive(pollUntilReady(getInstance, 'i-1', { provider: 'test', schedule: () => 1000, notFoundGraceMs: 5000, scheduler }));
      expect(result).toEqual(READY);
      const answers = await Promise.all(getInstance.mock.results.map((r) => r.value as Promise<Instance | null>));
      expect(answers.filter((a) => a === null)).toHaveLength(2);
    });

    it('defaults to a grace long enough for EC2 (60 s)', async () => {
      const scheduler = manualScheduler();
      const start = scheduler.now();
      const getInstance = vi.fn(async () => (scheduler.now() - start < 50_000 ? null : READY));
      await expect(scheduler.drive(pollUntilReady(getInstance, 'i-1', { provider: 'test', schedule: () => 5000, scheduler }))).resolves.toEqual(READY);
    });

    it('past the grace, still not found is a NotFoundError', async () => {
      const scheduler = manualScheduler();
      const error = await scheduler
        .drive(pollUntilReady(scripted(null), 'i-1', { provider: 'test', schedule: () => 1000, notFoundGraceMs: 3000, scheduler }))
        .catch((e: unknown) => e);
      expect(NotFoundError.isInstance(error)).toBe(true);
      expect(scheduler.now() - 1_700_000_000_000).toBe(3000);
    });

    it('an instance seen once and then not found is gone at once, grace or not', async () => {
      const scheduler = manualScheduler();
      const getInstance = scripted(instance('pending'), null);
      const error = await scheduler.drive(pollUntilReady(getInstance, 'i-1', { provider: 'test', schedule: () => 1000, scheduler })).catch((e: unknown) => e);
      expect(NotFoundError.isInstance(error)).toBe(true);
      expect(getInstance).toHaveBeenCalledTimes(2);
    });

    it('refuses a negative notFoundGraceMs, naming it', async () => {
      await expect(pollUntilReady(scripted(READY), 'i-1', { provider: 'test', notFoundGraceMs: -1 })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'notFoundGraceMs' });
    });
  });

  it('rejects with AbortedError when the caller aborts while sleeping or while a call is in flight', async () => {
    const sleeping = new AbortController();
    const waiting = pollUntilReady(scripted(instance('pending')), 'i-1', {
      provider: 'test',
      schedule: (calls) => (calls === 0 ? 0 : 60_000),
      signal: sleeping.signal,
      onPoll: () => queueMicrotask(() => sleeping.abort()),
    });
    await expect(waiting).rejects.toSatisfy((e) => AbortedError.isInstance(e));

    const calling = new AbortController();
    const getInstance = hanging();
    const inFlight = pollUntilReady(getInstance, 'i-1', { provider: 'test', schedule: () => 0, signal: calling.signal });
    await vi.waitFor(() => expect(getInstance).toHaveBeenCalled());
    calling.abort();
    await expect(inFlight).rejects.toSatisfy((e) => AbortedError.isInstance(e) && !TimeoutError.isInstance(e));

    const before = scripted(READY);
    await expect(pollUntilReady(before, 'i-1', { provider: 'test', signal: AbortSignal.abort(), schedule: fast })).rejects.toBeInstanceOf(
      AbortedError,
    );
    expect(before).not.toHaveBeenCalled();
  });

  it('refuses a negative, non-numeric or longer-than-a-timer timeoutMs, naming it', async () => {
    for (const timeoutMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      await expect(pollUntilReady(scripted(READY), 'i-1', { provider: 'test', timeoutMs })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        field: 'timeoutMs',
      });
    }
  });
});
