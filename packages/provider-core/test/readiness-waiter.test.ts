import { describe, expect, it, vi } from 'vitest';
import { ApiError, NetworkError, NotFoundError, TimeoutError, type Instance, type Op } from '../src/index.js';
import {
  abortedError,
  createReadinessWaiter,
  learnedPlan,
  memoryBootHistory,
  type ProbeAnswer,
  type ReadinessSource,
} from '../src/provider.js';
import { testInstance } from './helpers/instance.js';
import { manualScheduler, type ManualScheduler } from './helpers/manual-scheduler.js';

function instance(id: string, state: Instance['state'], publicIp: string | null = null): Instance {
  return testInstance({ id, name: id, state, providerState: state, publicIp });
}

/** A cloud in virtual time: each instance is ready `bootMs` after it was made; every call is logged. */
function cloud(scheduler: ManualScheduler) {
  const readyAt = new Map<string, number>();
  const calls: Array<{ kind: 'probe' | 'probeMany'; ids: string[]; at: number }> = [];
  const view = (id: string): Instance | null => {
    const at = readyAt.get(id);
    if (at === undefined) return null;
    return scheduler.now() >= at ? instance(id, 'running', '203.0.113.1') : instance(id, 'pending');
  };
  const source: ReadinessSource = {
    probe: vi.fn(async (id: string) => {
      calls.push({ kind: 'probe', ids: [id], at: scheduler.now() });
      return view(id);
    }),
    probeMany: vi.fn(async (ids: readonly string[]) => {
      calls.push({ kind: 'probeMany', ids: [...ids], at: scheduler.now() });
      const found = new Map<string, ProbeAnswer>();
      for (const id of ids) {
        const seen = view(id);
        if (seen) found.set(id, seen);
      }
      return found;
    }),
  };
  return {
    source,
    calls,
    make(id: string, bootMs: number): Instance {
      readyAt.set(id, scheduler.now() + bootMs);
      return instance(id, 'pending');
    },
  };
}

