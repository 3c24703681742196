/**
 * The soak's plan, a pure function of its seed: which operations run in which order, which earlier
 * provision each terminate or snapshot acts on, and which faults each operation arms as it starts.
 * Every provider gets the same plan, so one seed means the same operation mix and fault schedule on
 * every fake. Which request a fault meets is up to the interleaving of the concurrent workers.
 */
import { seededRandom } from '@stagely/provider-core/testing';

export type OperationKind = 'provision' | 'list' | 'terminate' | 'snapshot';
export const OPERATION_KINDS: readonly OperationKind[] = ['provision', 'list', 'terminate', 'snapshot'];

/**
 * - `5xx`: a server error instead of an answer (the call is not carried out);
 * - `429`: the API's rate-limit answer with its reset headers;
 * - `reset`: the connection is reset before the call is carried out;
 * - `latency`: the answer comes late, now and then later than the client's request timeout;
 * - `lost`: the call IS carried out, then its answer is lost (a gateway's 5xx or a reset).
 */
export type FaultKind = '5xx' | '429' | 'reset' | 'latency' | 'lost';
export const FAULT_KINDS: readonly FaultKind[] = ['5xx', '429', 'reset', 'latency', 'lost'];

/** The request a fault waits for: the operation's own mutation (create, delete, snapshot), or whichever request comes next. */
export type FaultTarget = 'own' | 'any';

export interface PlannedFault {
  kind: FaultKind;
  target: FaultTarget;
  /** `latency` only: how long the answer is held. */
  latencyMs?: number;
  /** `latency` only: held before the call is carried out, or after it (the call acted, the answer is late). */
  phase?: 'before' | 'after';
  /** `lost` only: the client sees a reset rather than a gateway's error page. */
  asReset?: boolean;
}

export interface PlannedOperation {
  index: number;
  kind: OperationKind;
  /** terminate / snapshot: the index of the provision whose instance it acts on. */
  target?: number;
  faults: PlannedFault[];
}

export interface SchedulePolicy {
  /** Chance that an operation arms faults at all. */
  faultRate: number;
  /** A latency fault beyond this outlasts the client's request timeout. */
  requestTimeoutMs: number;
}

const KIND_WEIGHTS: ReadonlyArray<readonly [OperationKind, number]> = [
  ['provision', 0.4],
  ['list', 0.15],
  ['snapshot', 0.2],
  ['terminate', 0.25],
];
const FAULT_WEIGHTS: ReadonlyArray<readonly [FaultKind, number]> = [
  ['5xx', 0.25],
  ['429', 0.2],
  ['reset', 0.15],
  ['latency', 0.2],
  ['lost', 0.2],
];

function pick<T>(random: () => number, weights: ReadonlyArray<readonly [T, number]>): T {
  let roll = random() * weights.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, weight] of weights) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return weights.at(-1)![0];
}

function plannedFault(random: () => number, kind: FaultKind, policy: SchedulePolicy): PlannedFault {
  const target: FaultTarget = kind === 'lost' || random() < 0.5 ? 'own' : 'any';
  if (kind === 'latency') {
    // Mostly a slow answer; one in eight held past the request timeout (the client gives up: ambiguous).
    const late = random() < 0.125;
    const latencyMs = late ? policy.requestTimeoutMs + 200 : 5 + Math.floor(random() * 150);
    return { kind, target, latencyMs, phase: late || random() < 0.5 ? 'after' : 'before' };
  }
  if (kind === 'lost') return { kind, target, asReset: random() < 0.5 };
  return { kind, target };
}

export function planSoak(seed: number, operations: number, policy: SchedulePolicy): PlannedOperation[] {
  const random = seededRandom(seed);
  const plan: PlannedOperation[] = [];
  /** Provisions no terminate has been planned for yet: what later operations may act on. */
  const open: number[] = [];
  for (let index = 0; index < operations; index++) {
    let kind = pick(random, KIND_WEIGHTS);
    if ((kind === 'terminate' || kind === 'snapshot') && open.length === 0) kind = 'provision';
    const operation: PlannedOperation = { index, kind, faults: [] };
    if (kind === 'provision') open.push(index);
    if (kind === 'terminate' || kind === 'snapshot') {
      const slot = Math.floor(random() * open.length);
      operation.target = open[slot]!;
      if (kind === 'terminate') open.splice(slot, 1);
    }
    if (random() < policy.faultRate) {
      const count = random() < 0.3 ? 2 : 1;
      for (let i = 0; i < count; i++) operation.faults.push(plannedFault(random, pick(random, FAULT_WEIGHTS), policy));
    }
    plan.push(operation);
  }
  return plan;
}

/** A short digest of the plan, printed with the results: equal digests, equal operation mix and fault schedule. */
export function planDigest(plan: readonly PlannedOperation[]): string {
  let hash = 0x811c9dc5;
  for (const ch of JSON.stringify(plan)) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}
