import { describe, expect, it } from 'vitest';
import {
  FaultPlan,
  InstanceLifecycle,
  PaginationError,
  manualClock,
  matchPath,
  paginateNumbered,
  paginateToken,
  seededRandom,
  withOverrides,
  type PhaseWords,
} from '../src/testing/index.js';
import type { CloudProvider } from '../src/contract/contract.js';

const HETZNER_WORDS: PhaseWords = {
  pending: 'initializing',
  running: 'running',
  stopping: 'stopping',
  stopped: 'off',
  terminating: 'deleting',
  terminated: 'deleted',
};

describe('InstanceLifecycle', () => {
  it('boots after bootDelayMs and gets a public IP ipDelayMs later, on the injected clock', () => {
    const clock = manualClock(1_000);
    const vm = new InstanceLifecycle({ clock, bootDelayMs: 500, ipDelayMs: 200 });
    expect(vm.createdAt).toBe(1_000);
    expect([vm.phase, vm.hasPublicIp, vm.word(HETZNER_WORDS)]).toEqual(['pending', false, 'initializing']);
    clock.advance(499);
    expect(vm.phase).toBe('pending');
    clock.advance(1);
    expect([vm.phase, vm.hasPublicIp]).toEqual(['running', false]);
    clock.advance(200);
    expect([vm.phase, vm.hasPublicIp, vm.word(HETZNER_WORDS)]).toEqual(['running', true, 'running']);
    expect(vm.readyAt).toBe(1_700);
  });

  it('stops, starts again with a fresh boot, and terminates for good', () => {
    const clock = manualClock();
    const vm = new InstanceLifecycle({ clock, bootDelayMs: 100, stopDelayMs: 50, terminateDelayMs: 30 });
    clock.advance(100);
    vm.stop();
    expect([vm.phase, vm.hasPublicIp]).toEqual(['stopping', false]);
    clock.advance(50);
    expect(vm.word(HETZNER_WORDS)).toBe('off');
    vm.start();
    expect(vm.phase).toBe('pending');
    clock.advance(100);
    expect(vm.phase).toBe('running');
    vm.terminate();
    expect(vm.phase).toBe('terminating');
    clock.advance(10);
    vm.terminate(); // idempotent: does not restart the countdown
    clock.advance(20);
    expect(vm.phase).toBe('terminated');
    vm.start();
    expect([vm.phase, vm.hasPublicIp]).toEqual(['terminated', false]);
  });

  it('refuses negative delays', () => {
    expect(() => new InstanceLifecycle({ bootDelayMs: -1 })).toThrow(/bootDelayMs/);
  });
});

describe('pagination', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];

  it('numbered pages cap the size the client asks for and say where the others are', () => {
    const first = paginateNumbered(items, { perPage: '50', maxPerPage: 2 });
    expect(first).toEqual({ items: ['a', 'b'], page: 1, perPage: 2, previousPage: null, nextPage: 2, lastPage: 3, totalEntries: 5 });
    expect(paginateNumbered(items, { page: '3', perPage: 2 })).toMatchObject({ items: ['e'], previousPage: 2, nextPage: null });
    expect(paginateNumbered([], {})).toMatchObject({ items: [], lastPage: 1, nextPage: null });
    expect(() => paginateNumbered(items, { page: '0' })).toThrow(PaginationError);
    expect(() => paginateNumbered(items, { perPage: 'x' })).toThrow(/per_page/);
  });

  it('token pages chain through every item exactly once', () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = paginateToken(items, { token, maxResults: 1000, maxPageSize: 2 });
      seen.push(...page.items);
      token = page.nextToken;
      pages++;
    } while (token !== undefined);
    expect(seen).toEqual(items);
    expect(pages).toBe(3);
    expect(() => paginateToken(items, { token: 'garbage' })).toThrow(PaginationError);
  });
});

describe('matchPath', () => {
  it('binds params, matches a trailing wildcard, and refuses other shapes', () => {
    expect(matchPath('/v1/servers/:id', '/v1/servers/12')).toEqual({ id: '12' });
    expect(matchPath('/v1/servers/:id', '/v1/servers/12/actions')).toBeNull();
    expect(matchPath('/v1/servers/:id', '/v1/servers')).toBeNull();
    expect(matchPath('/v1/*', '/v1/servers/12')).toEqual({});
    expect(matchPath('/', '/')).toEqual({});
  });
});

describe('FaultPlan', () => {
  it('adds latency from every applying rule and stops at the first that answers', () => {
    const plan = new FaultPlan();
    plan.add({ latencyMs: 10, times: Infinity });
    plan.add({ operation: 'create', respond: { status: 500 } });
    plan.add({ operation: 'create', reset: true });
    const call = { method: 'POST', path: '/s', operation: 'create' };
    expect(plan.take(call)).toEqual({ latencyMs: 10, reset: false, respond: { status: 500 } });
    expect(plan.take(call)).toEqual({ latencyMs: 10, reset: true });
    expect(plan.take(call)).toEqual({ latencyMs: 10, reset: false });
    expect(plan.size).toBe(1);
  });

  it('keeps after-handling rules apart: their latency and answer come in `after`', () => {
    const plan = new FaultPlan();
    plan.add({ latencyMs: 5 });
    plan.add({ operation: 'create', phase: 'after', latencyMs: 7 });
    plan.add({ operation: 'create', phase: 'after', reset: true });
    plan.add({ operation: 'create', phase: 'after', respond: { status: 504 } });
    const call = { method: 'POST', path: '/s', operation: 'create' };
    expect(plan.take(call)).toEqual({ latencyMs: 5, reset: false, after: { latencyMs: 7, reset: true } });
    expect(plan.take(call)).toEqual({ latencyMs: 0, reset: false, after: { latencyMs: 0, reset: false, respond: { status: 504 } } });
    expect(plan.take(call)).toEqual({ latencyMs: 0, reset: false });
    expect(plan.take(call).after).toBeUndefined();
  });

  it('refuses rules that would do nothing or cannot apply', () => {
    const plan = new FaultPlan();
    expect(() => plan.add({ operation: 'x' })).toThrow(RangeError);
    expect(() => plan.add({ operation: 'x', phase: 'after' })).toThrow(/latencyMs, respond or reset/);
    expect(() => plan.add({ reset: true, phase: 'during' as 'after' })).toThrow(/phase/);
    expect(() => plan.add({ latencyMs: -1 })).toThrow(/latencyMs/);
    expect(() => plan.add({ reset: true, rate: 2 })).toThrow(/rate/);
    expect(() => plan.add({ reset: true, times: 0 })).toThrow(/times/);
    const handle = plan.add({ reset: true, times: 3 });
    expect(handle.remaining).toBe(3);
    handle.remove();
    expect(plan.size).toBe(0);
  });
});

describe('seededRandom', () => {
  it('replays the same sequence for a seed, in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBe(100);
  });
});

describe('withOverrides', () => {
  it('replaces the given methods and keeps the rest bound to the provider', async () => {
    class WithPrivate {
      readonly name = 'p';
      #secret = 'inside';
      async listSshKeys() {
        return [{ id: '1', name: this.#secret, fingerprint: 'f' }];
      }
      async terminateInstance() {
        throw new Error('not replaced');
      }
    }
    const provider = new WithPrivate() as unknown as CloudProvider;
    const view = withOverrides(provider, { terminateInstance: async () => undefined });
    await expect(view.terminateInstance('x')).resolves.toBeUndefined();
    expect((await view.listSshKeys())[0]!.name).toBe('inside');
    expect(view.name).toBe('p');
  });
});