describe('createReadinessWaiter', () => {
  it('serves overlapping waits with one list call per round, each wait getting its own instance', async () => {
    const scheduler = manualScheduler();
    const fake = cloud(scheduler);
    const waiter = createReadinessWaiter({ provider: 'test', source: fake.source, scheduler, history: false });
    const ids = Array.from({ length: 30 }, (_, i) => `i-${i}`);
    const bootOf = (i: number) => 10_000 + i * 1000;
    const seenAfterBoot: number[] = [];
    const start = scheduler.now();
    const waits = ids.map((id, i) => {
      waiter.created(fake.make(id, bootOf(i)));
      return waiter.wait(id).then((ready) => {
        seenAfterBoot[i] = scheduler.now() - start - bootOf(i);
        return ready;
      });
    });
    const ready = await scheduler.drive(Promise.all(waits));
    expect(ready.map((r) => r.id)).toEqual(ids);
    // Never more calls than polling each of them every 5 s on its own would make.
    const fixedPolling = ids.reduce((sum, _, i) => sum + Math.ceil(bootOf(i) / 5000), 0);
    expect(fake.calls.length).toBeLessThanOrEqual(fixedPolling / 3);
    // A single probe only once one wait is left.
    expect(fake.calls.filter((c) => c.kind === 'probe').length).toBeLessThanOrEqual(1);
    // Rounds never come closer than the batch interval.
    const gaps = fake.calls.slice(1).map((c, i) => c.at - fake.calls[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
    // While n >= 6 waits share the rounds, each is seen within a round (1 s) of its boot's end; with
    // fewer, within the 5 s / (n - 1) that fixed polling of n - 1 hosts would pay for.
    seenAfterBoot.forEach((late, i) => {
      const sharing = ids.length - i;
      expect(late).toBeLessThanOrEqual(sharing <= 2 ? 5000 : Math.max(1000, 5000 / (sharing - 1)));
    });
  });

  it('keeps its own schedule for a wait that shares rounds with too few others to pay for them', async () => {
    const scheduler = manualScheduler();
    const fake = cloud(scheduler);
    const waiter = createReadinessWaiter({ provider: 'test', source: fake.source, scheduler, history: false });
    for (const id of ['a', 'b']) waiter.created(fake.make(id, 60_000));
    await scheduler.drive(Promise.all([waiter.wait('a'), waiter.wait('b')]));
    // Two waits look on their own schedule (2 s, then 4.5 s and more), in shared rounds.
    const gaps = fake.calls.slice(1).map((c, i) => c.at - fake.calls[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(4500);
    expect(fake.calls.length).toBeLessThanOrEqual(Math.ceil(60_000 / 5000) + 1);
  });

  it('pays a round by its pages: ids per call the source answers', async () => {
    const scheduler = manualScheduler();
    const fake = cloud(scheduler);
    const waiter = createReadinessWaiter({
      provider: 'test',
      source: { ...fake.source, probeManyIdsPerCall: 2 },
      scheduler,
      history: false,
    });
    const ids = Array.from({ length: 8 }, (_, i) => `p-${i}`);
    for (const id of ids) waiter.created(fake.make(id, 30_000));
    await scheduler.drive(Promise.all(ids.map((id) => waiter.wait(id))));
    // Eight waits, four requests a round: a round every 5 s * 4 / 7, not every second.
    const gaps = fake.calls.slice(1).map((c, i) => c.at - fake.calls[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(20_000 / 7 - 1);
  });

  it('uses the single probe for a lone wait, on the schedule without history', async () => {
    const scheduler = manualScheduler();
    const fake = cloud(scheduler);
    const waiter = createReadinessWaiter({ provider: 'test', source: fake.source, scheduler, history: false });
    waiter.created(fake.make('i-1', 7000));
    await scheduler.drive(waiter.wait('i-1'));
    expect(fake.calls.map((c) => [c.kind, c.at - fake.calls[0]!.at + 2000])).toEqual([
      ['probe', 2000],
      ['probe', 6500],
      ['probe', 11_135],
    ]);
  });

  it('moves the next look to when a progress hint says the boot ends, and within 1 s on "nearly ready"', async () => {
    const scheduler = manualScheduler();
    const start = scheduler.now();
    const answers: ProbeAnswer[] = [
      { instance: instance('i-1', 'pending'), hint: { progress: 0.1 } }, // at 2 s: 10%, so done at about 20 s
      { instance: instance('i-1', 'pending'), hint: { nearlyReady: true } },
      instance('i-1', 'running', '203.0.113.1'),
    ];
    const at: number[] = [];
    const source: ReadinessSource = {
      probe: async () => {
        at.push(scheduler.now() - start);
        return answers.shift()!;
      },
    };
    const waiter = createReadinessWaiter({ provider: 'test', source, scheduler, history: false });
    waiter.created(instance('i-1', 'pending'));
    await scheduler.drive(waiter.wait('i-1'));
    // The hint's 18 s away is looked at in 4 even steps of 4.5 s (none more than 5 s); then 1 s after "nearly ready".
    expect(at).toEqual([2000, 6500, 7500]);
  });

  it('ends the wait at once on a failure the probe reports', async () => {
    const scheduler = manualScheduler();
    const failure = new ApiError('The create action failed: out of capacity', 400, { provider: 'test' });
    const source: ReadinessSource = { probe: async () => ({ instance: instance('i-1', 'pending'), failure }) };
    const waiter = createReadinessWaiter({ provider: 'test', source, scheduler, history: false });
    const started = scheduler.now();
    await expect(scheduler.drive(waiter.wait('i-1'))).rejects.toBe(failure);
    expect(scheduler.now() - started).toBe(2000);
  });

  it('learns boot times per provider, type and region, and places the first looks by them', async () => {
    const scheduler = manualScheduler();
    const fake = cloud(scheduler);
    const history = memoryBootHistory();
    const first = createReadinessWaiter({ provider: 'test', source: fake.source, scheduler, history });
    for (const [i, boot] of [30_000, 31_000, 32_000, 33_000, 34_000].entries()) {
      first.created(fake.make(`old-${i}`, boot));
      await scheduler.drive(first.wait(`old-${i}`));
    }
    const samples = history.samples('test/t1/r1');
    expect(samples).toHaveLength(5);
    // Each is within one look of the true boot time.
    for (const [i, sample] of samples.entries()) expect(Math.abs(sample - (30_000 + i * 1000))).toBeLessThanOrEqual(2500);

    const plan = learnedPlan(samples)!;
    fake.calls.length = 0;
    const second = createReadinessWaiter({ provider: 'test', source: fake.source, scheduler, history });
    const made = scheduler.now();
    second.created(fake.make('new', 32_000));
    await scheduler.drive(second.wait('new'));
    expect(fake.calls.map((c) => c.at - made)).toEqual(plan.slice(0, fake.calls.length));
    // Looks cluster where boots ended: the one that found it came soon after the boot.
    expect(fake.calls.at(-1)!.at - made - 32_000).toBeLessThan(2500);
  });

  it('records nothing for an instance it did not see created (its boot time is unknown)', async () => {
    const scheduler = manualScheduler();
    const fake = cloud(scheduler);
    const history = memoryBootHistory();
    const waiter = createReadinessWaiter({ provider: 'test', source: fake.source, scheduler, history });
    fake.make('i-1', 5000);
    await scheduler.drive(waiter.wait('i-1'));
    expect(history.samples('test/t1/r1')).toEqual([]);
  });

  it('treats a retryable batch failure as "not yet" for every wait in it, and a final one as the end of each', async () => {
    const scheduler = manualScheduler();
    const fake = cloud(scheduler);
    const probeMany = fake.source.probeMany!;
    let fail: Error | undefined = new NetworkError('connection reset', { provider: 'test' });
    const source: ReadinessSource = {
      probe: fake.source.probe,
      probeMany: async (ids, op) => {
        if (fail) throw fail;
        return probeMany(ids, op);
      },
    };
    const waiter = createReadinessWaiter({ provider: 'test', source, scheduler, history: false });
    waiter.created(fake.make('a', 3000));
    waiter.created(fake.make('b', 3000));
    const both = Promise.all([waiter.wait('a'), waiter.wait('b')]);
    await scheduler.advance(2500);
    fail = undefined;
    expect((await scheduler.drive(both)).map((i) => i.id)).toEqual(['a', 'b']);

    const refused = new ApiError('forbidden', 403, { provider: 'test' });
    fail = refused;
    waiter.created(fake.make('c', 3000));
    waiter.created(fake.make('d', 3000));
    const outcomes = await scheduler.drive(Promise.allSettled([waiter.wait('c'), waiter.wait('d')]));
    expect(outcomes.map((o) => (o.status === 'rejected' ? o.reason : o.value))).toEqual([refused, refused]);
  });

  it('keeps each wait its own deadline, abort and not-found rule', async () => {
    const scheduler = manualScheduler();
    const fake = cloud(scheduler);
    const waiter = createReadinessWaiter({ provider: 'test', source: fake.source, scheduler, history: false, notFoundGraceMs: 10_000 });
    waiter.created(fake.make('slow', 60_000));
    waiter.created(fake.make('fast', 5000));
    const controller = new AbortController();
    waiter.created(fake.make('aborted', 60_000));
    const outcomes = Promise.allSettled([
      waiter.wait('slow', { timeoutMs: 20_000 }),
      waiter.wait('fast'),
      waiter.wait('aborted', { signal: controller.signal }),
      waiter.wait('never-made'),
    ]);
    await scheduler.advance(3000);
    controller.abort();
    const [slow, fast, aborted, missing] = await scheduler.drive(outcomes);
    expect(slow.status === 'rejected' && TimeoutError.isInstance(slow.reason)).toBe(true);
    expect(fast.status === 'fulfilled' && fast.value.id).toBe('fast');
    expect(aborted.status === 'rejected' && aborted.reason).toMatchObject({ code: 'ABORTED' });
    expect(missing.status === 'rejected' && NotFoundError.isInstance(missing.reason)).toBe(true);
  });

  it('cuts off a status call nobody waits for any more', async () => {
    const scheduler = manualScheduler();
    let signal: AbortSignal | undefined;
    const source: ReadinessSource = {
      probe: (_id: string, op: Op) =>
        new Promise<Instance>((_resolve, reject) => {
          signal = op.signal;
          op.signal?.addEventListener('abort', () => reject(abortedError(op.signal)), { once: true });
        }),
    };
    const waiter = createReadinessWaiter({ provider: 'test', source, scheduler, history: false });
    const controller = new AbortController();
    const waiting = waiter.wait('i-1', { signal: controller.signal });
    await scheduler.advance(2000);
    expect(signal?.aborted).toBe(false);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    expect(signal?.aborted).toBe(true);
  });
});

describe('learnedPlan', () => {
  it('looks first where short boots end, not a whole interval later', () => {
    expect(learnedPlan(Array(30).fill(518))![0]).toBeLessThan(1000);
    expect(learnedPlan(Array(10).fill(2000))![0]).toBeLessThan(2500);
  });

  it('needs a few boots, and spends no more calls on them than fixed 5 s polling, never more than 5 s apart', () => {
    expect(learnedPlan([10_000, 11_000])).toBeNull();
    const boots = Array.from({ length: 50 }, (_, i) => 30_000 + ((i * 7919) % 20_000));
    const plan = learnedPlan(boots)!;
    const gaps = plan.map((at, i) => at - (plan[i - 1] ?? 0));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5000);
    const callsFor = (boot: number) => plan.findIndex((at) => at >= boot) + 1;
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(boots.map(callsFor))).toBeLessThanOrEqual(mean(boots.map((b) => 1 + Math.ceil(b / 5000))));
    // Denser where the boots are than before them.
    const inside = plan.filter((at) => at >= 30_000 && at <= 50_000).length;
    const before = plan.filter((at) => at < 20_000).length;
    expect(inside / 20).toBeGreaterThan(before / 20);
  });
});
