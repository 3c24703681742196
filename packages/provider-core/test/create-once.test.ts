/** createOnce: at most one thing made in effect, and nothing left behind that the error does not name. */
import { describe, expect, it, vi } from 'vitest';
import { AbortedError, ApiError, ConflictError, InvalidInputError, NetworkError, RateLimitError, StagelyError, type StagelyEvent } from '../src/index.js';
import { createOnce, type CreateOnceOptions } from '../src/provider.js';
import { flush, manualScheduler } from './helpers/manual-scheduler.js';

interface Thing {
  id: string;
  marker: string;
}

/** A backend that acts on creates; `script` says what each create answers after (or instead of) acting. */
function backend(...script: Array<'ok' | 'lost' | 'refused' | 'conflict' | 'busy'>) {
  const things = new Map<string, Thing>();
  let next = 1;
  const create = vi.fn(async (_signal: AbortSignal | undefined): Promise<Thing> => {
    const step = script.shift() ?? 'ok';
    if (step === 'refused') throw new InvalidInputError('size', 'no such size');
    if (step === 'conflict') throw new ConflictError('name taken');
    const thing = { id: String(next++), marker: 'm-1' };
    things.set(thing.id, thing);
    if (step === 'lost') throw new NetworkError('socket hang up');
    if (step === 'busy') throw new StagelyError('API', 'service_error', { retryable: true, details: { status: 422 } });
    return thing;
  });
  const find = vi.fn(async (_signal: AbortSignal | undefined) => [...things.values()].find((t) => t.marker === 'm-1') ?? null);
  const remove = vi.fn(async (thing: Thing) => void things.delete(thing.id));
  return { things, create, find, remove };
}

function options(b: ReturnType<typeof backend>, extra: Partial<CreateOnceOptions<Thing>> = {}) {
  const scheduler = manualScheduler();
  const events: StagelyEvent[] = [];
  const o: CreateOnceOptions<Thing> = {
    provider: 'acme',
    operation: 'things.create',
    strategy: 'find',
    create: b.create,
    find: b.find,
    remove: b.remove,
    idOf: (t) => t.id,
    marker: 'label request=m-1',
    retry: { maxAttempts: 4, baseDelayMs: 10 },
    cleanupRetry: { maxAttempts: 3, baseDelayMs: 10 },
    events: (e) => events.push(e),
    scheduler,
    ...extra,
  };
  return { o, scheduler, events };
}

