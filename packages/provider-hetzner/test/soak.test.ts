/**
 * The soak: concurrent creates, snapshots and terminates on the fake Hetzner API under lost answers,
 * 5xx, resets and a rate limit, seeded and bounded (a few seconds, a few hundred requests). It ends
 * with nothing left behind that the library did not report (a returned id whose terminate failed, or
 * an error's `details.leftBehind`), and with the default policies nothing left behind at all.
 */
import { isStagelyError, type StagelyError } from '@stagely/provider-core';
import type { FakeHetzner } from '../src/testing/index.js';
import { faultAnswer, HTML_BAD_GATEWAY, hetznerError, startFakeHetzner } from '../src/testing/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createHetznerProvider, type HetznerConfig } from '../src/index.js';
import { TOKEN } from './setup.js';

const WORKERS = 6;
/** Bounded by its requests, not by time: a few seconds here, more on a machine under load. */
const SOAK_TIMEOUT_MS = 120_000;
const ROUNDS = 3;

interface Outcome {
  /** Ids the library handed out that the caller could not remove (its terminate or deleteSnapshot failed). */
  reported: Set<string>;
  /** What errors named in `details.leftBehind`. */
  leftBehind: Set<string>;
  errors: StagelyError[];
  untyped: unknown[];
}

function injectFaults(fake: FakeHetzner): void {
  const every = { times: Number.POSITIVE_INFINITY };
  // Lost answers: the fake acts, the client sees a proxy's 502 or a reset.
  fake.http.faults.add({ ...every, operation: 'servers.create', phase: 'after', rate: 0.15, respond: HTML_BAD_GATEWAY });
  fake.http.faults.add({ ...every, operation: 'servers.create', phase: 'after', rate: 0.1, reset: true });
  fake.http.faults.add({ ...every, operation: 'servers.create_image', phase: 'after', rate: 0.15, respond: HTML_BAD_GATEWAY });
  fake.http.faults.add({ ...every, operation: 'servers.delete', phase: 'after', rate: 0.1, reset: true });
  // Refused before acting: a 5xx, a reset, on any call.
  fake.http.faults.add({ ...every, rate: 0.05, respond: hetznerError(503, 'unavailable', 'service unavailable') });
  fake.http.faults.add({ ...every, rate: 0.03, reset: true });
  // 429s the client's limiter could not foresee (the budget is shared with someone else).
  const limited = faultAnswer('rate-limited', BUDGET, Date.now());
  if (limited !== 'reset') {
    fake.http.faults.add({ times: 3, respond: limited });
    fake.http.faults.add({ ...every, rate: 0.03, respond: limited });
  }
}

/** A small, fast-refilling budget: bursts of the workers meet it. */
const BUDGET = { limit: 15, refillPerSecond: 300 };

async function soak(seed: number, config: Partial<HetznerConfig>): Promise<{ fake: FakeHetzner; outcome: Outcome }> {
  const fake = await startFakeHetzner({ token: TOKEN, seed, bootDelayMs: 20, actionDelayMs: 10, maxPerPage: 5, rateLimit: BUDGET });
  const provider = createHetznerProvider({ token: TOKEN, endpoint: fake.endpoint, requestTimeoutMs: 2000, operationPollMs: 5, ...config });
  const outcome: Outcome = { reported: new Set(), leftBehind: new Set(), errors: [], untyped: [] };
  const note = (error: unknown) => {
    if (!isStagelyError(error)) return void outcome.untyped.push(error);
    outcome.errors.push(error);
    for (const left of (error.details.leftBehind as string[] | undefined) ?? []) outcome.leftBehind.add(left);
  };
  injectFaults(fake);
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, worker) => {
      for (let round = 0; round < ROUNDS; round++) {
        const name = `soak-${seed}-${worker}-${round}`;
        const instance = await provider.createInstance({ name, size: 'small', tags: { soak: String(seed) } }).catch(note);
        if (!instance) continue;
        if ((worker + round) % 2 === 0) {
          const snapshot = await provider.createSnapshot(instance.id, `${name}-snap`).catch(note);
          if (snapshot) await provider.deleteSnapshot(snapshot.id).catch((error: unknown) => (note(error), outcome.reported.add(snapshot.id)));
        }
        await provider.terminateInstance(instance.id).catch((error: unknown) => (note(error), outcome.reported.add(instance.id)));
      }
    }),
  );
  fake.clearFaults();
  return { fake, outcome };
}

/** What the fake still holds that this soak made: servers that run (not deleting) and snapshots. */
function leftovers(fake: FakeHetzner, seed: number) {
  const servers = fake.servers().filter((s) => s.labels.soak === String(seed) && !['deleting', 'deleted'].includes(s.status));
  const snapshots = fake.snapshots().filter((s) => s.labels['stagely-request'] !== undefined);
  return { servers, snapshots };
}

let open: FakeHetzner | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe('soak on the fake Hetzner API', () => {
  for (const seed of [1, 2, 4]) {
    it(`seed ${seed}, tight retry policy: nothing is left behind that the library did not report`, async () => {
      const { fake, outcome } = await soak(seed, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5, maxElapsedMs: 500 } });
      open = fake;
      expect(outcome.untyped).toEqual([]);
      expect(JSON.stringify(outcome.errors.map((e) => e.toJSON()))).not.toContain(TOKEN);
      const { servers, snapshots } = leftovers(fake, seed);
      const reported = (id: number, marker: (label: string) => boolean) =>
        outcome.reported.has(String(id)) || outcome.leftBehind.has(String(id)) || [...outcome.leftBehind].some(marker);
      expect(servers.filter((s) => !reported(s.id, (left) => left === `server named ${s.name}`))).toEqual([]);
      expect(snapshots.filter((s) => !reported(s.id, (left) => left.endsWith(`stagely-request=${s.labels['stagely-request']}`)))).toEqual([]);
      // The soak did meet what it was meant to meet.
      expect(fake.http.log.some((e) => e.status === 429)).toBe(true);
      expect(fake.http.log.filter((e) => e.faulted).length).toBeGreaterThanOrEqual(3);
      expect(fake.http.log.length).toBeLessThan(2000);
    }, SOAK_TIMEOUT_MS);
  }

  it('with the default policies, nothing at all is left behind', async () => {
    const { fake, outcome } = await soak(3, {});
    open = fake;
    expect(outcome.untyped).toEqual([]);
    const { servers, snapshots } = leftovers(fake, 3);
    expect({ servers, snapshots, leftBehind: [...outcome.leftBehind], reported: [...outcome.reported] }).toEqual({ servers: [], snapshots: [], leftBehind: [], reported: [] });
  }, SOAK_TIMEOUT_MS);
});
