/**
 * Events (docs/architecture.md, "Provider mechanics"): libraries do not print. Providers and core report what they do through
 * `context.events?.(event)`; the CLI renders them. No event ever carries a credential.
 */
import type { InstanceState } from './contract.js';

interface EventBase {
  provider: string;
}

export interface RequestEvent extends EventBase {
  type: 'request';
  /** The API operation, e.g. `servers.create` or `RunInstances`. */
  operation: string;
  durationMs?: number;
  status?: number;
}

export interface RetryEvent extends EventBase {
  type: 'retry';
  operation: string;
  attempt: number;
  delayMs: number;
  code: string;
}

export interface RateLimitEvent extends EventBase {
  type: 'rate-limit';
  operation: string;
  retryAfterMs: number | undefined;
}

export interface WarningEvent extends EventBase {
  type: 'warning';
  message: string;
  instanceId?: string;
}

export interface StateEvent extends EventBase {
  type: 'state';
  instanceId: string;
  state: InstanceState;
  providerState: string;
}

export type StagelyEvent = RequestEvent | RetryEvent | RateLimitEvent | WarningEvent | StateEvent;
export type StagelyEventType = StagelyEvent['type'];
export type EventSink = (event: StagelyEvent) => void;

/** Calls the sink if there is one; a sink that throws never breaks the operation. */
export function emit(sink: EventSink | undefined, event: StagelyEvent): void {
  if (!sink) return;
  try {
    sink(event);
  } catch {
    // A listener's bug is not the caller's failure.
  }
}
