/**
 * One call through a fault plan, as the kit's fake server and fault proxy both carry it out: the
 * `before` rules (latency, then an injected answer or a reset, the call never carried out), the
 * call itself, then the `after` rules (the call WAS carried out; its answer is held, replaced or
 * lost). Every call is logged, as soon as it is carried out.
 */
import type { Socket } from 'node:net';
import { selects, type FaultCall, type FaultPlan, type FaultSelector } from './fault-plan.js';
import { resetConnection } from './loopback-http.js';
import type { FakeResponse } from './responses.js';

export interface RequestLogEntry {
  method: string;
  path: string;
  /** The query string without `?`, '' when none. */
  search: string;
  /** `undefined` when no route matched. */
  operation: string | undefined;
  /**
   * What the client was sent; `null` when no answer was (a reset, an answer still held by an
   * `after` fault's latency, or a client that left first).
   */
  status: number | null;
  /** True when a fault rule answered, reset, held or replaced the answer to this call. */
  faulted: boolean;
  /**
   * The handler's own status when an `after` fault applied: the call was carried out, whatever
   * the client saw. Absent otherwise.
   */
  handledStatus?: number;
  /** A handler's unexpected exception (answered 500), so tests can see bugs in fakes. */
  error?: string;
}
export interface FaultedCall {
  faults: FaultPlan;
  log: RequestLogEntry[];
  /** This call's log entry; its status is set by whoever sends the answer. */
  entry: RequestLogEntry;
  call: FaultCall;
  socket: Socket;
  delay(ms: number): Promise<void>;
}

/** The answer to send, or undefined when none must be (a reset, or the client or server went away). */
export async function runWithFaults(faulted: FaultedCall, carryOut: () => Promise<FakeResponse>): Promise<FakeResponse | undefined> {
  const { faults, log, entry, socket, delay } = faulted;
  const effect = faults.take(faulted.call);
  if (effect.latencyMs > 0) await delay(effect.latencyMs);
  if (socket.destroyed) return undefined; // the server closed, or the client gave up, while we waited
  if (effect.reset || effect.respond) {
    entry.faulted = true;
    log.push(entry);
    if (effect.reset) resetConnection(socket);
    return effect.reset ? undefined : effect.respond;
  }

  const response = await carryOut();
  const after = effect.after;
  // Logged as soon as it is carried out, so a test sees the call while its answer is held or lost.
  log.push(entry);
  if (!after) return response;
  entry.faulted = true;
  entry.handledStatus = response.status;
  if (after.latencyMs > 0) await delay(after.latencyMs);
  if (socket.destroyed) return undefined;
  if (after.reset) {
    resetConnection(socket);
    return undefined;
  }
  return after.respond ?? response;
}

/** The request log as the fake server and the fault proxy expose it. */
export interface RequestLogView {
  readonly log: readonly RequestLogEntry[];
  /** Logged calls picked by `selector` (an operation name, or method / path / operation). */
  count(selector?: string | FaultSelector): number;
  clearLog(): void;
}

export function requestLogView(log: RequestLogEntry[]): RequestLogView {
  return {
    log,
    count(selector = {}) {
      const pick = typeof selector === 'string' ? { operation: selector } : selector;
      return log.filter((entry) => selects(pick, entry)).length;
    },
    clearLog() {
      log.length = 0;
    },
  };
}