describe('createOnce, find strategy', () => {
  it('creates once and never looks anything up when the first answer comes', async () => {
    const b = backend('ok');
    const { o, scheduler } = options(b);
    await expect(scheduler.drive(createOnce(o))).resolves.toEqual({ id: '1', marker: 'm-1' });
    expect(b.create).toHaveBeenCalledTimes(1);
    expect(b.find).not.toHaveBeenCalled();
  });

  it('after a lost answer, adopts what the first attempt made instead of making a second', async () => {
    const b = backend('lost');
    const { o, scheduler } = options(b);
    await expect(scheduler.drive(createOnce(o))).resolves.toEqual({ id: '1', marker: 'm-1' });
    expect(b.create).toHaveBeenCalledTimes(1);
    expect(b.things.size).toBe(1);
  });

  it('sends again when the look-up finds nothing (the attempt had not acted)', async () => {
    const b = backend('ok');
    b.create.mockImplementationOnce(async () => {
      throw new NetworkError('connect ECONNREFUSED');
    });
    const { o, scheduler } = options(b);
    await expect(scheduler.drive(createOnce(o))).resolves.toMatchObject({ id: '1' });
    expect(b.create).toHaveBeenCalledTimes(2);
    expect(b.find).toHaveBeenCalledTimes(1);
  });

  it('counts a retryable 4xx (a busy 422) as ambiguous: looks up before sending again', async () => {
    const b = backend('busy');
    const { o, scheduler } = options(b);
    await expect(scheduler.drive(createOnce(o))).resolves.toMatchObject({ id: '1' });
    expect(b.create).toHaveBeenCalledTimes(1);
    expect(b.things.size).toBe(1);
  });

  it('adopts on a name conflict after an ambiguous failure (the earlier attempt took the name)', async () => {
    const b = backend('lost', 'conflict');
    b.find.mockResolvedValueOnce(null);
    const { o, scheduler } = options(b);
    await expect(scheduler.drive(createOnce(o))).resolves.toMatchObject({ id: '1' });
    expect(b.things.size).toBe(1);
  });

  it('a non-ambiguous failure is not looked up, retried or cleaned up', async () => {
    const b = backend('refused');
    const { o, scheduler } = options(b);
    await expect(scheduler.drive(createOnce(o))).rejects.toSatisfy((e) => InvalidInputError.isInstance(e));
    expect(b.create).toHaveBeenCalledTimes(1);
    expect(b.find).not.toHaveBeenCalled();
    expect(b.remove).not.toHaveBeenCalled();
  });

  it('stays ambiguous whatever the last error: a lost answer then 429s on every look-up still removes what was made', async () => {
    const b = backend('lost');
    let lookups = 0;
    b.find.mockImplementation(async () => {
      // The call's look-ups are rate limited; the cleanup's (after them) get through.
      if (++lookups <= 3) throw new RateLimitError('slow down', { retryAfterMs: 100 });
      return [...b.things.values()][0] ?? null;
    });
    const { o, scheduler } = options(b);
    const error = await scheduler.drive(createOnce(o)).catch((e: unknown) => e);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(b.remove).toHaveBeenCalledTimes(1);
    expect(b.things.size).toBe(0);
    expect((error as StagelyError).details.leftBehind).toBeUndefined();
  });

  it('when the cleanup cannot find what was made, the error and a warning name the marker', async () => {
    const b = backend('lost');
    b.find.mockRejectedValue(new ApiError('bad gateway', 502));
    const { o, scheduler, events } = options(b);
    const error = (await scheduler.drive(createOnce(o)).catch((e: unknown) => e)) as StagelyError;
    expect(error.code).toBe('API');
    expect(error.details.leftBehind).toEqual(['label request=m-1']);
    expect(events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message)).toEqual([
      expect.stringContaining('left behind: label request=m-1'),
    ]);
  });

  it('when the cleanup finds it but cannot remove it, the error names its id', async () => {
    const b = backend('lost', 'lost', 'lost', 'lost');
    b.find.mockResolvedValueOnce(null).mockResolvedValueOnce(null).mockResolvedValueOnce(null);
    b.remove.mockRejectedValue(new NetworkError('reset'));
    const { o, scheduler, events } = options(b);
    const error = (await scheduler.drive(createOnce(o)).catch((e: unknown) => e)) as StagelyError;
    expect(error.code).toBe('NETWORK');
    expect(error.details.leftBehind).toEqual([expect.any(String)]);
    expect(b.things.has(error.details.leftBehind as unknown as string)).toBe(false);
    expect(b.things.has((error.details.leftBehind as string[])[0]!)).toBe(true);
    expect(events.some((e) => e.type === 'warning' && e.instanceId === (error.details.leftBehind as string[])[0])).toBe(true);
  });

  it('an abort while the create is in flight removes what it made, with a budget not bound to the aborted signal', async () => {
    const b = backend();
    const controller = new AbortController();
    let acted: () => void = () => undefined;
    const actedPromise = new Promise<void>((resolve) => (acted = resolve));
    b.create.mockImplementationOnce(
      (signal) =>
        new Promise<Thing>((_resolve, reject) => {
          b.things.set('7', { id: '7', marker: 'm-1' });
          acted();
          signal?.addEventListener('abort', () => reject(new AbortedError()), { once: true });
        }),
    );
    const { o, scheduler } = options(b, { signal: controller.signal });
    const call = createOnce(o);
    await actedPromise;
    controller.abort();
    await expect(scheduler.drive(call)).rejects.toSatisfy((e) => AbortedError.isInstance(e));
    expect(b.find).toHaveBeenCalledWith(undefined);
    expect(b.remove).toHaveBeenCalledWith({ id: '7', marker: 'm-1' });
    expect(b.things.size).toBe(0);
  });

  it('refuses the find strategy without a find function', async () => {
    const b = backend();
    const { o } = options(b, { find: undefined });
    await expect(createOnce(o)).rejects.toThrow(/find/);
  });
});

describe('createOnce, idempotencyToken strategy', () => {
  it('sends the same request again after an ambiguous failure (the API dedupes), never looking anything up', async () => {
    const b = backend('lost');
    const things = b.things;
    // The API answers a repeated token with what it made the first time.
    b.create.mockImplementationOnce(async () => {
      things.set('1', { id: '1', marker: 'm-1' });
      throw new NetworkError('reset');
    });
    b.create.mockImplementationOnce(async () => things.get('1')!);
    const { o, scheduler } = options(b, { strategy: 'idempotencyToken' });
    await expect(scheduler.drive(createOnce(o))).resolves.toEqual({ id: '1', marker: 'm-1' });
    expect(b.create).toHaveBeenCalledTimes(2);
    expect(b.find).not.toHaveBeenCalled();
  });

  it('without find, the cleanup asks the API for what the token made and removes it', async () => {
    const b = backend();
    const things = b.things;
    let calls = 0;
    b.create.mockImplementation(async () => {
      things.set('1', { id: '1', marker: 'm-1' });
      if (++calls <= 4) throw new ApiError('bad gateway', 502);
      return things.get('1')!;
    });
    const { o, scheduler } = options(b, { strategy: 'idempotencyToken', find: undefined });
    await expect(scheduler.drive(createOnce(o))).rejects.toSatisfy((e) => ApiError.isInstance(e));
    expect(b.remove).toHaveBeenCalledWith({ id: '1', marker: 'm-1' });
    expect(things.size).toBe(0);
  });
});

describe('createOnce, no real time', () => {
  it('waits between attempts on the scheduler only', async () => {
    const b = backend('lost');
    b.find.mockResolvedValueOnce(null);
    b.create.mockImplementationOnce(async () => {
      throw new NetworkError('reset');
    });
    const { o, scheduler } = options(b);
    const call = createOnce(o);
    await flush();
    expect(b.create).toHaveBeenCalledTimes(1);
    expect(scheduler.pending()).toBe(1);
    await scheduler.drive(call);
    expect(scheduler.sleeps.length).toBeGreaterThanOrEqual(1);
  });
});
