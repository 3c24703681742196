/**
 * The soak on the mock, in memory, through its test controls: `failNext` (5xx, 429 with its
 * retry-after, reset: the next request, whichever it is) and `loseResponse` (carried out, answered
 * with a gateway's 502). Neither can be withdrawn, so a fault an operation did not meet stays for
 * later requests. The mock has no per-request latency control (only a fixed `latencyMs`, 1 ms
 * here). Its store is a state file, read whole to compare; the faults met are counted from the
 * provider's request events by the status each fault answers with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StagelyEvent } from '@stagely/provider-core';
import plugin, { LOSABLE_OPERATIONS, readStateFile, type MockProvider, type MockState } from '@stagely/provider-mock';
import { FAULT_KINDS, type FaultKind } from '../soak-schedule.js';
import type { SoakAdapter } from '../soak-target.js';
import { soakProvider } from './provider-config.js';

const TOKEN = 'soak-mock-token-0d6b3f8a2e91';
/** The fault behind a request event's status: the mock answers nothing else with these (a reset: no status). */
const faultOf = (status: number | undefined): FaultKind | undefined =>
  status === undefined ? 'reset' : status === 500 ? '5xx' : status === 429 ? '429' : status === 502 ? 'lost' : undefined;

export const mockSoak: SoakAdapter = {
  name: 'mock',
  async start(options) {
    const { events } = options;
    const dir = mkdtempSync(join(tmpdir(), 'stagely-soak-'));
    const stateFile = join(dir, 'state.json');
    const met = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
    let requests = 0;
    const sink = (event: StagelyEvent) => {
      if (event.type === 'request') {
        requests += 1;
        const kind = faultOf(event.status);
        if (kind) met[kind] += 1;
      }
      events(event);
    };
    const provider = await soakProvider<MockProvider>(plugin, { token: TOKEN, stateFile, bootDelayMs: 40, terminateDelayMs: 10, latencyMs: 1, pageSize: 5 }, { ...options, events: sink });
    // The file is a state line and change lines since: the package reads it (absent: empty).
    const read = (): Readonly<MockState> => readStateFile(stateFile);
    return {
      provider,
      secrets: [TOKEN],
      cannot: ['latency'],
      arm(fault, own) {
        if (fault.kind === 'lost') provider.loseResponse(LOSABLE_OPERATIONS[own ?? 'create'], 1, 'bad-gateway');
        else provider.failNext(fault.kind === '5xx' ? 'server-error' : fault.kind === '429' ? 'rate-limited' : 'connection-reset');
        // The mock's controls cannot withdraw one fault: an unmet one waits for a later request.
        return () => {};
      },
      faultsMet: () => ({ ...met }),
      clearFaults: () => provider.clearFaults(),
      requests: () => requests,
      budgetRefusals: () => 0,
      store: () => {
        const state = read();
        return [
          ...state.instances.map((i) => ({ kind: 'instance' as const, id: i.id, name: i.name, alive: i.terminatedAt === null, keys: [i.name, i.clientToken ?? ''].filter(Boolean) })),
          ...state.snapshots.map((s) => ({ kind: 'image' as const, id: s.id, name: s.name, alive: true, keys: [s.name, s.clientToken ?? ''].filter(Boolean) })),
        ];
      },
      close: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};
