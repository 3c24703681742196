/**
 * Fault injection for fake APIs: rules that pick calls (by operation name, method and/or path
 * pattern) and make them slow, answer with an error, or reset the connection. A rule applies to
 * its next `times` matching calls (default 1), or at a seeded `rate`, or both.
 *
 * A rule acts `before` the handler (the call is never carried out) or `after` it: the call IS
 * carried out and then its answer is held, replaced or lost, the case that makes retrying a
 * create dangerous.
 */
import { seededRandom } from './random.js';
import type { FakeResponse } from './responses.js';
import { matchPath } from './route-pattern.js';

/** Which calls a rule picks; every given selector must match, none given picks every call. */
export interface FaultSelector {
  /** The route's operation name, e.g. `servers.create` or `RunInstances`. */
  operation?: string;
  /** HTTP method, case-insensitive. */
  method?: string;
  /** A path pattern (`/v1/servers/:id`, `/v1/*`) matched against the request path. */
  path?: string;
}

/**
 * When a rule acts: `before` the handler runs (the default; the call is never carried out), or
 * `after` it (the call is carried out, state changes, and then the answer is held, replaced or lost).
 */
export type FaultPhase = 'before' | 'after';

export interface FaultRule extends FaultSelector {
  /** Apply to this many matching calls, then drop the rule; default 1 (Infinity: until removed). */
  times?: number;
  /** Apply to each matching call with this probability (seeded), until `times` is used up. */
  rate?: number;
  /** Default `before`. */
  phase?: FaultPhase;
  /**
   * `before`: added before the call is handled (or before the injected response / reset).
   * `after`: added between the handler's answer and sending it (or the reset), e.g. to outlast a
   * client's request timeout.
   */
  latencyMs?: number;
  /**
   * `before`: answer with this instead of the route's handler (status, error body and headers).
   * `after`: the handler runs, then this replaces its answer (e.g. a proxy's 502 or 504).
   */
  respond?: FakeResponse;
  /** Destroy the connection without answering (the client sees a reset); `after`: once handled. */
  reset?: boolean;
}

export interface FaultCall {
  method: string;
  path: string;
  operation: string | undefined;
}

/** What one phase of a call suffers; `respond` and `reset` are exclusive, `reset` wins. */
export interface FaultPhaseEffect {
  latencyMs: number;
  respond?: FakeResponse;
  reset: boolean;
}

/** What a call suffers before it is handled, and (`after`, set when an `after` rule applied) once handled. */
export interface FaultEffect extends FaultPhaseEffect {
  after?: FaultPhaseEffect;
}

export interface FaultHandle {
  /** Uses left (Infinity for unbounded). */
  readonly remaining: number;
  remove(): void;
}

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

export class FaultPlan {
  #rules: ActiveRule[] = [];
  #random: () => number;

  constructor(options: { seed?: number } = {}) {
    this.#random = seededRandom(options.seed ?? 1);
  }

  add(rule: FaultRule): FaultHandle {
    const times = rule.times ?? 1;
    if (!(times > 0)) throw new RangeError(`fault rule: times must be > 0, got ${times}`);
    if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) {
      throw new RangeError(`fault rule: rate must be between 0 and 1, got ${rule.rate}`);
    }
    if (rule.phase !== undefined && rule.phase !== 'before' && rule.phase !== 'after') {
      throw new RangeError(`fault rule: phase must be 'before' or 'after', got ${String(rule.phase)}`);
    }
    if (rule.latencyMs !== undefined && !(rule.latencyMs >= 0 && Number.isFinite(rule.latencyMs))) {
      throw new RangeError(`fault rule: latencyMs must be a finite number >= 0, got ${rule.latencyMs}`);
    }
    if (rule.latencyMs === undefined && rule.respond === undefined && !rule.reset) {
      throw new RangeError('fault rule: give latencyMs, respond or reset');
    }
    const active: ActiveRule = { rule, remaining: times };
    this.#rules.push(active);
    return {
      get remaining() {
        return active.remaining;
      },
      remove: () => this.#drop(active),
    };
  }

  clear(): void {
    this.#rules = [];
  }

  /** Rules still waiting to apply. */
  get size(): number {
    return this.#rules.length;
  }

  /**
   * Decides what happens to `call` and uses up the rules that applied. Within each phase, rules
   * are taken in the order they were added: latency from every applying rule adds up; the first
   * one that responds or resets decides, and later rules are left for later calls. `after` rules
   * are only taken when no `before` rule answered or reset, since then the handler never runs.
   */
  take(call: FaultCall): FaultEffect {
    const effect: FaultEffect = this.#takePhase('before', call) ?? { latencyMs: 0, reset: false };
    if (effect.reset || effect.respond) return effect;
    const after = this.#takePhase('after', call);
    if (after) effect.after = after;
    return effect;
  }

  /** The effect of `phase`'s rules on `call`; undefined when none applied. */
  #takePhase(phase: FaultPhase, call: FaultCall): FaultPhaseEffect | undefined {
    let effect: FaultPhaseEffect | undefined;
    for (const active of [...this.#rules]) {
      const { rule } = active;
      if ((rule.phase ?? 'before') !== phase || !selects(rule, call)) continue;
      if (rule.rate !== undefined && this.#random() >= rule.rate) continue;
      active.remaining -= 1;
      if (active.remaining <= 0) this.#drop(active);
      effect ??= { latencyMs: 0, reset: false };
      effect.latencyMs += rule.latencyMs ?? 0;
      if (rule.reset) {
        effect.reset = true;
        return effect;
      }
      if (rule.respond) {
        effect.respond = rule.respond;
        return effect;
      }
    }
    return effect;
  }

  #drop(active: ActiveRule): void {
    this.#rules = this.#rules.filter((r) => r !== active);
  }
}

export function selects(selector: FaultSelector, call: FaultCall): boolean {
  if (selector.operation !== undefined && selector.operation !== call.operation) return false;
  if (selector.method !== undefined && selector.method.toUpperCase() !== call.method.toUpperCase()) return false;
  if (selector.path !== undefined && matchPath(selector.path, call.path) === null) return false;
  return true;
}
