/**
 * The soak on the mock: concurrent creates, snapshots and terminates under lost answers, 5xx,
 * resets, injected 429s and a request budget, the faults armed from a seeded sequence, bounded by
 * its requests (a few hundred). It ends with nothing left behind that the library did not report (a
 * returned id whose terminate or delete failed, or an error's `details.leftBehind`), and with the
 * default policies nothing left behind at all. The store is read from the state file, whatever the
 * API shows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStagelyError, type StagelyError, type StagelyEvent } from '@stagely/provider-core';
import { seededRandom } from '@stagely/provider-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockProvider, LOSABLE_OPERATIONS, readStateFile, type MockConfig, type MockProvider, type MockState } from '../src/index.js';

const TOKEN = 'mock-soak-token-6e2d9c41b7';
const WORKERS = 6;
const ROUNDS = 3;
/** Bounded by its requests, not by time: well under a second here, more on a machine under load. */
const SOAK_TIMEOUT_MS = 60_000;

interface Outcome {
  /** Ids the library handed out that the caller could not remove (its terminate or deleteSnapshot failed). */
  reported: Set<string>;
  /** What errors named in `details.leftBehind`. */
  leftBehind: Set<string>;
  errors: StagelyError[];
  untyped: unknown[];
  events: StagelyEvent[];
}

/** Before each step, one fault out of the seeded sequence (or none): it meets whichever request comes next. */
function armFault(provider: MockProvider, random: () => number, step: 'create' | 'terminate' | 'snapshot'): void {
  const roll = random();
  if (roll < 0.15) provider.failNext('server-error');
  else if (roll < 0.25) provider.failNext('connection-reset');
  else if (roll < 0.35) provider.failNext('rate-limited');
  else if (roll < 0.55) provider.loseResponse(LOSABLE_OPERATIONS[step], 1, random() < 0.5 ? 'connection-reset' : 'bad-gateway');
}

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function soak(seed: number, config: MockConfig): Promise<{ state: Readonly<MockState>; outcome: Outcome }> {
  dir = mkdtempSync(join(tmpdir(), 'stagely-mock-soak-'));
  const stateFile = join(dir, 'state.json');
  const outcome: Outcome = { reported: new Set(), leftBehind: new Set(), errors: [], untyped: [], events: [] };
  const provider = createMockProvider(
    { token: TOKEN, stateFile, bootDelayMs: 10, terminateDelayMs: 5, pageSize: 5, readinessPoll: { firstMs: 5, intervalMs: 5 }, ...config },
    { events: (event) => outcome.events.push(event) },
  );
  const note = (error: unknown) => {
    if (!isStagelyError(error)) return void outcome.untyped.push(error);
    outcome.errors.push(error);
    for (const left of (error.details.leftBehind as string[] | undefined) ?? []) outcome.leftBehind.add(left);
  };
  // A small budget the workers' bursts meet (429 with its retry-after beyond it).
  provider.rateLimit({ requests: 15, windowMs: 20 });
  const random = seededRandom(seed);
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, worker) => {
      for (let round = 0; round < ROUNDS; round++) {
        const name = `soak-${seed}-${worker}-${round}`;
        armFault(provider, random, 'create');
        const instance = await provider.createInstance({ name, size: 'small', tags: { soak: String(seed) } }).catch(note);
        if (!instance) continue;
        if ((worker + round) % 2 === 0) {
          armFault(provider, random, 'snapshot');
          const snapshot = await provider.createSnapshot(instance.id, `${name}-snap`).catch(note);
          if (snapshot) await provider.deleteSnapshot(snapshot.id).catch((error: unknown) => (note(error), outcome.reported.add(snapshot.id)));
        }
        armFault(provider, random, 'terminate');
        await provider.terminateInstance(instance.id).catch((error: unknown) => (note(error), outcome.reported.add(instance.id)));
      }
    }),
  );
  provider.clearFaults();
  return { state: readStateFile(stateFile), outcome };
}

/** What the store still holds that the soak made: live instances, and snapshots. */
function leftovers(state: Readonly<MockState>, seed: number) {
  return {
    instances: state.instances.filter((i) => i.tags.soak === String(seed) && i.terminatedAt === null),
    snapshots: state.snapshots,
  };
}

/** Reported by id, or by a leftBehind marker naming its client token. */
function reported(outcome: Outcome, thing: { id: string; clientToken?: string }): boolean {
  const token = thing.clientToken;
  return outcome.reported.has(thing.id) || outcome.leftBehind.has(thing.id) || (token !== undefined && [...outcome.leftBehind].some((left) => left.endsWith(token)));
}

describe('soak on the mock', () => {
  for (const seed of [1, 2, 4]) {
    it(`seed ${seed}, tight retry policy: nothing is left behind that the library did not report`, async () => {
      const { state, outcome } = await soak(seed, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5, maxElapsedMs: 500 } });
      expect(outcome.untyped).toEqual([]);
      expect(JSON.stringify(outcome.errors.map((e) => e.toJSON()))).not.toContain(TOKEN);
      expect(JSON.stringify(outcome.events)).not.toContain(TOKEN);
      const { instances, snapshots } = leftovers(state, seed);
      expect(instances.filter((i) => !reported(outcome, i))).toEqual([]);
      expect(snapshots.filter((s) => !reported(outcome, s))).toEqual([]);
      // One create request in effect per name: no duplicates, whatever was lost or retried.
      const names = state.instances.filter((i) => i.tags.soak === String(seed)).map((i) => i.name);
      expect(names.length).toBe(new Set(names).size);
      // The soak did meet what it was meant to meet.
      const requests = outcome.events.filter((e) => e.type === 'request');
      expect(requests.some((e) => e.status === 429)).toBe(true);
      expect(requests.filter((e) => e.status === undefined || e.status >= 500).length).toBeGreaterThanOrEqual(3);
      expect(requests.length).toBeLessThan(2000);
    }, SOAK_TIMEOUT_MS);
  }

  it('with the default policies, nothing at all is left behind', async () => {
    const { state, outcome } = await soak(3, {});
    expect(outcome.untyped).toEqual([]);
    const { instances, snapshots } = leftovers(state, 3);
    expect({ instances, snapshots, leftBehind: [...outcome.leftBehind], reported: [...outcome.reported] }).toEqual({ instances: [], snapshots: [], leftBehind: [], reported: [] });
  }, SOAK_TIMEOUT_MS);
});
