/**
 * Arming the soak's planned faults on a fake built on core's kit (Hetzner, DigitalOcean, EC2): each
 * fault is a one-time rule on the fake's FaultPlan, added through the fake's own test controls so
 * that it answers in that API's words (its 5xx body, its 429 with reset headers, EC2's throttling).
 * A rule's handle says whether it met a request.
 */
import type { FakeResponse, FakeServer, FaultHandle, FaultSelector, LostOperation } from '@stagely/provider-core/testing';
import type { OwnMutation } from './soak-target.js';
import { FAULT_KINDS, type FaultKind, type PlannedFault } from './soak-schedule.js';

/** The test controls the three kit-based fakes share. */
export interface KitFake {
  readonly http: FakeServer;
  injectFault(kind: 'server-error' | 'rate-limited' | 'connection-reset', times?: number, selector?: FaultSelector): FaultHandle;
  loseResponse(operation: string, options?: { times?: number; respond?: FakeResponse | 'reset' }): FaultHandle;
  clearFaults(): void;
}

export class KitFaults {
  readonly #armed: Array<{ kind: FaultKind; handle: FaultHandle }> = [];

  constructor(
    private readonly fake: KitFake,
    /** The API operation behind each of the soak's mutations (the fake's LOST_OPERATIONS). */
    private readonly operations: Readonly<Record<LostOperation, string>>,
  ) {}

  arm(fault: PlannedFault, own: OwnMutation | undefined): () => void {
    const selector: FaultSelector = fault.target === 'own' && own ? { operation: this.operations[own] } : {};
    const handle = this.#rule(fault, selector, own);
    this.#armed.push({ kind: fault.kind, handle });
    return () => handle.remove();
  }

  #rule(fault: PlannedFault, selector: FaultSelector, own: OwnMutation | undefined): FaultHandle {
    switch (fault.kind) {
      case '5xx':
        return this.fake.injectFault('server-error', 1, selector);
      case '429':
        return this.fake.injectFault('rate-limited', 1, selector);
      case 'reset':
        return this.fake.injectFault('connection-reset', 1, selector);
      case 'latency':
        return this.fake.http.faults.add({ ...selector, times: 1, phase: fault.phase ?? 'before', latencyMs: fault.latencyMs ?? 0 });
      case 'lost':
        // A listing has no mutation to lose: its lost answer waits for the next create.
        return this.fake.loseResponse(this.operations[own ?? 'create'], { times: 1, ...(fault.asReset ? { respond: 'reset' } : {}) });
    }
  }

  met(): Record<FaultKind, number> {
    const met = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
    for (const { kind, handle } of this.#armed) if (handle.remaining === 0) met[kind] += 1;
    return met;
  }

  clear(): void {
    this.fake.clearFaults();
  }
}
